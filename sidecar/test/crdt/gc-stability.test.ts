import assert from 'node:assert/strict';
import fc from 'fast-check';
import { idAt, listLength, listValues, lastId, type ListState } from '../../src/crdt/rga.js';
import { vvDominates, vvMergeInto } from '../../src/crdt/version-vector.js';
import { StateDigest } from '../../src/replica/digest.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { TombstoneCollector } from '../../src/replica/gc.js';
import { LatestDeps } from '../../src/replica/latest-deps.js';
import { stableVector } from '../../src/replica/stability.js';
import type { Operation } from '../../src/store/effects.js';
import { stateOfKind, visibleState, type KeyRecord } from '../../src/store/key-record.js';
import { incrementStartsEpoch, isDeletedCounter, observedTotals, stringValue } from '../../src/crdt/string-register.js';
import { fieldIncrementStartsEpoch, hashEntries, hashHas, hashObservedTotals } from '../../src/crdt/hash.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { isRegister } from '../../src/crdt/hash-field.js';
import { zsetItems } from '../../src/crdt/sorted-set-range.js';
import { zsetAddEffect, zsetIncrEffect, zsetRemoveEffect } from '../../src/crdt/sorted-set.js';

/**
 * Tombstone GC with the stable vector of replica/stability.ts, on whole replicas (the
 * real ReplicaEngine and Keyspace): 3 replicas run list commands (LPUSH, RPUSH, LPOP,
 * RPOP, LINSERT, LREM of one element, DEL) on two keys; ops are delivered in random
 * causal orders; acks travel late (a replica only knows the vector a peer had when it
 * last acked); each replica collects whenever the script says, with the vector it can
 * compute from what *it* knows. Counter and hash ops run on keys of their own and on the
 * list keys too (concurrent writes of different types: which type shows depends on the
 * stamps of emptied states, which must not be dropped before they are stable). Checked:
 * - safety of the vector itself, at every GC: the deps of every op the replica has not
 *   applied yet, and every replica's current vector (deps of its future ops), cover it;
 * - convergence: after everything is delivered, then more concurrent ops and GC at
 *   different moments, every replica shows the same lists and the same CRDT.DIGEST;
 * - boundedness: once every replica has acked everything, GC leaves no tombstone.
 * Crashes too: a replica makes what it applied durable when the script says (fsync) and a
 * crash loses the rest; it restarts as a new incarnation from its durable ops (identity.ts)
 * and the lost ones come back from the others. It acknowledges only its durable vector
 * (replica/durable-vector.ts): acking applied ops would let a peer collect a tombstone
 * whose removal the crashed replica then forgets, and its next insert anchored on that
 * element would be unknown to the peer. Ops that only the crashed replica had are gone,
 * except a causal prefix of them (chosen by the script) that had reached a peer, which
 * holds them (parked, to apply and relay later) and reports them with its acks.
 */

const RUNS = Number(process.env.GC_RUNS ?? 300);
const KEYS = ['q', 'w'];
/** The key counter ops use, and the one hash counter ops use. */
const COUNTER = 'c';
const HASH_COUNTER = 'h';
/** The sorted-set key ZINCRBY ops use. */
const ZSET_COUNTER = 'z';

type Action =
  | { readonly kind: 'lpush' | 'rpush'; readonly n: number }
  | { readonly kind: 'lpop' | 'rpop' | 'del' }
  | { readonly kind: 'linsert' | 'lrem'; readonly at: number }
  // Counters (on their own string key): INCRBY n, SET to n, DEL.
  | { readonly kind: 'incrby' | 'set'; readonly n: number }
  | { readonly kind: 'cdel' }
  // Hash counters (on their own hash key): HINCRBY field n, HDEL field, DEL.
  | { readonly kind: 'hincrby'; readonly field: number; readonly n: number }
  | { readonly kind: 'hdel'; readonly field: number }
  // HSET of a plain field, so the hash can live on while counter fields die in it.
  | { readonly kind: 'hset'; readonly field: number; readonly n: number }
  | { readonly kind: 'hashdel' }
  // Sorted-set scores (on their own key): ZINCRBY member n, ZADD member n, ZREM member, DEL.
  | { readonly kind: 'zincrby' | 'zadd'; readonly member: number; readonly n: number }
  | { readonly kind: 'zrem'; readonly member: number }
  | { readonly kind: 'zsetdel' };

