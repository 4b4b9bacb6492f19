import assert from 'node:assert/strict';
import type { Operation } from '../../src/store/effects.js';
import { createHarness, plain, textOf, wire, type Harness } from './harness.js';

/** Gives `key` a TTL ending at `at` (ms), as an EXPIRE would. */
function expireAt(h: Harness, key: string, at: number): void {
  h.server.engine.emit(key, { type: 'key.expire', at });
  h.server.engine.finishCommand();
}

describe('transactions', () => {
  it('queues commands after MULTI and runs them at EXEC, replying an array', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['multi'])), 'OK');
    assert.deepEqual(plain(h.run(['set', 'k', 'v'])), 'QUEUED');
    assert.deepEqual(plain(h.run(['get', 'k'])), 'QUEUED');
    assert.deepEqual(plain(h.run(['get', 'k'], h.connect())), null);
    assert.deepEqual(plain(h.run(['exec'])), ['OK', 'v']);
  });

  it('answers Redis\'s errors for EXEC/DISCARD without MULTI, nested MULTI and WATCH inside MULTI', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['exec'])), { error: 'ERR EXEC without MULTI' });
    assert.deepEqual(plain(h.run(['discard'])), { error: 'ERR DISCARD without MULTI' });
    h.run(['multi']);
    assert.deepEqual(plain(h.run(['multi'])), { error: 'ERR MULTI calls can not be nested' });
    assert.deepEqual(plain(h.run(['watch', 'x'])), { error: 'ERR WATCH inside MULTI is not allowed' });
    // Neither error aborts the transaction, as in Redis.
    h.run(['ping']);
    assert.deepEqual(plain(h.run(['exec'])), ['PONG']);
  });

  it('answers EXECABORT when a command failed to queue (unknown command, wrong arity)', () => {
    const h = createHarness();
    h.run(['multi']);
    assert.deepEqual(plain(h.run(['nosuch'])), { error: "ERR unknown command 'nosuch', with args beginning with: " });
    h.run(['set', 'k', 'v']);
    assert.deepEqual(plain(h.run(['exec'])), { error: 'EXECABORT Transaction discarded because of previous errors.' });
    assert.deepEqual(plain(h.run(['get', 'k'])), null);
    h.run(['multi']);
    h.run(['get']);
    assert.deepEqual(plain(h.run(['exec'])), { error: 'EXECABORT Transaction discarded because of previous errors.' });
  });

  it('DISCARD drops the queue and the watches', () => {
    const h = createHarness();
    h.run(['watch', 'k']);
    h.run(['multi']);
    h.run(['set', 'k', 'v']);
    assert.deepEqual(plain(h.run(['discard'])), 'OK');
    assert.deepEqual(plain(h.run(['get', 'k'])), null);
    h.run(['set', 'k', 'other'], h.connect());
    h.run(['multi']);
    h.run(['get', 'k']);
    assert.deepEqual(plain(h.run(['exec'])), ['other']);
  });

  it('EXEC answers a null array when another client wrote a watched key', () => {
    const h = createHarness();
    const other = h.connect();
    assert.deepEqual(plain(h.run(['watch', 'k', 'j'])), 'OK');
    h.run(['set', 'k', 'theirs'], other);
    h.run(['multi']);
    h.run(['set', 'k', 'mine']);
    const reply = h.run(['exec']);
    assert.equal(wire(reply), '*-1\r\n');
    assert.deepEqual(plain(h.run(['get', 'k'])), 'theirs');
  });

  it('EXEC runs when watched keys were untouched, or after UNWATCH', () => {
    const h = createHarness();
    const other = h.connect();
    h.run(['watch', 'k']);
    h.run(['set', 'unrelated', '1'], other);
    h.run(['multi']);
    h.run(['set', 'k', 'mine']);
    assert.deepEqual(plain(h.run(['exec'])), ['OK']);
    h.run(['watch', 'k']);
    h.run(['set', 'k', 'theirs'], other);
    assert.deepEqual(plain(h.run(['unwatch'])), 'OK');
    h.run(['multi']);
    h.run(['get', 'k']);
    assert.deepEqual(plain(h.run(['exec'])), ['theirs']);
  });

  it('EXEC forgets the watches: the next transaction is not affected by old changes', () => {
    const h = createHarness();
    const other = h.connect();
    h.run(['watch', 'k']);
    h.run(['set', 'k', '1'], other);
    h.run(['multi']);
    assert.equal(wire(h.run(['exec'])), '*-1\r\n');
    h.run(['multi']);
    h.run(['get', 'k']);
    assert.deepEqual(plain(h.run(['exec'])), ['1']);
  });

  it('EXEC fails when a watched key expired after WATCH, even if nothing deleted it (Redis 7.0)', () => {
    const h = createHarness();
    h.run(['set', 'k', '1']);
    expireAt(h, 'k', h.clock.now + 100);
    h.run(['watch', 'k']);
    h.clock.now += 200;
    h.run(['multi']);
    h.run(['ping']);
    assert.equal(wire(h.run(['exec'])), '*-1\r\n');
  });

  it('a key already expired at WATCH does not fail EXEC when it is then deleted', () => {
    const h = createHarness();
    h.run(['set', 'k', '1']);
    expireAt(h, 'k', h.clock.now + 50);
    h.clock.now += 200;
    h.run(['watch', 'k']);
    assert.deepEqual(plain(h.run(['get', 'k'])), null);
    h.run(['multi']);
    h.run(['ping']);
    assert.deepEqual(plain(h.run(['exec'])), ['PONG']);
  });

  it('publishes the writes of one EXEC as one atomic group', () => {
    const h = createHarness();
    const ops: Operation[] = [];
    h.server.engine.addSink({ onOperation: (op) => ops.push(op) });
    h.run(['multi']);
    h.run(['set', 'a', '1']);
    h.run(['get', 'a']);
    h.run(['set', 'b', '2']);
    h.run(['exec']);
    assert.equal(ops.length, 2);
    assert.equal(ops[0]?.atomicGroup, 2);
  });

  it('counts queued commands in CLIENT LIST multi= and flags x', () => {
    const h = createHarness();
    h.run(['multi']);
    h.run(['set', 'a', '1']);
    h.run(['set', 'b', '1']);
    const line = textOf(h.run(['client', 'list'], h.connect()));
    assert.match(line, new RegExp(`id=${h.client.id} .* flags=x .* multi=2 `));
  });
});
