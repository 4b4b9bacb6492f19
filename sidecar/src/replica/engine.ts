import { NO_CONTRIBUTIONS, type Contributions } from '../crdt/contributions.js';
import { hashObservedPerField } from '../crdt/hash.js';
import { zsetObservedPerMember } from '../crdt/sorted-set.js';
import { nextHlc, observeHlc, type Hlc } from '../crdt/hlc.js';
import type { OpContext } from '../crdt/stamp.js';
import { winningTtl } from '../crdt/ttl-register.js';
import type { VersionVector } from '../crdt/version-vector.js';
import type { Effect, KeyedEffect, Operation } from '../store/effects.js';
import type { Keyspace } from '../store/keyspace.js';
import { stateOfKind } from '../store/key-record.js';
import { replicaNameOf } from './origin-name.js';

/** Receives every operation once it is applied to the store (op log, replication, mirror). */
export interface OperationSink {
  onOperation(op: Operation, local: boolean): void;
}

/** Called after any key changed by a local or replicated effect (WATCH, blocking pops). */
export type KeyChangeListener = (key: string) => void;

export type RemoteApplyResult = 'applied' | 'duplicate' | 'waiting';

/**
 * Commit ordering for one replica: stamps local effects with (replica, seq, hlc, deps),
 * applies them to the store at once (the next pipelined command sees them), and hands
 * the finished operation to the sinks; applies replicated operations with their
 * original context once their causal dependencies are met.
 */
export class ReplicaEngine {
  readonly vv: VersionVector = new Map();
  private hlc: Hlc = 0;
  private seq = 0;
  private current: { ctx: OpContext; effects: KeyedEffect[] } | undefined;
  private group: Operation[] | undefined;
  private readonly sinks: OperationSink[] = [];
  private readonly keyListeners: KeyChangeListener[] = [];
  opsOriginated = 0;
  opsApplied = 0;
  private readonly replicaName: string;
  /**
   * The deps our next ops carry: a copy of the vector, shared by consecutive local ops
   * until an op of another origin is applied (one Map per burst of writes, not per op).
   * Its entry for our own origin goes stale as we write, which nothing reads: an op
   * depends on every earlier op of its origin (seq - 1; crdt/stamp.ts `observed`, the
   * wire format and the stable vector all take it so).
   */
  private sharedDeps: ReadonlyMap<string, number> | undefined;

  constructor(
    readonly replicaId: string,
    readonly keyspace: Keyspace,
    private readonly clock: () => number,
  ) {
    this.replicaName = replicaNameOf(replicaId);
    keyspace.trackAppliedVector(this.vv);
  }

  addSink(sink: OperationSink): void {
    this.sinks.push(sink);
  }

  onKeyChange(listener: KeyChangeListener): void {
    this.keyListeners.push(listener);
  }

  /** Restores identity counters after recovery (snapshot + replay). */
  restore(vv: ReadonlyMap<string, number>, hlc: Hlc): void {
    for (const [replica, seq] of vv) this.vv.set(replica, seq);
    this.sharedDeps = undefined;
    this.seq = this.vv.get(this.replicaId) ?? 0;
    this.hlc = Math.max(this.hlc, hlc);
  }

  get lastHlc(): Hlc {
    return this.hlc;
  }

  now(): number {
    return this.clock();
  }

  /** The seq the current command's operation carries (or will, once it emits an effect). */
  pendingSeq(): number {
    return this.current?.ctx.seq ?? this.seq + 1;
  }

  /** Adds an effect to the current command's operation and applies it immediately. */
  emit(key: string, effect: Effect): void {
    let current = this.current;
    if (current === undefined) {
      this.seq += 1;
      this.hlc = nextHlc(this.hlc, this.clock());
      const deps = this.sharedDeps ??= new Map(this.vv);
      const ctx: OpContext = { origin: this.replicaId, seq: this.seq, hlc: this.hlc, deps };
      current = { ctx, effects: [] };
      this.current = current;
      this.vv.set(this.replicaId, this.seq);
    }
    current.effects.push({ key, effect });
    this.keyspace.apply(key, effect, current.ctx);
    this.notifyKey(key);
  }

  /** Seals the current command's operation (if it wrote anything) and publishes it. */
  finishCommand(): void {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    const op: Operation = { ctx: current.ctx, effects: current.effects, atomicGroup: 0 };
    this.opsOriginated += 1;
    if (this.group !== undefined) this.group.push(op);
    else this.publish(op, true);
  }

