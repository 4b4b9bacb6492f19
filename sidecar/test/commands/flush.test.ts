import assert from 'node:assert/strict';
import type { Operation } from '../../src/store/effects.js';
import { createHarness, plain } from './harness.js';

describe('FLUSHDB / FLUSHALL', () => {
  it('removes every key, emitting one operation of observed-remove deletes', () => {
    const h = createHarness();
    for (const key of ['a', 'b', 'c']) h.run(['set', key, 'v']);
    const ops: Operation[] = [];
    h.server.engine.addSink({ onOperation: (op) => ops.push(op) });
    assert.deepEqual(plain(h.run(['flushall'])), 'OK');
    assert.deepEqual(plain(h.run(['dbsize'])), 0);
    assert.equal(ops.length, 1);
    assert.deepEqual(ops[0]?.effects.map((e) => [e.key, e.effect.type]), [['a', 'key.del'], ['b', 'key.del'], ['c', 'key.del']]);
  });

  it('accepts ASYNC and SYNC in any case and refuses anything else', () => {
    const h = createHarness();
    h.run(['set', 'a', '1']);
    assert.deepEqual(plain(h.run(['flushdb', 'ASYNC'])), 'OK');
    assert.deepEqual(plain(h.run(['flushall', 'sync'])), 'OK');
    assert.deepEqual(plain(h.run(['flushall', 'foo'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['flushdb', 'sync', 'async'])), { error: 'ERR syntax error' });
  });

  it('emits nothing when there is nothing to delete', () => {
    const h = createHarness();
    const ops: Operation[] = [];
    h.server.engine.addSink({ onOperation: (op) => ops.push(op) });
    h.run(['flushdb']);
    assert.equal(ops.length, 0);
  });

  it('dirties the watchers of keys that existed, not of absent keys (Redis 7.0 touchAllWatchedKeysInDb)', () => {
    const h = createHarness();
    const other = h.connect();
    h.run(['set', 'k', '1']);
    h.run(['watch', 'k']);
    h.run(['watch', 'nokey'], other);
    h.run(['flushall'], h.connect());
    h.run(['multi']);
    h.run(['ping']);
    assert.deepEqual(plain(h.run(['exec'])), null);
    h.run(['multi'], other);
    h.run(['ping'], other);
    assert.deepEqual(plain(h.run(['exec'], other)), ['PONG']);
  });

  it('inside MULTI/EXEC it is part of the transaction\'s atomic group', () => {
    const h = createHarness();
    h.run(['set', 'a', '1']);
    const ops: Operation[] = [];
    h.server.engine.addSink({ onOperation: (op) => ops.push(op) });
    h.run(['multi']);
    h.run(['flushall']);
    h.run(['set', 'b', '2']);
    assert.deepEqual(plain(h.run(['exec'])), ['OK', 'OK']);
    assert.equal(ops[0]?.atomicGroup, 2);
    assert.deepEqual(plain(h.run(['dbsize'])), 1);
  });
});
