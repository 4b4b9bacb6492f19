import assert from 'node:assert/strict';
import { fieldIncrementStartsEpoch, hashGet, hashObservedTotals, type HashState } from '../../src/crdt/hash.js';
import { zsetScore } from '../../src/crdt/sorted-set-range.js';
import { zsetAddEffect, zsetIncrEffect, zsetRemoveEffect, type ZsetState } from '../../src/crdt/sorted-set.js';
import { incrementStartsEpoch, stringValue } from '../../src/crdt/string-register.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { TombstoneCollector } from '../../src/replica/gc.js';
import { encodeState, installState } from '../../src/replica/snapshots.js';
import type { Operation } from '../../src/store/effects.js';
import { stateOfKind, visibleState } from '../../src/store/key-record.js';
import { Keyspace } from '../../src/store/keyspace.js';

/**
 * Deleted counters are forgotten once causally stable (store/keyspace.ts), and an
 * increment written afterwards starts a new epoch of its origin's count
 * (crdt/contributions.ts), so a replica that forgot and one that did not agree.
 * The property test in gc-stability.test.ts runs the same with random schedules.
 */

class Replica {
  readonly engine: ReplicaEngine;
  readonly ops: Operation[] = [];
  /** The stable vector this replica's GC uses: set by the test, as acks would. */
  stable = new Map<string, number>();
  readonly gc: TombstoneCollector;

  constructor(id: string) {
    let now = 1_000;
    const keyspace = new Keyspace();
    // Every peer announced epochs (replica/features.ts); one test starts with them off.
    keyspace.counterEpochs = true;
    keyspace.scoreEpochs = true;
    keyspace.keepEmptyStates = true;
    this.engine = new ReplicaEngine(id, keyspace, () => (now += 1));
    this.engine.addSink({ onOperation: (op, local) => { if (local) this.ops.push(op); } });
    this.gc = new TombstoneCollector(this.engine.keyspace, () => this.stable);
  }

  incrby(key: string, delta: number): void {
    const record = this.engine.keyspace.record(key);
    const register = record === undefined ? undefined : stateOfKind(record, 'string');
    const newEpoch = this.engine.keyspace.counterEpochs && incrementStartsEpoch(register, this.engine.replicaId);
    this.engine.emit(key, { type: 'str.incr', delta: BigInt(delta), ...(newEpoch ? { newEpoch: true } : {}) });
    this.engine.finishCommand();
  }

  hincrby(key: string, field: string, delta: number): void {
    const hash = this.hash(key);
    const name = Buffer.from(field);
    const newEpoch = this.engine.keyspace.counterEpochs && fieldIncrementStartsEpoch(hash, name, this.engine.replicaId);
    this.engine.emit(key, { type: 'hash.incr', field: name, delta: BigInt(delta), ...(newEpoch ? { newEpoch: true } : {}) });
    this.engine.finishCommand();
  }

  hset(key: string, field: string, value: string): void {
    const name = Buffer.from(field);
    this.engine.emit(key, { type: 'hash.set', fields: [[name, Buffer.from(value)]], observed: [hashObservedTotals(this.hash(key), name)] });
    this.engine.finishCommand();
  }

  hdel(key: string, field: string): void {
    const name = Buffer.from(field);
    this.engine.emit(key, { type: 'hash.del', fields: [name], observed: [hashObservedTotals(this.hash(key), name)] });
    this.engine.finishCommand();
  }

  zincrby(key: string, member: string, delta: number): void {
    const { keyspace, replicaId } = this.engine;
    const effect = zsetIncrEffect(this.zset(key), Buffer.from(member), delta, replicaId, keyspace.scoreEpochs ? this.engine.pendingSeq() : undefined);
    this.engine.emit(key, effect);
    this.engine.finishCommand();
  }

