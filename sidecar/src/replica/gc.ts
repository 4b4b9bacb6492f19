import { vvEquals, vvMergeInto, type VersionVector } from '../crdt/version-vector.js';
import type { Keyspace } from '../store/keyspace.js';
import { recordGcWork } from '../store/gc.js';

export interface GcOptions {
  /** Milliseconds between ticks. */
  readonly intervalMs: number;
  /** List elements (tombstones included) one tick may walk: bounds the event-loop stall. */
  readonly budget: number;
}

export const DEFAULT_GC_OPTIONS: GcOptions = { intervalMs: 1000, budget: 200_000 };

/**
 * Tombstone garbage collection on a timer, never per op (DESIGN.md §4).
 *
 * A *pass* takes the current causally stable vector (stability.ts) and the keys that hold
 * tombstones (`keyspace.tombstoned`), then collects them a slice per tick: each tick walks
 * at most `budget` list elements (gcList is O(list)), so a big keyspace costs several
 * short ticks instead of one long stall. Using a vector captured at the pass start is safe
 * because stability only grows for a given set of ops: what was stable stays stable (a
 * peer that joins later gets a full state, see Feed). A new pass starts only when the
 * stable vector or the set of tombstones changed since the last one, so an idle replica
 * or one held back by a silent peer does not rescan its lists every tick.
 *
 * `horizon` is the join of every vector a pass collected with: a peer whose vector does
 * not reach it may lack history we dropped, so it gets a full state instead of catch-up.
 */
export class TombstoneCollector {
  private timer: NodeJS.Timeout | undefined;
  private pass: { stable: VersionVector; keys: string[]; next: number } | undefined;
  private lastStable: VersionVector | undefined;
  private lastEpoch = -1;
  readonly horizon: VersionVector = new Map();
  collected = 0;
  passes = 0;
  lastTickMs = 0;
  lastPassMs = 0;
  private passStartedAt = 0;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly stable: () => VersionVector,
    private readonly options: GcOptions = DEFAULT_GC_OPTIONS,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One slice of work; returns the tombstones it dropped. */
  tick(): number {
    const started = this.clock();
    this.pass ??= this.beginPass();
    const pass = this.pass;
    if (pass === undefined) return 0;
    let work = 0;
    let collected = 0;
    while (pass.next < pass.keys.length && work < this.options.budget) {
      const key = pass.keys[pass.next++]!;
      const record = this.keyspace.record(key);
      if (record !== undefined) work += 1 + recordGcWork(record);
      collected += this.keyspace.collectGarbage(key, pass.stable);
    }
    if (collected > 0) vvMergeInto(this.horizon, pass.stable);
    this.collected += collected;
    if (pass.next >= pass.keys.length) this.endPass();
    this.lastTickMs = this.clock() - started;
    return collected;
  }

  /** Runs passes until nothing is left to do (tests, and the shutdown snapshot if wanted). */
  collectAll(): number {
    let collected = 0;
    do collected += this.tick();
    while (this.pass !== undefined);
    return collected;
  }

  private beginPass(): { stable: VersionVector; keys: string[]; next: number } | undefined {
    if (this.keyspace.tombstoned.size === 0) return undefined;
    const stable = this.stable();
    const epoch = this.keyspace.tombstonedEpoch;
    if (this.lastStable !== undefined && epoch === this.lastEpoch && vvEquals(stable, this.lastStable)) return undefined;
    this.lastStable = stable;
    this.lastEpoch = epoch;
    this.passStartedAt = this.clock();
    return { stable, keys: [...this.keyspace.tombstoned], next: 0 };
  }

  private endPass(): void {
    this.pass = undefined;
    this.passes += 1;
    this.lastPassMs = this.clock() - this.passStartedAt;
  }
}
