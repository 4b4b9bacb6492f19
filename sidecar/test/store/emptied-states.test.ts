import assert from 'node:assert/strict';
import { observedTotals } from '../../src/crdt/string-register.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { TombstoneCollector } from '../../src/replica/gc.js';
import { encodeState, installState } from '../../src/replica/snapshots.js';
import type { Effect, Operation } from '../../src/store/effects.js';
import { visibleState } from '../../src/store/key-record.js';
import { Keyspace } from '../../src/store/keyspace.js';

/**
 * A typed state emptied by a delete stays, invisible, until causally stable, so that its
 * stamp decides a later type conflict alike on every replica (store/key-record.ts
 * visibleState). The gc-stability property test checks convergence under random
 * schedules; these pin the lifecycle for each type: kept after the delete, invisible to
 * every read, carried through a snapshot, dropped by GC once stable.
 */

class Replica {
  readonly engine: ReplicaEngine;
  readonly ops: Operation[] = [];
  stable = new Map<string, number>();
  readonly gc: TombstoneCollector;

  constructor(id: string, clock: () => number) {
    const keyspace = new Keyspace();
    keyspace.counterEpochs = true;
    keyspace.keepEmptyStates = true;
    this.engine = new ReplicaEngine(id, keyspace, clock);
    this.engine.addSink({ onOperation: (op, local) => { if (local) this.ops.push(op); } });
    this.gc = new TombstoneCollector(keyspace, () => this.stable);
  }

  write(key: string, effect: Effect): void {
    this.engine.emit(key, effect);
    this.engine.finishCommand();
  }

  del(key: string): void {
    this.write(key, this.engine.deleteEffect(key));
  }

  receive(ops: readonly Operation[]): void {
    for (const op of ops) assert.equal(this.engine.applyRemote(op), 'applied', `${op.ctx.origin}:${op.ctx.seq}`);
  }

  kind(key: string): string | undefined {
    const record = this.engine.keyspace.record(key);
    return record === undefined ? undefined : visibleState(record)?.kind;
  }
}

const WRITES: Record<string, Effect> = {
  string: { type: 'str.set', value: Buffer.from('v'), observed: observedTotals(undefined) },
  list: { type: 'list.insert', anchor: null, values: [Buffer.from('x')] },
  set: { type: 'set.add', members: [Buffer.from('m')] },
  hash: { type: 'hash.set', fields: [[Buffer.from('f'), Buffer.from('v')]], observed: [new Map()] },
  zset: { type: 'zset.add', entries: [[Buffer.from('m'), 1]], observed: [new Map()] },
};

describe('emptied typed states are kept until causally stable', () => {
  for (const [type, write] of Object.entries(WRITES)) {
    it(`${type}: DEL keeps the emptied state invisibly, a snapshot carries it, GC drops it once stable`, async () => {
      let now = 1_000;
      const a = new Replica('a~1', () => (now += 1));
      a.write('k', write);
      a.del('k');
      const record = a.engine.keyspace.record('k');
      assert.ok(record !== undefined, 'kept after the delete');
      assert.equal(visibleState(record), undefined);
      assert.equal(a.engine.keyspace.liveSize, 0);
      assert.equal(a.engine.keyspace.lookup('k', now), undefined);
      const b = new Replica('b~1', () => (now += 1));
      await installState(b.engine, encodeState(a.engine));
      assert.equal(b.kind('k'), undefined);
      assert.equal(b.engine.keyspace.liveSize, 0);
      for (const replica of [a, b]) {
        // Not stable yet: nothing goes.
        replica.gc.collectAll();
        assert.notEqual(replica.engine.keyspace.record('k'), undefined);
        replica.stable = new Map(replica.engine.vv);
        replica.gc.collectAll();
        // Lists keep tombstones until their own stability (collected in the same pass).
        assert.equal(replica.engine.keyspace.record('k'), undefined, `${replica.engine.replicaId} dropped it`);
      }
    });
  }

  it('the counterexample stop 10 documented converges: three replicas write different types to one key, and one deletes', () => {
    let now = 1_000;
    // A shared, slow clock: stamps tie on time and are ordered by counter and replica id.
    const clock = (): number => Math.floor((now += 1) / 4);
    const [r0, r1, r2] = [new Replica('r0~1', clock), new Replica('r1~1', clock), new Replica('r2~1', clock)];
    r1.write('k', { type: 'str.incr', delta: 0n, newEpoch: true });
    r0.write('k', { type: 'list.insert', anchor: null, values: [Buffer.from('a')] });
    r2.write('k', { type: 'list.insert', anchor: null, values: [Buffer.from('b')] });
    r0.write('k', { type: 'str.set', value: Buffer.from('0'), observed: new Map() });
    r0.del('k');
    // Every delivery order of the three replicas' ops (each replica's own order kept).
    const all = [r0, r1, r2];
    const kinds = new Set<string>();
    for (const order of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) {
      const replicas = [new Replica('x0~1', clock), new Replica('x1~1', clock)];
      for (const replica of replicas) for (const from of order) replica.receive(all[from]!.ops);
      for (const replica of replicas) kinds.add(String(replica.kind('k')));
    }
    for (const replica of all) {
      for (const other of all) if (other !== replica) replica.receive(other.ops);
      kinds.add(String(replica.kind('k')));
    }
    assert.equal(kinds.size, 1, `every replica shows the same type, saw ${[...kinds].join(', ')}`);
  });
});