  zadd(key: string, member: string, score: number): void {
    this.engine.emit(key, zsetAddEffect(this.zset(key), [[Buffer.from(member), score]]));
    this.engine.finishCommand();
  }

  zrem(key: string, member: string): void {
    this.engine.emit(key, zsetRemoveEffect(this.zset(key), [Buffer.from(member)]));
    this.engine.finishCommand();
  }

  zset(key: string): ZsetState | undefined {
    const record = this.engine.keyspace.record(key);
    return record === undefined ? undefined : stateOfKind(record, 'zset');
  }

  zscore(key: string, member: string): number | undefined {
    const zset = this.zset(key);
    return zset === undefined ? undefined : zsetScore(zset, member);
  }

  /** Members kept, visible or not. */
  zentries(key: string): string[] {
    return [...(this.zset(key)?.entries.keys() ?? [])].sort();
  }

  hash(key: string): HashState | undefined {
    const record = this.engine.keyspace.record(key);
    return record === undefined ? undefined : stateOfKind(record, 'hash');
  }

  hget(key: string, field: string): string | undefined {
    const hash = this.hash(key);
    return hash === undefined ? undefined : hashGet(hash, field)?.toString();
  }

  /** Fields kept, visible or not. */
  hfields(key: string): string[] {
    return [...(this.hash(key)?.fields.keys() ?? [])].sort();
  }

  del(key: string): void {
    this.engine.emit(key, this.engine.deleteEffect(key));
    this.engine.finishCommand();
  }

  value(key: string): string | undefined {
    const record = this.engine.keyspace.record(key);
    const state = record === undefined ? undefined : visibleState(record);
    return state?.kind === 'string' ? stringValue(state)?.toString() : undefined;
  }

  receive(ops: readonly Operation[]): void {
    for (const op of ops) assert.notEqual(this.engine.applyRemote(op), 'waiting', `${op.ctx.origin}:${op.ctx.seq} not ready`);
  }

  /** Everything applied here is stable (every replica acked it). */
  allStable(): void {
    this.stable = new Map(this.engine.vv);
  }
}

/** Delivers what each of two replicas wrote concurrently to the other. */
function exchange(a: Replica, b: Replica): void {
  const fromA = a.ops.splice(0);
  a.receive(b.ops.splice(0));
  b.receive(fromA);
}

function startsEpoch(op: Operation): boolean {
  return op.effects.some(({ effect }) => effect.type === 'str.incr' && effect.newEpoch === true);
}