type Step =
  // `shared`: a counter or hash action on one of the list keys (a type conflict when concurrent).
  | { readonly kind: 'op'; readonly replica: number; readonly key: number; readonly action: Action; readonly shared?: boolean }
  | { readonly kind: 'deliver'; readonly replica: number; readonly pick: number }
  | { readonly kind: 'ack'; readonly from: number; readonly to: number }
  | { readonly kind: 'gc'; readonly replica: number }
  | { readonly kind: 'fsync'; readonly replica: number }
  // The replica turns counter epochs on (replica/features.ts: once every peer announced them).
  | { readonly kind: 'epochs'; readonly replica: number }
  | { readonly kind: 'crash'; readonly replica: number; readonly keep: number; readonly holder: number };

interface Node {
  /** The replica's name (acks are kept per name, across incarnations, as PeerRecord does). */
  readonly name: string;
  readonly engine: ReplicaEngine;
  /** Every op applied here, in apply order (the op log), and how many of them are durable. */
  readonly applied: Operation[];
  durable: number;
  readonly latest: LatestDeps;
  /** Per peer name, its merged durable acks and what it reported holding (this incarnation's knowledge). */
  readonly acks: Map<string, Map<string, number>>;
  readonly reports: Map<string, Map<string, number>>;
  /** Per peer name, the incarnation its report is from. */
  readonly reporters: Map<string, string>;
  /** Per replica name, the incarnation this one last heard from (its own included). */
  readonly incarnations: Map<string, string>;
  /** Per peer name, the incarnations its latest report named. */
  readonly reportedIncarnations: Map<string, Map<string, string>>;
  /** Ops of crashed incarnations that reached this replica and that it holds (in flight, parked). */
  readonly inbox: Operation[];
  readonly collector: TombstoneCollector;
  readonly digest: StateDigest;
}

class Cluster {
  readonly nodes: Node[];
  /** Every op that exists somewhere (an op only a crashed replica had is removed), in creation order. */
  log: Operation[] = [];
  private clock = 0;
  collected = 0;

  private incarnations = 0;

  constructor(size: number, epochs = true) {
    this.nodes = Array.from({ length: size }, (_, i) => this.node(`r${i}`, epochs));
  }

  /** A replica named `name`, as a new incarnation, with the acks it had kept (in memory: none after a crash). */
  private node(name: string, epochs: boolean): Node {
    const acks = new Map<string, Map<string, number>>();
    const reports = new Map<string, Map<string, number>>();
    // One shared, slowly moving clock: many equal milliseconds, so HLC counters and replica ids decide stamps.
    const keyspace = new Keyspace();
    keyspace.counterEpochs = epochs;
    keyspace.scoreEpochs = epochs;
    keyspace.keepEmptyStates = true;
    const engine = new ReplicaEngine(`${name}~${this.incarnations++}`, keyspace, () => Math.floor(this.clock / 3));
    const latest = new LatestDeps();
    engine.addSink(latest);
    const applied: Operation[] = [];
    engine.addSink({ onOperation: (op, local) => { applied.push(op); if (local) this.log.push(op); } });
    const incarnations = new Map([[name, engine.replicaId]]);
    const reportedIncarnations = new Map<string, Map<string, string>>();
    const inbox: Operation[] = [];
    const stable = () => this.checkedStable({ name, engine, latest, acks, reports, incarnations, reportedIncarnations, inbox });
    return { name, engine, applied, durable: 0, latest, acks, reports, reporters: new Map(), incarnations, reportedIncarnations, inbox, collector: new TombstoneCollector(engine.keyspace, stable, { intervalMs: 1000, budget: 7 }), digest: new StateDigest(engine) };
  }

  /** What a replica acknowledges: the ops it applied that survive a crash. */
  private static durableVector(node: Node): Map<string, number> {
    const vv = new Map<string, number>();
    for (const op of node.applied.slice(0, node.durable)) vv.set(op.ctx.origin, Math.max(vv.get(op.ctx.origin) ?? 0, op.ctx.seq));
    return vv;
  }

  fsync(at: number): void {
    const node = this.nodes[at % this.nodes.length]!;
    node.durable = node.applied.length;
  }