  /** Starts a MULTI/EXEC: the operations until `endAtomic` are published as one group. */
  beginAtomic(): void {
    this.group = [];
  }

  endAtomic(): void {
    const group = this.group ?? [];
    this.group = undefined;
    group.forEach((op, index) => this.publish(index === 0 ? { ...op, atomicGroup: group.length } : op, true));
  }

  private publish(op: Operation, local: boolean): void {
    for (const sink of this.sinks) sink.onOperation(op, local);
  }

  private notifyKey(key: string): void {
    for (const listener of this.keyListeners) listener(key);
  }

  /** True when `op` could be applied now: next in its origin's order, deps satisfied. */
  isReady(op: Operation): boolean {
    if ((this.vv.get(op.ctx.origin) ?? 0) !== op.ctx.seq - 1) return false;
    // Every dependency on another origin must be applied (no copy of deps: hot path).
    for (const [replica, seq] of op.ctx.deps) {
      if (replica !== op.ctx.origin && (this.vv.get(replica) ?? 0) < seq) return false;
    }
    return true;
  }

  isDuplicate(op: Operation): boolean {
    return (this.vv.get(op.ctx.origin) ?? 0) >= op.ctx.seq;
  }

  /** Applies a replicated (or replayed) operation with its original context. */
  applyRemote(op: Operation, publish = true): RemoteApplyResult {
    if (this.isDuplicate(op)) return 'duplicate';
    if (!this.isReady(op)) return 'waiting';
    for (const { key, effect } of op.effects) {
      this.keyspace.apply(key, effect, op.ctx);
      this.notifyKey(key);
    }
    this.vv.set(op.ctx.origin, op.ctx.seq);
    this.sharedDeps = undefined;
    if (op.ctx.origin === this.replicaId) this.seq = Math.max(this.seq, op.ctx.seq);
    this.hlc = observeHlc(this.hlc, op.ctx.hlc);
    this.opsApplied += 1;
    if (publish) this.publish(op, false);
    return 'applied';
  }

  /**
   * Lazy expiry on access (DESIGN.md §4): a key whose TTL passed is deleted by an op of
   * the replica that owns the winning TTL; any replica deletes it before writing to it.
   * Returns true when the key was expired (and is now deleted, or hidden).
   */
  expireIfNeeded(key: string, forWrite: boolean): boolean {
    if (!this.keyspace.isExpired(key, this.clock())) return false;
    const record = this.keyspace.record(key);
    const owner = record === undefined ? undefined : winningTtl(record.ttl)?.dot.replica;
    if (!forWrite && !this.owns(owner)) return true;
    const standalone = this.current === undefined && !forWrite;
    this.emit(key, this.deleteEffect(key));
    if (standalone) this.finishCommand();
    this.expiredKeys += 1;
    return true;
  }

  expiredKeys = 0;

  /** Whether `origin` is this replica under any incarnation (see origin-name.ts). */
  owns(origin: string | undefined): boolean {
    return origin !== undefined && replicaNameOf(origin) === this.replicaName;
  }

  /** The counter contributions a delete of `key` observes on this replica (string register). */
  observedCounters(key: string): Contributions {
    const record = this.keyspace.record(key);
    if (record === undefined) return NO_CONTRIBUTIONS;
    return stateOfKind(record, 'string')?.totals ?? NO_CONTRIBUTIONS;
  }

  /**
   * The observed-remove delete of `key` as this replica sees it: elements by the op's
   * causal context, counter contributions (strings, hash fields, sorted-set scores) by
   * the totals observed here.
   */
  deleteEffect(key: string): Extract<Effect, { type: 'key.del' }> {
    const record = this.keyspace.record(key);
    if (record === undefined) return { type: 'key.del', counters: NO_CONTRIBUTIONS };
    const hash = stateOfKind(record, 'hash');
    const zset = stateOfKind(record, 'zset');
    return {
      type: 'key.del',
      counters: stateOfKind(record, 'string')?.totals ?? NO_CONTRIBUTIONS,
      ...(hash === undefined ? {} : { fields: hashObservedPerField(hash) }),
      ...(zset === undefined ? {} : { members: zsetObservedPerMember(zset) }),
    };
  }
}