describe('Deleted counters are forgotten once stable (epochs keep replicas in agreement)', () => {
  it('forgets a deleted counter only when its ops are stable, and a new increment starts a new epoch', () => {
    const a = new Replica('a~1');
    a.incrby('hits', 5);
    a.del('hits');
    assert.equal(a.engine.keyspace.size, 1, 'the deleted counter keeps its history until stable');
    assert.equal(a.gc.collectAll(), 0, 'nothing is stable yet');
    assert.equal(a.engine.keyspace.size, 1);
    a.allStable();
    assert.equal(a.gc.collectAll(), 1);
    assert.equal(a.engine.keyspace.size, 0);
    assert.equal(a.engine.keyspace.forgottenCounters, 1);
    a.incrby('hits', 2);
    assert.equal(a.value('hits'), '2');
    const record = a.engine.keyspace.record('hits');
    const totals = record === undefined ? undefined : stateOfKind(record, 'string')?.totals.get('a~1');
    assert.deepEqual(totals, { epoch: 3, count: 1, int: 2n, float: null }, 'the count restarts at the increment that starts the epoch (seq 3)');
  });

  it('a replica that forgot and one that kept the history agree on every later increment and delete', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    const history: Operation[] = [];
    const ship = (from: Replica, to: Replica): void => {
      const ops = from.ops.splice(0);
      history.push(...ops);
      to.receive(ops);
    };
    a.incrby('k', 10);
    ship(a, b);
    b.incrby('k', 1);
    ship(b, a);
    a.del('k');
    ship(a, b);
    assert.equal(a.value('k'), undefined);
    assert.equal(b.value('k'), undefined);
    // a sees it stable and forgets; b keeps the history.
    a.allStable();
    a.gc.collectAll();
    assert.equal(a.engine.keyspace.record('k'), undefined);
    assert.notEqual(b.engine.keyspace.record('k'), undefined);
    // b increments (it saw the delete cover its own count: new epoch), a increments too.
    b.incrby('k', 3);
    a.incrby('k', 4);
    const fromA = a.ops.splice(0);
    const fromB = b.ops.splice(0);
    a.receive(fromB);
    b.receive(fromA);
    assert.equal(a.value('k'), '7');
    assert.equal(b.value('k'), '7');
    // A delete that saw only b's new increment (written by b before a's arrived) leaves a's 4 everywhere.
    const c = new Replica('c~1');
    c.receive(history);
    c.receive(fromB);
    assert.equal(c.value('k'), '3', "c kept the old epoch's history and counts b's new one alone");
    c.del('k');
    const delFromC = c.ops.splice(0);
    a.receive(delFromC);
    b.receive(delFromC);
    assert.equal(a.value('k'), '4');
    assert.equal(b.value('k'), '4');
  });

  it('a record whose list tombstones are collected and that then holds only a deleted counter is forgotten', () => {
    const a = new Replica('a~1');
    // b writes a counter while a pushes a list on the same key (a type conflict).
    const b = new Replica('b~1');
    b.incrby('k', 1);
    a.engine.emit('k', { type: 'list.insert', anchor: null, values: [Buffer.from('x')] });
    a.engine.finishCommand();
    a.receive(b.ops.splice(0));
    a.del('k');
    const record = a.engine.keyspace.record('k');
    assert.ok(record !== undefined && record.states.length === 2, 'list tombstone and deleted counter');
    a.allStable();
    assert.equal(a.gc.collectAll(), 3, 'the tombstone, the emptied list state, then the counter');
    assert.equal(a.engine.keyspace.record('k'), undefined);
  });

  it('a deleted counter installed from a snapshot or a full state is forgotten once stable too', async () => {
    const a = new Replica('a~1');
    a.incrby('k', 1);
    a.del('k');
    const b = new Replica('b~1');
    await installState(b.engine, encodeState(a.engine));
    assert.notEqual(b.engine.keyspace.record('k'), undefined);
    assert.equal(b.gc.collectAll(), 0);
    b.allStable();
    assert.equal(b.gc.collectAll(), 1);
    assert.equal(b.engine.keyspace.record('k'), undefined);
  });

  it('keeps a deleted counter that has counts from before epochs (a replica of an earlier version may go on counting them)', () => {
    const a = new Replica('a~1');
    const old = new ReplicaEngine('old~1', new Keyspace(), () => 5);
    const legacy: Operation[] = [];
    old.addSink({ onOperation: (op) => legacy.push(op) });
    // An earlier version writes increments without `newEpoch`.
    old.emit('k', { type: 'str.incr', delta: 4n });
    old.finishCommand();
    a.receive(legacy);
    a.del('k');
    a.allStable();
    assert.equal(a.gc.collectAll(), 0);
    assert.notEqual(a.engine.keyspace.record('k'), undefined);
  });

  it('with epochs off (a peer may run an earlier version) no increment starts an epoch and nothing is forgotten; once on, a counter deleted again starts one', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    a.engine.keyspace.counterEpochs = false;
    b.engine.keyspace.counterEpochs = false;
    a.incrby('k', 3);
    a.del('k');
    a.incrby('k', 2);
    assert.deepEqual(a.ops.map(startsEpoch), [false, false, false]);
    b.receive(a.ops);
    a.del('k');
    a.allStable();
    assert.equal(a.gc.collectAll(), 0);
    assert.notEqual(a.engine.keyspace.record('k'), undefined, 'kept: an earlier version counts on from these counts');
    // Every peer announced epochs now: the next increment after a delete starts one, and
    // the other replica (which kept its history too) agrees on every later value.
    a.engine.keyspace.counterEpochs = true;
    b.engine.keyspace.counterEpochs = true;
    a.incrby('k', 7);
    assert.ok(startsEpoch(a.ops.at(-1)!));
    b.receive(a.ops.slice(-2));
    b.incrby('k', 1);
    a.receive(b.ops);
    assert.equal(a.value('k'), '8');
    assert.equal(b.value('k'), '8');
  });

  it('a hash of deleted counters (HINCRBY … then DEL) is forgotten once stable; a field counted again agrees everywhere', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    const hincrby = (r: Replica, field: string, delta: number): void => r.hincrby('stats', field, delta);
    const hget = (r: Replica, field: string): string | undefined => r.hget('stats', field);
    hincrby(a, 'views', 3);
    hincrby(a, 'clicks', 1);
    b.receive(a.ops.splice(0));
    hincrby(b, 'views', 2);
    a.receive(b.ops.splice(0));
    a.del('stats');
    b.receive(a.ops.splice(0));
    a.allStable();
    assert.equal(a.gc.collectAll(), 1);
    assert.equal(a.engine.keyspace.record('stats'), undefined);
    hincrby(b, 'views', 5);
    hincrby(a, 'views', 1);
    exchange(a, b);
    assert.equal(hget(a, 'views'), '6');
    assert.equal(hget(b, 'views'), '6');
    assert.equal(hget(a, 'clicks'), undefined);
    assert.equal(hget(b, 'clicks'), undefined);
  });

  it('a deleted counter field in a hash that lives on is forgotten once stable (two GC passes); counting it again agrees', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    a.hset('h', 'name', 'x');
    a.hincrby('h', 'hits', 3);
    b.receive(a.ops.splice(0));
    b.hincrby('h', 'hits', 2);
    a.receive(b.ops.splice(0));
    a.hdel('h', 'hits');
    b.receive(a.ops.splice(0));
    for (const r of [a, b]) r.allStable();
    // The first pass dates the dead field (a generation), the next forgets it.
    assert.equal(a.gc.collectAll(), 0);
    assert.deepEqual(a.hfields('h'), ['hits', 'name']);
    assert.equal(a.gc.collectAll(), 1);
    assert.deepEqual(a.hfields('h'), ['name']);
    assert.equal(a.engine.keyspace.forgottenCounters, 1);
    // b kept it; later increments from both agree (each starts a new epoch).
    b.hincrby('h', 'hits', 5);
    a.hincrby('h', 'hits', 1);
    exchange(a, b);
    assert.equal(a.hget('h', 'hits'), '6');
    assert.equal(b.hget('h', 'hits'), '6');
  });

  it('a dead field touched after its generation was dated is kept until its new ops are stable too', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    a.hset('h', 'name', 'x');
    a.hincrby('h', 'hits', 1);
    a.hdel('h', 'hits');
    b.receive(a.ops.splice(0));
    a.allStable();
    assert.equal(a.gc.collectAll(), 0, 'dates the generation');
    const dated = new Map(a.engine.vv);
    // b counts the field again (a new epoch for b), a deletes that; b has not seen the
    // delete yet and counts on in the same epoch.
    b.hincrby('h', 'hits', 2);
    a.receive(b.ops.splice(0));
    a.hdel('h', 'hits');
    b.hincrby('h', 'hits', 4);
    // Stable covers the generation but not b's new ops nor a's delete.
    a.stable = dated;
    a.gc.collectAll();
    assert.deepEqual(a.hfields('h'), ['hits', 'name'], 'kept: touched since it was dated');
    a.receive(b.ops.splice(0));
    b.receive(a.ops.splice(0));
    assert.equal(a.hget('h', 'hits'), '4');
    assert.equal(b.hget('h', 'hits'), '4');
    // A delete that a makes now observes what b counted, on both replicas alike.
    a.hdel('h', 'hits');
    b.receive(a.ops.splice(0));
    assert.equal(a.hget('h', 'hits'), undefined);
    assert.equal(b.hget('h', 'hits'), undefined);
    for (const r of [a, b]) r.allStable();
    a.gc.collectAll();
    a.gc.collectAll();
    assert.deepEqual(a.hfields('h'), ['name']);
  });

  it('a sorted set of removed ZINCRBY counters (then DEL) is forgotten once stable; a member counted again agrees everywhere', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    a.zincrby('board', 'ann', 3);
    a.zincrby('board', 'bob', 1);
    b.receive(a.ops.splice(0));
    b.zincrby('board', 'ann', 2);
    a.receive(b.ops.splice(0));
    assert.equal(a.zscore('board', 'ann'), 5);
    a.del('board');
    b.receive(a.ops.splice(0));
    assert.equal(a.gc.collectAll(), 0, 'nothing is stable yet');
    a.allStable();
    assert.equal(a.gc.collectAll(), 1);
    assert.equal(a.engine.keyspace.record('board'), undefined);
    assert.equal(a.engine.keyspace.forgottenCounters, 1);
    // b kept the history; both count ann again at once (each starts a new epoch).
    b.zincrby('board', 'ann', 5);
    a.zincrby('board', 'ann', 1);
    exchange(a, b);
    assert.equal(a.zscore('board', 'ann'), 6);
    assert.equal(b.zscore('board', 'ann'), 6);
    assert.equal(a.zscore('board', 'bob'), undefined);
    assert.equal(b.zscore('board', 'bob'), undefined);
  });

  it('a member removed by ZREM from a sorted set that lives on is forgotten once stable (two GC passes); counting it again agrees', () => {
    const a = new Replica('a~1');
    const b = new Replica('b~1');
    a.zadd('board', 'keep', 1);
    a.zincrby('board', 'gone', 3);
    b.receive(a.ops.splice(0));
    b.zincrby('board', 'gone', 2);
    a.receive(b.ops.splice(0));
    a.zrem('board', 'gone');
    b.receive(a.ops.splice(0));
    assert.deepEqual(a.zentries('board'), ['gone', 'keep'], 'the removed member keeps its counts until stable');
    for (const r of [a, b]) r.allStable();
    assert.equal(a.gc.collectAll(), 0, 'the first pass dates the dead member');
    assert.equal(a.gc.collectAll(), 1, 'the next forgets it');
    assert.deepEqual(a.zentries('board'), ['keep']);
    assert.equal(a.engine.keyspace.forgottenCounters, 1);
    b.zincrby('board', 'gone', 5);
    a.zincrby('board', 'gone', 1);
    exchange(a, b);
    assert.equal(a.zscore('board', 'gone'), 6);
    assert.equal(b.zscore('board', 'gone'), 6);
    assert.equal(a.zscore('board', 'keep'), 1);
  });

  it('with score epochs off (a peer has counter epochs only) ZINCRBY starts no epoch and no removed member is forgotten', () => {
    const a = new Replica('a~1');
    a.engine.keyspace.scoreEpochs = false;
    a.zadd('board', 'keep', 1);
    a.zincrby('board', 'gone', 3);
    a.zrem('board', 'gone');
    a.zincrby('board', 'gone', 2);
    assert.ok(a.ops.every((op) => op.effects.every(({ effect }) => effect.type !== 'zset.incr' || effect.newEpoch !== true)));
    a.zrem('board', 'gone');
    a.allStable();
    a.gc.collectAll();
    a.gc.collectAll();
    assert.deepEqual(a.zentries('board'), ['gone', 'keep'], 'kept: a replica without score epochs counts on from these counts');
  });
});