  /** kill -9: the replica restarts as a new incarnation from its durable ops; the rest (and its acks) are gone. */
  crash(at: number, keep: number, holder: number): void {
    const index = at % this.nodes.length;
    const old = this.nodes[index]!;
    // Turning epochs on is recorded durably (features.json): a restart keeps them on (both
    // kinds go on together here).
    const node = this.node(old.name, old.engine.keyspace.counterEpochs);
    for (const op of old.applied.slice(0, old.durable)) assert.equal(node.engine.applyRemote(op), 'applied');
    node.durable = node.applied.length;
    this.nodes[index] = node;
    // Ops no replica still has (nor holds): a causal prefix had reached a peer, the rest is gone.
    const others = this.nodes.filter((n) => n !== node);
    const orphans = this.log.filter((op) => !node.engine.isDuplicate(op) && !others.some((n) => n.engine.isDuplicate(op) || n.inbox.includes(op)));
    const kept = orphans.slice(0, keep % (orphans.length + 1));
    // What a replica receives is causally closed (each stream sends a log prefix in causal
    // order): the holder got the kept ops' causal past too, where it lacked it.
    const receiver = others[holder % others.length]!;
    const received = new Set(kept);
    for (const op of [...this.log].reverse()) {
      if (received.has(op) || receiver.engine.isDuplicate(op) || receiver.inbox.includes(op)) continue;
      if ([...received].some((later) => (fullDeps(later).get(op.ctx.origin) ?? 0) >= op.ctx.seq)) received.add(op);
    }
    receiver.inbox.push(...this.log.filter((op) => received.has(op)));
    const gone = new Set(orphans.slice(kept.length));
    this.log = this.log.filter((op) => !gone.has(op));
  }

  /** The vector this replica computes from its own knowledge, checked against the global truth. */
  private checkedStable(self: Pick<Node, 'name' | 'engine' | 'latest' | 'acks' | 'reports' | 'incarnations' | 'reportedIncarnations' | 'inbox'>): Map<string, number> {
    const { engine, latest, acks, reports } = self;
    const peers = this.nodes.filter((n) => n.engine !== engine);
    const counted = peers.map((n) => acks.get(n.name) ?? new Map<string, number>());
    // What the peers reported holding, and what waits here (CausalBuffer.held).
    const reported = [...peers.map((n) => reports.get(n.name) ?? new Map<string, number>()), Cluster.held(engine, self.inbox)];
    const incarnations = new Map([...self.incarnations].filter(([name]) => name === self.name || peers.some((n) => n.name === name)));
    const reportedIncarnations = peers.map((n) => self.reportedIncarnations.get(n.name));
    const stable = stableVector({ own: engine.vv, counted, reported, incarnations, reportedIncarnations, latestDeps: latest.byOrigin });
    for (const op of this.log) {
      if (engine.isDuplicate(op)) continue;
      assert.ok(vvDominates(fullDeps(op), stable), `unapplied op ${op.ctx.origin}:${op.ctx.seq} does not depend on the stable vector`);
    }
    for (const node of this.nodes) assert.ok(vvDominates(node.engine.vv, stable), `${node.engine.replicaId}'s future ops would not depend on the stable vector`);
    return stable;
  }

