import type { Operation } from '../store/effects.js';
import type { ReplicaEngine } from './engine.js';

export interface CausalBufferStats {
  applied: number;
  duplicates: number;
  /** Operations parked until their dependencies arrive. */
  waiting: number;
}

/** Thrown when the buffer would exceed its bound (the sender is refused and resumes later from our vector). */
export class CausalBufferFullError extends Error {}

/**
 * Causal delivery of replicated operations (DESIGN.md §2): an operation is applied once
 * its origin's previous operation and all its dependencies are applied; until then it
 * waits here, keyed by dot. Duplicates (already covered by the version vector) are
 * dropped. A MULTI/EXEC group (`atomicGroup` n on its first op, then the next n-1 seqs of
 * the same origin) is applied only when all its ops are present, in one synchronous run,
 * so no reader ever sees half of it.
 *
 * Fed in a causal order (a peer relays in its own apply order) nothing ever waits; the
 * buffer matters when ops of one origin reach us through several peers.
 */
export class CausalBuffer {
  private readonly parked = new Map<string, Map<number, Operation>>();
  private size = 0;
  /** Per origin, the highest sequence number ever parked (until clear): see held(). */
  private readonly maxParked = new Map<string, number>();
  readonly stats: CausalBufferStats = { applied: 0, duplicates: 0, waiting: 0 };

  constructor(private readonly engine: ReplicaEngine, private readonly limit = 200_000) {}

  /** Offers operations in arrival order; applies everything that became ready. Returns how many applied. */
  offer(ops: readonly Operation[]): number {
    let applied = 0;
    let parkedAny = false;
    for (const op of ops) {
      if (this.engine.isDuplicate(op)) {
        this.stats.duplicates += 1;
        continue;
      }
      if (this.size === 0 && op.atomicGroup <= 1 && this.engine.isReady(op)) {
        applied += this.apply([op]);
        continue;
      }
      this.park(op);
      parkedAny = true;
    }
    if (parkedAny || this.size > 0) applied += this.drain();
    this.stats.waiting = this.size;
    return applied;
  }

  private park(op: Operation): void {
    let byOrigin = this.parked.get(op.ctx.origin);
    if (byOrigin === undefined) {
      byOrigin = new Map();
      this.parked.set(op.ctx.origin, byOrigin);
    }
    if (byOrigin.has(op.ctx.seq)) return;
    if (this.size >= this.limit) throw new CausalBufferFullError(`causal buffer holds ${this.size} operations waiting for dependencies`);
    byOrigin.set(op.ctx.seq, op);
    this.size += 1;
    if ((this.maxParked.get(op.ctx.origin) ?? 0) < op.ctx.seq) this.maxParked.set(op.ctx.origin, op.ctx.seq);
  }

  /** Applies parked operations until a pass applies nothing (each pass may unlock others). */
  private drain(): number {
    let applied = 0;
    for (;;) {
      let pass = 0;
      for (const [origin, byOrigin] of this.parked) {
        pass += this.drainOrigin(origin, byOrigin);
        if (byOrigin.size === 0) this.parked.delete(origin);
      }
      applied += pass;
      if (pass === 0 || this.size === 0) return applied;
    }
  }

  private drainOrigin(origin: string, byOrigin: Map<number, Operation>): number {
    let applied = 0;
    for (;;) {
      this.dropDuplicates(origin, byOrigin);
      const next = byOrigin.get((this.engine.vv.get(origin) ?? 0) + 1);
      if (next === undefined || !this.engine.isReady(next)) return applied;
      const group = this.groupOf(next, byOrigin);
      if (group === undefined) return applied;
      for (const op of group) byOrigin.delete(op.ctx.seq);
      this.size -= group.length;
      applied += this.apply(group);
    }
  }

  private dropDuplicates(origin: string, byOrigin: Map<number, Operation>): void {
    const have = this.engine.vv.get(origin) ?? 0;
    for (const seq of byOrigin.keys()) {
      if (seq <= have) {
        byOrigin.delete(seq);
        this.size -= 1;
        this.stats.duplicates += 1;
      }
    }
  }

  /** The ops of `first`'s atomic group if all are here (a lone op is a group of one). */
  private groupOf(first: Operation, byOrigin: Map<number, Operation>): Operation[] | undefined {
    const group = [first];
    for (let i = 1; i < first.atomicGroup; i++) {
      const op = byOrigin.get(first.ctx.seq + i);
      if (op === undefined) return undefined;
      group.push(op);
    }
    return group;
  }

  private apply(group: readonly Operation[]): number {
    let applied = 0;
    for (const op of group) {
      if (this.engine.applyRemote(op) === 'applied') applied += 1;
    }
    this.stats.applied += applied;
    return applied;
  }

  get waiting(): number {
    return this.size;
  }

  /**
   * What this replica holds: its vector plus, per origin, the highest op waiting here for
   * its dependencies. Peers' GC learns from it which ops exist that they have not applied
   * (replica/stability.ts): an op parked here will be applied and relayed later.
   */
  held(): Map<string, number> {
    const held = new Map(this.engine.vv);
    for (const [origin, seq] of this.maxParked) if ((held.get(origin) ?? 0) < seq) held.set(origin, seq);
    return held;
  }

  clear(): void {
    this.maxParked.clear();
    this.parked.clear();
    this.size = 0;
    this.stats.waiting = 0;
  }
}
