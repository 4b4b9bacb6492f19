import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NO_CONTRIBUTIONS } from '../../src/crdt/contributions.js';
import { CausalBuffer } from '../../src/replica/causal-buffer.js';
import { StateDigest } from '../../src/replica/digest.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import type { Operation } from '../../src/store/effects.js';
import { Keyspace } from '../../src/store/keyspace.js';

function engine(origin: string): { engine: ReplicaEngine; ops: Operation[] } {
  const ops: Operation[] = [];
  let now = 1_700_000_000_000;
  const e = new ReplicaEngine(origin, new Keyspace(), () => (now += 1));
  e.addSink({ onOperation: (op, local) => { if (local) ops.push(op); } });
  return { engine: e, ops };
}

function set(e: ReplicaEngine, key: string, value: string): void {
  e.emit(key, { type: 'str.set', value: Buffer.from(value), observed: NO_CONTRIBUTIONS });
  e.finishCommand();
}

/** Two origins writing with cross-dependencies: b's ops observed some of a's. */
function history(): Operation[] {
  const a = engine('a~1');
  const b = engine('b~1');
  const delivered = new CausalBuffer(b.engine);
  set(a.engine, 'k1', 'a1');
  set(a.engine, 'k2', 'a2');
  delivered.offer(a.ops.slice(0, 2));
  set(b.engine, 'k1', 'b1'); // depends on a:1..2
  set(a.engine, 'k3', 'a3');
  a.engine.beginAtomic();
  set(a.engine, 'g1', 'x');
  set(a.engine, 'g2', 'y');
  a.engine.endAtomic();
  set(b.engine, 'k2', 'b2');
  return [...a.ops, ...b.ops];
}

describe('causal buffer', () => {
  it('parks an op until its dependencies are applied, then applies both', () => {
    const ops = history();
    const bFirst = ops.find((op) => op.ctx.origin === 'b~1')!;
    const c = engine('c~1');
    const buffer = new CausalBuffer(c.engine);
    assert.equal(buffer.offer([bFirst]), 0);
    assert.equal(buffer.waiting, 1);
    assert.equal(c.engine.keyspace.size, 0, 'nothing applied before its deps');
    const applied = buffer.offer(ops.filter((op) => op.ctx.origin === 'a~1' && op.ctx.seq <= 2));
    assert.equal(applied, 3);
    assert.equal(buffer.waiting, 0);
  });

  it('drops duplicates by version vector', () => {
    const ops = history();
    const c = engine('c~1');
    const buffer = new CausalBuffer(c.engine);
    buffer.offer(ops);
    const vv = new Map(c.engine.vv);
    assert.equal(buffer.offer(ops), 0);
    assert.deepEqual(c.engine.vv, vv);
    assert.ok(buffer.stats.duplicates >= ops.length);
  });

  it('applies a MULTI/EXEC group only when all of its ops are present', () => {
    const ops = history();
    const groupStart = ops.findIndex((op) => op.atomicGroup === 2);
    const c = engine('c~1');
    const buffer = new CausalBuffer(c.engine);
    buffer.offer(ops.slice(0, groupStart));
    const before = c.engine.keyspace.size;
    buffer.offer([ops[groupStart]!]);
    assert.equal(c.engine.keyspace.record('g1'), undefined, 'first op of the group waits for the second');
    buffer.offer([ops[groupStart + 1]!]);
    assert.ok(c.engine.keyspace.record('g1') !== undefined && c.engine.keyspace.record('g2') !== undefined);
    assert.equal(c.engine.keyspace.size, before + 2);
  });

  it('reaches the same state whatever the delivery order, with duplicates (property)', () => {
    const ops = history();
    const reference = engine('ref~1');
    new CausalBuffer(reference.engine).offer(ops);
    const expected = new StateDigest(reference.engine).digest();
    fc.assert(fc.property(fc.array(fc.nat(ops.length - 1), { minLength: ops.length, maxLength: ops.length * 3 }), fc.infiniteStream(fc.nat(3)), (order, splits) => {
      const c = engine('c~1');
      const buffer = new CausalBuffer(c.engine);
      const delivery = [...order.map((i) => ops[i]!), ...ops]; // every op at least once, most out of order
      let batch: Operation[] = [];
      const splitter = splits[Symbol.iterator]();
      for (const op of delivery) {
        batch.push(op);
        if (splitter.next().value === 0) {
          buffer.offer(batch);
          batch = [];
        }
      }
      buffer.offer(batch);
      assert.equal(buffer.waiting, 0);
      assert.equal(new StateDigest(c.engine).digest(), expected);
    }), { numRuns: 300 });
  });

  it('held(): its vector plus the highest parked op per origin (reported to peers for tombstone GC); clear() forgets the parked', () => {
    const a = engine('a~1');
    set(a.engine, 'k1', 'a1');
    set(a.engine, 'k2', 'a2');
    set(a.engine, 'k3', 'a3');
    const c = engine('c~1');
    set(c.engine, 'x', 'c1');
    const buffer = new CausalBuffer(c.engine);
    assert.equal(buffer.offer([a.ops[2]!]), 0);
    assert.deepEqual(buffer.held(), new Map([['c~1', 1], ['a~1', 3]]), 'a:3 waits for a:1..2 but exists here');
    assert.equal(buffer.offer([a.ops[0]!]), 1);
    assert.deepEqual(buffer.held(), new Map([['c~1', 1], ['a~1', 3]]));
    buffer.clear();
    assert.deepEqual(buffer.held(), new Map([['c~1', 1], ['a~1', 1]]));
  });
});
