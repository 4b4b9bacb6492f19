import { vvDominates, type VersionVector } from '../crdt/version-vector.js';
import type { OpLog } from '../oplog/index.js';
import type { OperationSink } from '../replica/engine.js';
import { encodeOnce } from '../replica/encoded-ops.js';
import type { Operation } from '../store/effects.js';
import { readOpHeader } from './op-header.js';
import { RecentOps, type LogRecord } from './recent-ops.js';

/** The version vector of the state right after op-log record `lsn`. */
interface Checkpoint {
  readonly lsn: number;
  readonly vv: ReadonlyMap<string, number>;
}

const CHECKPOINT_EVERY = 1024;

/**
 * Where in the op log a peer's catch-up must start. The log holds every applied op in
 * apply order (a causal order), so the records up to LSN L are exactly the ops covered
 * by the version vector after L: a peer whose vector dominates that one needs only the
 * records after L. Checkpoints every 1024 records keep the search cheap; the `base` is
 * the oldest position the log still reaches back to (before it, compacted or replaced by
 * a full-state install), and a peer not covering the base needs a full-state transfer.
 */
export interface SavedLogIndex {
  readonly base: Checkpoint;
  readonly checkpoints: readonly Checkpoint[];
  readonly head: ReadonlyMap<string, number>;
  readonly sinceCheckpoint: number;
}

export class LogIndex implements OperationSink {
  private base: Checkpoint;
  private checkpoints: Checkpoint[] = [];
  /** The vector after the last record (the base plus everything appended since). */
  private readonly head: VersionVector;
  private sinceCheckpoint = 0;
  readonly recent = new RecentOps();
  private readonly listeners = new Set<(record: LogRecord) => void>();

  private constructor(private readonly log: OpLog, base: Checkpoint, checkpoints: Checkpoint[], head: VersionVector) {
    this.base = base;
    this.checkpoints = checkpoints;
    this.head = head;
  }

  /** Scans the op log once (headers only) to rebuild the checkpoints after a restart. */
  static async build(log: OpLog, engineVv: ReadonlyMap<string, number>): Promise<LogIndex> {
    // Clients may write while the log is scanned (the RESP port is open): an origin whose
    // first record comes after the scanned range had, before it, what the vector had now.
    // Taking the vector after the scan instead put those new ops in the base, and every
    // peer lacking them got a needless full-state transfer.
    const atStart = new Map(engineVv);
    const firsts = new Map<string, number>();
    const last = new Map<string, number>();
    const partial: { lsn: number; seen: Map<string, number> }[] = [];
    let startLsn = log.firstLsn - 1;
    let count = 0;
    await log.replay(startLsn, (lsn, record) => {
      const header = readOpHeader(record);
      if (header === undefined) return;
      const previous = last.get(header.origin);
      if (previous !== undefined && header.seq !== previous + 1) {
        // A gap: a full-state install happened here; the log reaches back only to it.
        firsts.clear();
        partial.length = 0;
        startLsn = lsn - 1;
      }
      if (!firsts.has(header.origin)) firsts.set(header.origin, header.seq);
      last.set(header.origin, header.seq);
      if (++count % CHECKPOINT_EVERY === 0) partial.push({ lsn, seen: new Map(last) });
    });
    const baseVv = atStart;
    for (const [origin, first] of firsts) baseVv.set(origin, first - 1);
    for (const [origin, seq] of baseVv) if (seq === 0) baseVv.delete(origin);
    const checkpoints = partial.map(({ lsn, seen }) => ({ lsn, vv: overlay(baseVv, seen, firsts) }));
    return new LogIndex(log, { lsn: startLsn, vv: baseVv }, checkpoints, new Map(engineVv));
  }

  /** Sink registered after the op-log sink: the op's LSN is the log's last one. */
  onOperation(op: Operation): void {
    const lsn = this.log.lastLsn;
    const record: LogRecord = { lsn, origin: op.ctx.origin, seq: op.ctx.seq, bytes: encodeOnce(op), at: Date.now() };
    this.head.set(op.ctx.origin, op.ctx.seq);
    this.recent.push(record);
    if (++this.sinceCheckpoint >= CHECKPOINT_EVERY) {
      this.sinceCheckpoint = 0;
      this.checkpoints.push({ lsn, vv: new Map(this.head) });
    }
    for (const listener of this.listeners) listener(record);
  }

  onAppend(listener: (record: LogRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest position still in the log (advanced past compacted segments). */
  private currentBase(): Checkpoint {
    const oldest = this.log.firstLsn - 1;
    if (this.base.lsn >= oldest) return this.base;
    const index = this.checkpoints.findIndex((cp) => cp.lsn >= oldest);
    if (index < 0) {
      this.base = { lsn: this.log.lastLsn, vv: new Map(this.head) };
      this.checkpoints = [];
    } else {
      this.base = this.checkpoints[index]!;
      this.checkpoints = this.checkpoints.slice(index + 1);
    }
    return this.base;
  }

  /** The LSN after which a peer with vector `peerVv` needs records, or 'resync'. */
  startFor(peerVv: ReadonlyMap<string, number>): number | 'resync' {
    const base = this.currentBase();
    if (!vvDominates(peerVv, base.vv)) return 'resync';
    // Checkpoint vectors grow with the LSN, so dominance is monotonic: binary search.
    let low = 0;
    let high = this.checkpoints.length - 1;
    let best = base.lsn;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const cp = this.checkpoints[mid]!;
      if (vvDominates(peerVv, cp.vv)) {
        best = cp.lsn;
        low = mid + 1;
      } else high = mid - 1;
    }
    return best;
  }

  /** Where the index stands, to put back if a full-state install is abandoned (state-install.ts). */
  save(): SavedLogIndex {
    return { base: this.base, checkpoints: this.checkpoints.slice(), head: new Map(this.head), sinceCheckpoint: this.sinceCheckpoint };
  }

  /**
   * Back to a saved position. Records appended since stay in the log and the ring: peers
   * may get them again (they drop duplicates); the ring was cleared by the install, and a
   * feed that needs older records reads them from the log files.
   */
  restore(saved: SavedLogIndex): void {
    this.base = saved.base;
    this.checkpoints = saved.checkpoints.slice();
    for (const [origin, seq] of saved.head) if ((this.head.get(origin) ?? 0) < seq) this.head.set(origin, seq);
    this.sinceCheckpoint = saved.sinceCheckpoint;
  }

  /** After a full-state install: the log reaches back only to here. */
  resetAt(vv: ReadonlyMap<string, number>): void {
    this.base = { lsn: this.log.lastLsn, vv: new Map(vv) };
    this.checkpoints = [];
    this.head.clear();
    for (const [origin, seq] of vv) this.head.set(origin, seq);
    this.recent.clear();
  }

  get firstLsn(): number {
    return this.currentBase().lsn;
  }

  /** Everything before the log's reach: ops covered by this are not in the log any more. */
  get baseVersionVector(): ReadonlyMap<string, number> {
    return this.currentBase().vv;
  }
}

function overlay(base: ReadonlyMap<string, number>, seen: ReadonlyMap<string, number>, firsts: ReadonlyMap<string, number>): Map<string, number> {
  const vv = new Map(base);
  for (const [origin, seq] of seen) if (firsts.has(origin)) vv.set(origin, seq);
  return vv;
}
