import { vvToObject } from '../crdt/version-vector.js';
import type { Feed } from './feed.js';
import type { PeerLink } from './peer-link.js';
import type { PeerInfo } from './peer-set.js';
import type { VvHistory } from './vv-history.js';

export type Liveness = 'alive' | 'suspect' | 'dead';

export interface PeerStatus {
  readonly id: string;
  readonly address: string;
  readonly source: string;
  readonly state: Liveness;
  readonly link: string;
  readonly paused: boolean;
  /** Operations we have that the peer has not acknowledged. */
  readonly lagOps: number;
  /** Age of the oldest of those operations (0 when it has everything). */
  readonly lagMs: number;
  readonly ackedVersionVector: Record<string, number>;
  readonly reconnects: number;
  readonly lastError: string;
}

const ALIVE_MS = 5000;
const SUSPECT_MS = 15000;

/** Everything we know about one peer: our link to it, its streams to us, its acks. */
export class PeerRecord {
  link: PeerLink | undefined;
  readonly feeds = new Set<Feed>();
  readonly acked = new Map<string, number>();
  /** The durable part of its acks (replica/durable-vector.ts): what GC and log retention count on. */
  readonly durableAcked = new Map<string, number>();
  /**
   * What its current incarnation reported holding, applied or waiting (GC: which ops exist
   * that we lack). Replaced, not merged, when a new incarnation connects: the old one's
   * report may show ops its crash lost, which would hold GC back for ever.
   */
  readonly held = new Map<string, number>();
  /** The origin id (incarnation) `held` comes from: its current incarnation, as far as we know. */
  heldFrom = '';
  /** The incarnations its latest report (of incarnation `heldFrom`) named; see replica/stability.ts. */
  reportedIncarnations: ReadonlyMap<string, string> | undefined;
  opsIn = 0;
  paused = false;
  /** The features its latest hello announced (replica/features.ts); undefined before one. */
  features: ReadonlySet<string> | undefined;
  /** When we learned of the peer: a peer never heard from is silent since then (GC timeout). */
  readonly knownSince = Date.now();

  constructor(public info: PeerInfo) {}

  lastHeardAt(): number {
    let last = this.link?.lastHeardAt ?? 0;
    for (const feed of this.feeds) last = Math.max(last, feed.lastHeardAt);
    return last;
  }

  /**
   * alive: our stream to it is up and it spoke within 5 s; suspect: heard within 15 s;
   * dead: silent longer, never reached, or paused (no traffic by design).
   */
  liveness(now: number): Liveness {
    if (this.paused) return 'dead';
    const silence = now - this.lastHeardAt();
    if (this.link?.state === 'streaming' && silence < ALIVE_MS) return 'alive';
    return silence < SUSPECT_MS ? 'suspect' : 'dead';
  }

  /** Last time the peer spoke, or when we learned of it if it never did. */
  lastContactAt(): number {
    return Math.max(this.lastHeardAt(), this.knownSince);
  }

  lagOps(ours: ReadonlyMap<string, number>): number {
    let lag = 0;
    for (const [origin, seq] of ours) lag += Math.max(0, seq - (this.acked.get(origin) ?? 0));
    return lag;
  }

  status(ours: ReadonlyMap<string, number>, history: VvHistory, now: number): PeerStatus {
    return {
      id: this.info.id,
      address: this.info.address,
      source: this.info.source,
      state: this.liveness(now),
      link: this.link?.state ?? 'none',
      paused: this.paused,
      lagOps: this.lagOps(ours),
      lagMs: history.lagMs(this.acked, now),
      ackedVersionVector: vvToObject(this.acked),
      reconnects: this.link?.reconnects ?? 0,
      lastError: this.link?.lastError ?? '',
    };
  }
}