  local(at: number, key: string, action: Action): void {
    const { engine } = this.nodes[at % this.nodes.length]!;
    this.clock += 1;
    const list = listOf(engine, key);
    const length = list === undefined ? 0 : listLength(list);
    // As the commands do: another visible type answers WRONGTYPE; SET overwrites it (key-writes.ts).
    const kind = kindOf(action);
    const shown = visibleKind(engine, key);
    if (kind !== undefined && shown !== undefined && shown !== kind) {
      if (action.kind !== 'set') return;
      engine.emit(key, engine.deleteEffect(key));
    }
    const tag = `${engine.replicaId}.${this.clock}`;
    const values = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`${tag}.${i}`));
    switch (action.kind) {
      case 'lpush': engine.emit(key, { type: 'list.insert', anchor: null, values: values(action.n) }); break;
      case 'rpush': engine.emit(key, { type: 'list.insert', anchor: list === undefined ? null : lastId(list) ?? null, values: values(action.n) }); break;
      case 'linsert': if (list !== undefined && length > 0) engine.emit(key, { type: 'list.insert', anchor: idAt(list, action.at % length)!, values: values(1) }); break;
      case 'lpop': if (list !== undefined && length > 0) engine.emit(key, { type: 'list.remove', ids: [idAt(list, 0)!] }); break;
      case 'rpop': if (list !== undefined && length > 0) engine.emit(key, { type: 'list.remove', ids: [idAt(list, length - 1)!] }); break;
      case 'lrem': if (list !== undefined && length > 0) engine.emit(key, { type: 'list.remove', ids: [idAt(list, action.at % length)!] }); break;
      case 'del': if (list !== undefined) engine.emit(key, engine.deleteEffect(key)); break;
      case 'incrby': {
        // As the INCR command decides it (string.ts): a new epoch once a delete covered ours,
        // and only once epochs are on.
        const register = counterOf(engine, key);
        const newEpoch = engine.keyspace.counterEpochs && incrementStartsEpoch(register, engine.replicaId);
        engine.emit(key, { type: 'str.incr', delta: BigInt(action.n), ...(newEpoch ? { newEpoch: true } : {}) });
        break;
      }
      case 'set': engine.emit(key, { type: 'str.set', value: Buffer.from(String(action.n)), observed: observedTotals(counterOf(engine, key)) }); break;
      case 'cdel': engine.emit(key, engine.deleteEffect(key)); break;
      case 'hincrby': {
        const field = Buffer.from(`f${action.field}`);
        const newEpoch = engine.keyspace.counterEpochs && fieldIncrementStartsEpoch(hashOf(engine, key), field, engine.replicaId);
        engine.emit(key, { type: 'hash.incr', field, delta: BigInt(action.n), ...(newEpoch ? { newEpoch: true } : {}) });
        break;
      }
      case 'hdel': {
        const field = Buffer.from(`f${action.field}`);
        engine.emit(key, { type: 'hash.del', fields: [field], observed: [hashObservedTotals(hashOf(engine, key), field)] });
        break;
      }
      case 'hset': {
        const field = Buffer.from(`f${action.field}`);
        engine.emit(key, { type: 'hash.set', fields: [[field, Buffer.from(String(action.n))]], observed: [hashObservedTotals(hashOf(engine, key), field)] });
        break;
      }
      case 'hashdel': engine.emit(key, engine.deleteEffect(key)); break;
      case 'zincrby': {
        // As ZINCRBY decides it (zset.ts): the op's seq names a new epoch, once score epochs are on.
        const epochSeq = engine.keyspace.scoreEpochs ? engine.pendingSeq() : undefined;
        engine.emit(key, zsetIncrEffect(zsetOf(engine, key), Buffer.from(`m${action.member}`), action.n, engine.replicaId, epochSeq));
        break;
      }
      case 'zadd': engine.emit(key, zsetAddEffect(zsetOf(engine, key), [[Buffer.from(`m${action.member}`), action.n]])); break;
      case 'zrem': engine.emit(key, zsetRemoveEffect(zsetOf(engine, key), [Buffer.from(`m${action.member}`)])); break;
      case 'zsetdel': engine.emit(key, engine.deleteEffect(key)); break;
    }
    engine.finishCommand();
  }

  /** Applies one op that is ready at the replica (or a duplicate): the `pick`-th candidate. */
  deliver(at: number, pick: number): void {
    const { engine } = this.nodes[at % this.nodes.length]!;
    const candidates = this.log.filter((op) => engine.isDuplicate(op) || engine.isReady(op));
    const op = candidates[pick % Math.max(1, candidates.length)];
    if (op !== undefined) engine.applyRemote(op);
  }

  ack(from: number, to: number): void {
    const sender = this.nodes[from % this.nodes.length]!;
    const receiver = this.nodes[to % this.nodes.length]!;
    if (sender === receiver) return;
    // Merged, as PeerRecord merges acks: an ack never takes back what an earlier one said.
    const acked = receiver.acks.get(sender.name) ?? new Map<string, number>();
    vvMergeInto(acked, Cluster.durableVector(sender));
    receiver.acks.set(sender.name, acked);
    // What it holds: its vector, and the ops waiting in its inbox (CausalBuffer.held). A new
    // incarnation's report replaces the old one's, which may show ops its crash lost.
    const previous = receiver.reports.get(sender.name);
    const held = previous !== undefined && receiver.reporters.get(sender.name) === sender.engine.replicaId ? previous : new Map<string, number>();
    receiver.reporters.set(sender.name, sender.engine.replicaId);
    vvMergeInto(held, Cluster.held(sender.engine, sender.inbox));
    receiver.reports.set(sender.name, held);
    // The receiver hears from the sender's incarnation (the stream's hello), and learns which
    // incarnations the sender heard from. Streams from older incarnations are not modelled:
    // ops of a crashed incarnation reach others only at the crash (the holder's inbox) or
    // by relay of what a replica applied.
    receiver.incarnations.set(sender.name, sender.engine.replicaId);
    receiver.reportedIncarnations.set(sender.name, new Map(sender.incarnations));
  }

  /** The engine's vector plus the ops waiting in an inbox (CausalBuffer.held). */
  private static held(engine: ReplicaEngine, inbox: readonly Operation[]): Map<string, number> {
    const held = new Map(engine.vv);
    for (const op of inbox) if ((held.get(op.ctx.origin) ?? 0) < op.ctx.seq) held.set(op.ctx.origin, op.ctx.seq);
    return held;
  }

  /** Turns counter and score epochs on (a peer that lacked them upgraded). */
  enableEpochs(at: number): void {
    const { keyspace } = this.nodes[at % this.nodes.length]!.engine;
    keyspace.enableCounterEpochs();
    keyspace.enableScoreEpochs();
  }

  gc(at: number): void {
    this.collected += this.nodes[at % this.nodes.length]!.collector.collectAll();
  }

  /**
   * Delivers every op everywhere (the log is in creation order: a causal order), then everyone
   * acks everyone, twice: the second round's reports name every replica's incarnation.
   */
  syncAll(): void {
    for (const node of this.nodes) for (const op of this.log) node.engine.applyRemote(op);
    for (let i = 0; i < this.nodes.length; i++) this.fsync(i);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < this.nodes.length; i++) for (let j = 0; j < this.nodes.length; j++) this.ack(i, j);
    }
  }

  run(steps: readonly Step[]): void {
    for (const step of steps) {
      if (step.kind === 'op') this.local(step.replica, step.shared === true ? KEYS[step.key % KEYS.length]! : keyFor(step.action, step.key), step.action);
      else if (step.kind === 'deliver') this.deliver(step.replica, step.pick);
      else if (step.kind === 'ack') this.ack(step.from, step.to);
      else if (step.kind === 'fsync') this.fsync(step.replica);
      else if (step.kind === 'crash') this.crash(step.replica, step.keep, step.holder);
      else if (step.kind === 'epochs') this.enableEpochs(step.replica);
      else this.gc(step.replica);
    }
  }
}

