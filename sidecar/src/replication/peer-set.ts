import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type PeerSource = 'flag' | 'file' | 'gossip';

export interface PeerInfo {
  readonly id: string;
  readonly address: string;
  /** TLS name to expect when it differs from the address host (the operator sets it). */
  readonly serverName: string | undefined;
  readonly source: PeerSource;
}

export interface PeersFileContent {
  readonly peers: { id: string; address: string; serverName: string | undefined }[];
  readonly removed: string[];
}

const ADDRESS = /^[^\s]+:\d{1,5}$/;

/** Parses the operator's peers file (YAML or JSON, `{peers: [{id, address}], removed: [id]}`). */
export function parsePeersFile(text: string): PeersFileContent {
  const data: unknown = parseYaml(text);
  const root = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const peers: PeersFileContent['peers'] = [];
  for (const entry of Array.isArray(root.peers) ? root.peers : []) {
    const e = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const id = typeof e.id === 'string' ? e.id : '';
    const address = typeof e.address === 'string' ? e.address : '';
    if (id === '' || !ADDRESS.test(address)) throw new Error(`peers file entry ${JSON.stringify(entry)} needs an id and an address host:port`);
    peers.push({ id, address, serverName: typeof e.serverName === 'string' ? e.serverName : undefined });
  }
  const removed = (Array.isArray(root.removed) ? root.removed : []).filter((r): r is string => typeof r === 'string');
  return { peers, removed };
}

/**
 * Who our peers are: static flags, the peers file (reloaded on change) and gossip from
 * peers' membership messages. A peer listed as removed is dropped from every source and
 * never re-learned by gossip (it may rejoin only as a new member, under a new id).
 */
export class PeerSet {
  private readonly bySource = new Map<PeerSource, Map<string, PeerInfo>>([['flag', new Map()], ['file', new Map()], ['gossip', new Map()]]);
  readonly removed = new Set<string>();
  private fileStamp = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly selfId: string,
    private readonly onChange: () => void,
    private readonly onFileError: (error: Error) => void,
  ) {}

  setStatic(peers: readonly { id: string; address: string }[]): void {
    const map = this.bySource.get('flag')!;
    for (const peer of peers) if (peer.id !== this.selfId) map.set(peer.id, { ...peer, serverName: undefined, source: 'flag' });
  }

  /** Loads the peers file now and re-reads it whenever its mtime/size change. */
  watchFile(path: string, pollMs = 1000): void {
    this.loadFile(path);
    this.timer = setInterval(() => this.loadFile(path), pollMs);
    this.timer.unref();
  }

  private loadFile(path: string): void {
    let current: string;
    try {
      const stat = statSync(path);
      current = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      current = 'missing';
    }
    if (current === this.fileStamp || current === 'missing') return;
    try {
      const content = parsePeersFile(readFileSync(path, 'utf8'));
      this.fileStamp = current;
      const map = this.bySource.get('file')!;
      map.clear();
      for (const peer of content.peers) if (peer.id !== this.selfId) map.set(peer.id, { ...peer, source: 'file' });
      this.removed.clear();
      for (const id of content.removed) this.removed.add(id);
      this.onChange();
    } catch (error) {
      this.onFileError(error as Error);
    }
  }

  /** Merges a peer's membership view; returns true when it taught us someone new. */
  learn(peers: readonly { id: string; address: string }[], removed: readonly string[]): boolean {
    let changed = false;
    for (const id of removed) {
      if (id !== '' && !this.removed.has(id)) {
        this.removed.add(id);
        changed = true;
      }
    }
    const gossip = this.bySource.get('gossip')!;
    for (const peer of peers) {
      if (peer.id === this.selfId || peer.id === '' || !ADDRESS.test(peer.address) || this.get(peer.id) !== undefined) continue;
      gossip.set(peer.id, { id: peer.id, address: peer.address, serverName: undefined, source: 'gossip' });
      changed = true;
    }
    if (changed) this.onChange();
    return changed;
  }

  /** A peer by id, the most authoritative source first (file, then flags, then gossip). */
  get(id: string): PeerInfo | undefined {
    if (this.removed.has(id)) return undefined;
    return this.bySource.get('file')!.get(id) ?? this.bySource.get('flag')!.get(id) ?? this.bySource.get('gossip')!.get(id);
  }

  list(): PeerInfo[] {
    const ids = new Set<string>();
    for (const map of this.bySource.values()) for (const id of map.keys()) ids.add(id);
    return [...ids].sort().map((id) => this.get(id)).filter((peer): peer is PeerInfo => peer !== undefined);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
