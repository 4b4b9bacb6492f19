import { join } from 'node:path';
import { readIfExists, replaceFileDurably } from './durable-file.js';

/**
 * Counter epochs (crdt/contributions.ts): an increment may start a new epoch, and a
 * deleted counter may be forgotten. A replica of an earlier version ignores the
 * `new_epoch` flag and counts on, and its observations name no epoch, which replicas
 * that have epochs read as "covers nothing of this epoch": while versions are mixed
 * (a rolling upgrade) the two would diverge. So a replica starts epochs, and forgets
 * deleted counters, only once every peer it knows announced the feature in its hello;
 * before that it writes exactly what the earlier version wrote (epoch 0 throughout).
 */
export const COUNTER_EPOCHS = 'counter-epochs';
/**
 * The same for sorted-set scores (ZINCRBY `new_epoch`, epochs in score observations): a
 * feature of its own, since the version that brought counter epochs lacks it.
 */
export const SCORE_EPOCHS = 'score-epochs';
/** Every feature this version has, in the order they came: announced in our hello (replication/wire.ts). */
export const FEATURES: readonly string[] = [COUNTER_EPOCHS, SCORE_EPOCHS];

const FILE = 'features.json';

/** A peer as far as the feature decision goes: the features its latest hello announced. */
export interface AnnouncingPeer {
  readonly id: string;
  /** Undefined until a stream from it opened (an unknown version). */
  readonly features: ReadonlySet<string> | undefined;
}

/** The peers that have not announced `feature` (every one has when this is empty). */
export function peersLacking(peers: Iterable<AnnouncingPeer>, feature: string): string[] {
  const lacking: string[] = [];
  for (const peer of peers) if (peer.features?.has(feature) !== true) lacking.push(peer.id);
  return lacking.sort();
}

/**
 * The features this replica turned on, kept in its data directory. Turning one on is
 * final, like a finalized cluster version: a replica that started epochs may have
 * forgotten deleted counters, and would miscount if it went back to epoch 0 after a
 * restart; so the choice survives restarts, and from then on a peer whose hello lacks
 * the feature is refused (replication/authorize.ts) instead of silently diverging.
 */
export class FeatureGate {
  private constructor(private readonly path: string, private enabledAt: Map<string, string>) {}

  static async load(dataDir: string): Promise<FeatureGate> {
    const path = join(dataDir, FILE);
    const text = await readIfExists(path);
    const enabledAt = new Map<string, string>();
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${path} is not valid JSON; restore it from a backup, or delete it only if this replica never ran with these features on`);
      }
      const enabled = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).enabled : undefined;
      if (typeof enabled === 'object' && enabled !== null) for (const [name, at] of Object.entries(enabled)) enabledAt.set(name, String(at));
    }
    return new FeatureGate(path, enabledAt);
  }

  has(feature: string): boolean {
    return this.enabledAt.has(feature);
  }

  /** The features turned on, in name order (what a peer's hello must announce). */
  list(): string[] {
    return [...this.enabledAt.keys()].sort();
  }

  /** Turns `feature` on for good: recorded durably before the caller acts on it. */
  async enable(feature: string, now: Date): Promise<void> {
    if (this.enabledAt.has(feature)) return;
    const next = new Map(this.enabledAt).set(feature, now.toISOString());
    await replaceFileDurably(this.path, `${JSON.stringify({ enabled: Object.fromEntries(next) }, null, 2)}\n`);
    this.enabledAt = next;
  }
}