function keyFor(action: Action, key: number): string {
  if (action.kind === 'incrby' || action.kind === 'set' || action.kind === 'cdel') return COUNTER;
  if (action.kind === 'hincrby' || action.kind === 'hdel' || action.kind === 'hset' || action.kind === 'hashdel') return HASH_COUNTER;
  if (action.kind === 'zincrby' || action.kind === 'zadd' || action.kind === 'zrem' || action.kind === 'zsetdel') return ZSET_COUNTER;
  return KEYS[key % KEYS.length]!;
}

/** Every replica shows the same values and the same CRDT.DIGEST; returns the nodes, first apart. */
function assertConverged(cluster: Cluster): [Node, ...Node[]] {
  const [first, ...rest] = cluster.nodes as [Node, ...Node[]];
  for (const node of rest) {
    assert.deepEqual(visible(node), visible(first));
    assert.equal(node.digest.digest(), first.digest.digest());
  }
  return [first, ...rest];
}

/** An op's deps with its own origin's entry as the engine means it: every earlier op of that origin. */
function fullDeps(op: Operation): Map<string, number> {
  return new Map(op.ctx.deps).set(op.ctx.origin, op.ctx.seq - 1);
}

/** The type an action writes (undefined for a delete, which takes any type). */
function kindOf(action: Action): 'list' | 'string' | 'hash' | 'zset' | undefined {
  switch (action.kind) {
    case 'del': case 'cdel': case 'hashdel': case 'zsetdel': return undefined;
    case 'zincrby': case 'zadd': case 'zrem': return 'zset';
    case 'incrby': case 'set': return 'string';
    case 'hincrby': case 'hdel': case 'hset': return 'hash';
    case 'lpush': case 'rpush': case 'lpop': case 'rpop': case 'linsert': case 'lrem': return 'list';
  }
}

function visibleKind(engine: ReplicaEngine, key: string): string | undefined {
  const record = engine.keyspace.record(key);
  return record === undefined ? undefined : visibleState(record)?.kind;
}

function listOf(engine: ReplicaEngine, key: string): ListState | undefined {
  const record = engine.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'list');
}

function hashOf(engine: ReplicaEngine, key: string) {
  const record = engine.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'hash');
}

function zsetOf(engine: ReplicaEngine, key: string) {
  const record = engine.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'zset');
}

function counterOf(engine: ReplicaEngine, key: string) {
  const record = engine.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'string');
}

/** The hash keys' fields kept only as deleted counters (marked when they hold epoch-0 counts). */
function deadFields(node: Node): string[] {
  const dead: string[] = [];
  for (const key of [...KEYS, HASH_COUNTER]) {
    const hash = hashOf(node.engine, key);
    if (hash === undefined) continue;
    for (const [name, field] of hash.fields) {
      if (!isRegister(field) || !isDeletedCounter(field)) {
        if (isRegister(field) && field.writes.length === 0 && [...field.totals.values()].some((t) => t.epoch === 0) && !hashHas(hash, name)) dead.push(`${key}.${name} (epoch 0)`);
        continue;
      }
      dead.push(`${key}.${name}`);
    }
  }
  for (const key of [...KEYS, ZSET_COUNTER]) {
    for (const [member, entry] of zsetOf(node.engine, key)?.entries ?? []) {
      if (entry.dots !== null || entry.writes !== null) continue;
      const epochZero = [...entry.counters?.totals.values() ?? []].some((t) => t.epoch === 0);
      dead.push(epochZero ? `${key}.${member} (epoch 0)` : `${key}.${member}`);
    }
  }
  return dead;
}

/** Whether the record holds an increment counted in epoch 0 (before epochs were on). */
function countsInEpochZero(record: KeyRecord): boolean {
  for (const state of record.states) {
    const registers = state.kind === 'string' ? [state] : state.kind === 'hash' ? [...state.fields.values()].filter(isRegister) : [];
    for (const register of registers) for (const total of register.totals.values()) if (total.epoch === 0) return true;
    if (state.kind !== 'zset') continue;
    for (const entry of state.entries.values()) for (const total of entry.counters?.totals.values() ?? []) if (total.epoch === 0) return true;
  }
  return false;
}

/** Each key's visible value: a list's elements, or a string's value (nothing when absent). */
function visible(node: Node): string[][] {
  return [...KEYS, COUNTER, HASH_COUNTER, ZSET_COUNTER].map((key) => {
    const record = node.engine.keyspace.record(key);
    const state = record === undefined ? undefined : visibleState(record);
    if (state === undefined) return [];
    if (state.kind === 'string') return ['string', stringValue(state)?.toString() ?? ''];
    if (state.kind === 'hash') return ['hash', ...[...hashEntries(state)].map(([f, v]) => `${f.toString()}=${v.toString()}`).sort()];
    if (state.kind === 'zset') return ['zset', ...zsetItems(state).map((item) => `${item.member.toString()}=${item.score}`)];
    const list = listOf(node.engine, key);
    return list === undefined ? [] : listValues(list).map((value) => value.toString());
  });
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('lpush' as const, 'rpush' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('lpop' as const, 'rpop' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('linsert' as const, 'lrem' as const), at: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('del' as const) }) },
);

const hashActionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('hincrby' as const), field: fc.nat(1), n: fc.integer({ min: -3, max: 9 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hdel' as const), field: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hset' as const), field: fc.constant(2), n: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hashdel' as const) }) },
);

const zsetActionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('zincrby' as const), member: fc.nat(1), n: fc.integer({ min: -3, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('zadd' as const), member: fc.nat(2), n: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('zrem' as const), member: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('zsetdel' as const) }) },
);

const counterActionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('incrby' as const), n: fc.integer({ min: -3, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), n: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cdel' as const) }) },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), key: fc.nat(1), action: actionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), key: fc.constant(0), action: counterActionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), key: fc.constant(0), action: hashActionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), key: fc.constant(0), action: zsetActionArb }) },
  // Type conflicts: counters, hashes and sorted sets written to the list keys too.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), key: fc.nat(1), action: fc.oneof(counterActionArb, hashActionArb, zsetActionArb), shared: fc.constant(true) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver' as const), replica: fc.nat(2), pick: fc.nat(100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), from: fc.nat(2), to: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('gc' as const), replica: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fsync' as const), replica: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), replica: fc.nat(2), keep: fc.nat(8), holder: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('epochs' as const), replica: fc.nat(2) }) },
);

const scriptArb = fc.record({ before: fc.array(stepArb, { minLength: 10, maxLength: 70, size: 'max' }), after: fc.array(stepArb, { maxLength: 50, size: 'max' }) });

describe('Tombstone GC by causal stability: properties', function () {
  this.timeout(300_000);

  it('the locally computed stable vector is covered by every unapplied op and every replica; GC at different moments keeps convergence (lists, counters, and type conflicts between them); tombstones, emptied states and deleted counters go once all acked', () => {
    let collectedMidway = 0;
    let runsCollectingMidway = 0;
    let forgotten = 0;
    fc.assert(fc.property(scriptArb, ({ before, after }) => {
      const cluster = new Cluster(3);
      cluster.run(before);
      cluster.syncAll();
      // More concurrent ops (some anchored near collected tombstones) and GC at different moments.
      cluster.run(after);
      cluster.syncAll();
      const [first, ...rest] = assertConverged(cluster);
      collectedMidway += cluster.collected;
      if (cluster.collected > 0) runsCollectingMidway += 1;
      // Twice: deleted counter fields of a live hash go by generation (store/dead-members.ts).
      for (let round = 0; round < 2; round++) for (const node of cluster.nodes) cluster.gc(cluster.nodes.indexOf(node));
      for (const node of cluster.nodes) assert.equal(node.engine.keyspace.tombstoneCount(), 0, 'every tombstone is stable once all replicas acked everything');
      for (const node of cluster.nodes) assert.deepEqual(deadFields(node), [], `${node.engine.replicaId} keeps deleted counter fields`);
      // Deleted counters are forgotten too: a key that shows nothing keeps no record.
      for (const node of cluster.nodes) {
        for (const key of [...KEYS, COUNTER, HASH_COUNTER, ZSET_COUNTER]) {
          const record = node.engine.keyspace.record(key);
          if (record !== undefined && visibleState(record) === undefined) assert.fail(`${node.engine.replicaId} keeps an invisible record for ${key}`);
        }
        forgotten += node.engine.keyspace.forgottenCounters;
      }
      for (const node of rest) assert.equal(node.digest.digest(), first.digest.digest());
    }), { numRuns: RUNS });
    // Not a tautology guard: a vector that never lets anything go would pass the checks above.
    assert.ok(runsCollectingMidway > RUNS / 10, `only ${runsCollectingMidway} of ${RUNS} runs collected during the script (${collectedMidway} tombstones)`);
    assert.ok(forgotten > RUNS / 10, `only ${forgotten} deleted counters forgotten in ${RUNS} runs`);
  });

  it('replicas that turn counter epochs on at different moments (a rolling upgrade ending) converge, and forget every deleted counter but those counted before', () => {
    let forgotten = 0;
    fc.assert(fc.property(scriptArb, fc.array(stepArb, { maxLength: 40, size: 'max' }), ({ before, after }, last) => {
      // Off everywhere at first (a peer of an older version was known), on one by one as the steps say.
      const cluster = new Cluster(3, false);
      cluster.run(before);
      cluster.syncAll();
      cluster.run(after);
      for (let i = 0; i < cluster.nodes.length; i++) cluster.run([{ kind: 'epochs', replica: i }]);
      cluster.run(last);
      cluster.syncAll();
      const [first, ...rest] = assertConverged(cluster);
      for (let round = 0; round < 2; round++) for (const node of cluster.nodes) cluster.gc(cluster.nodes.indexOf(node));
      for (const node of cluster.nodes) {
        // Counts made while epochs were off are kept for good (an older version counts on them).
        assert.deepEqual(deadFields(node).filter((field) => !field.endsWith('(epoch 0)')), [], `${node.engine.replicaId} keeps deleted counter fields`);
        for (const key of [COUNTER, HASH_COUNTER, ZSET_COUNTER]) {
          const record = node.engine.keyspace.record(key);
          // Counts made while epochs were off are kept for good (an older version counts on them).
          if (record !== undefined && visibleState(record) === undefined && !countsInEpochZero(record)) assert.fail(`${node.engine.replicaId} keeps an invisible record for ${key}`);
        }
        forgotten += node.engine.keyspace.forgottenCounters;
      }
      for (const node of rest) assert.equal(node.digest.digest(), first.digest.digest());
    }), { numRuns: RUNS });
    assert.ok(forgotten > 0, `no deleted counter forgotten in ${RUNS} runs`);
  });

  it('without an ack from a peer, nothing becomes stable; an in-flight op holds back what its deps lack', () => {
    const cluster = new Cluster(3);
    cluster.local(0, 'q', { kind: 'rpush', n: 3 });
    cluster.syncAll();
    // r1 pops; r2 has not seen the pop, makes an op, and that op is in flight to r0.
    cluster.local(1, 'q', { kind: 'lpop' });
    cluster.local(2, 'q', { kind: 'rpush', n: 1 });
    cluster.deliver(0, 0);
    for (let i = 0; i < 40; i++) cluster.deliver(0, i);
    const r0 = cluster.nodes[0]!;
    assert.equal(r0.engine.keyspace.tombstoneCount(), 1);
    cluster.fsync(1);
    cluster.fsync(2);
    cluster.ack(1, 0);
    cluster.ack(2, 0);
    // r0 applied everything now; r1 and r2 acked before applying each other's op.
    assert.equal(r0.collector.collectAll(), 0, 'r2 had not seen the pop when it acked: not stable');
    cluster.syncAll();
    assert.equal(r0.collector.collectAll(), 1);
  });

  it('after kill -9 of a peer, a report that does not name its new incarnation may miss its lost ops: nothing is collected until every report does', () => {
    const cluster = new Cluster(3);
    cluster.local(0, 'q', { kind: 'rpush', n: 3 });
    cluster.syncAll();
    const [r0, , r2] = cluster.nodes as [Node, Node, Node];
    // r1 appends after the last element; the op is on its way to r0 only, not on r1's disk.
    cluster.local(1, 'q', { kind: 'rpush', n: 1 });
    const append = cluster.log[cluster.log.length - 1]!;
    // Concurrently r2 pops that last element; r0 applies the pop durably and reports to r2.
    cluster.local(2, 'q', { kind: 'rpop' });
    const pop = cluster.log[cluster.log.length - 1]!;
    r0.engine.applyRemote(pop);
    cluster.fsync(0);
    cluster.fsync(2);
    cluster.ack(0, 2);
    // Only now does the append reach r0; then r1 is killed and restarts without it.
    assert.equal(r0.engine.applyRemote(append), 'applied');
    cluster.crash(1, 0, 0);
    const r1 = cluster.nodes[1]!;
    // It catches up on everything else (the append would come through r0 later).
    for (const op of cluster.log) if (op !== append) r1.engine.applyRemote(op);
    assert.ok(!r1.engine.isDuplicate(append), 'the restarted r1 lost its append');
    assert.ok(r1.engine.isDuplicate(pop));
    cluster.fsync(1);
    cluster.ack(0, 1);
    cluster.ack(2, 1);
    cluster.ack(1, 2);
    // r2 has durable acks covering the pop from r0 and from r1's new incarnation, but r0's
    // report predates the append and names r1's old incarnation: collecting the popped
    // element here would orphan the append (checkedStable would throw).
    assert.equal(r2.engine.keyspace.tombstoneCount(), 1);
    assert.equal(r2.collector.collectAll(), 0, "r0's report names r1's old incarnation");
    // r0 reports again, naming r1's new incarnation: the append shows as held, still nothing stable.
    cluster.ack(0, 2);
    assert.equal(r2.collector.collectAll(), 0, "the append r0 holds is not applied here yet");
    assert.equal(r2.engine.applyRemote(append), 'applied');
    cluster.syncAll();
    for (const node of cluster.nodes) node.collector.collectAll();
    for (const node of cluster.nodes) assert.deepEqual(visible(node), visible(r0));
    assert.equal(r2.engine.keyspace.tombstoneCount(), 0);
  });

  it('after kill -9, an op of our previous incarnation that a peer still holds keeps what it did not see from being collected here', () => {
    const cluster = new Cluster(3);
    cluster.local(0, 'q', { kind: 'rpush', n: 3 });
    cluster.syncAll();
    // r0 appends after its last element; the op reaches r2 (parked there) but not r0's disk.
    cluster.local(0, 'q', { kind: 'rpush', n: 1 });
    const lost = cluster.log[cluster.log.length - 1]!;
    cluster.crash(0, 1, 1);
    assert.deepEqual(cluster.nodes[2]!.inbox, [lost]);
    // Concurrently r1 pops that last element; everyone applies the pop durably and acks it.
    cluster.local(1, 'q', { kind: 'rpop' });
    const pop = cluster.log[cluster.log.length - 1]!;
    for (const node of cluster.nodes) node.engine.applyRemote(pop);
    for (let i = 0; i < 3; i++) cluster.fsync(i);
    cluster.ack(1, 0);
    cluster.ack(2, 0);
    const r0 = cluster.nodes[0]!;
    // Without r2's report of the held op, r0 would collect the popped element (checkedStable would throw).
    assert.equal(r0.collector.collectAll(), 0, 'the held op was appended after the popped element without seeing the pop');
    assert.equal(r0.engine.applyRemote(lost), 'applied');
    cluster.syncAll();
    assert.equal(r0.collector.collectAll(), 1);
    assert.deepEqual(visible(r0), visible(cluster.nodes[1]!));
  });
});
