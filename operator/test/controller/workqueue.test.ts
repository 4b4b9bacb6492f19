import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ItemBackoff } from '../../src/controller/backoff.js';
import { Controller } from '../../src/controller/controller.js';
import { WorkQueue } from '../../src/controller/workqueue.js';
import { FakeClock, flush } from '../fixtures/fake-clock.js';

const silent = { error: (): void => undefined, debug: (): void => undefined };

describe('controller: backoff', () => {
  it('doubles per failure from the base, caps at the maximum, and resets on forget', () => {
    const b = new ItemBackoff({ baseMs: 100, maxMs: 1000 });
    assert.deepEqual([1, 2, 3, 4, 5].map(() => b.when('k')), [100, 200, 400, 800, 1000]);
    assert.equal(b.when('other'), 100, 'keys back off independently');
    b.forget('k');
    assert.equal(b.when('k'), 100);
  });

  it('never exceeds the cap and never shrinks, however many failures', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }), (n) => {
      const b = new ItemBackoff({ baseMs: 5, maxMs: 300_000 });
      let last = 0;
      for (let i = 0; i < n; i++) {
        const d = b.when('k');
        if (d < last || d > 300_000 || !Number.isFinite(d)) return false;
        last = d;
      }
      return true;
    }), { numRuns: 50 });
  });
});

describe('controller: work queue', () => {
  it('de-duplicates keys waiting in the queue', async () => {
    const q = new WorkQueue(new ItemBackoff(), new FakeClock());
    q.add('a'); q.add('b'); q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  it('never hands one key to two workers; a key added while processing comes back after done', async () => {
    const q = new WorkQueue(new ItemBackoff(), new FakeClock());
    q.add('a');
    const k = await q.get();
    q.add('a');
    assert.equal(q.len(), 0, 'not queued while a worker holds it');
    let second: string | undefined;
    void q.get().then((x) => { second = x; });
    await flush();
    assert.equal(second, undefined);
    q.done(k ?? '');
    await flush();
    assert.equal(second, 'a');
  });

  it('keeps the earliest of several delayed adds', () => {
    const clock = new FakeClock();
    const q = new WorkQueue(new ItemBackoff(), clock);
    q.addAfter('a', 1000);
    q.addAfter('a', 300);
    q.addAfter('a', 5000);
    clock.advance(299);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    clock.advance(10_000);
    assert.equal(q.len(), 1, 'the later timers were dropped');
  });

  it('wakes waiting workers and releases them on shutdown', async () => {
    const q = new WorkQueue(new ItemBackoff(), new FakeClock());
    const waiting = q.get();
    q.add('x');
    assert.equal(await waiting, 'x');
    const idle = q.get();
    q.shutDown();
    assert.equal(await idle, undefined);
    q.add('y');
    assert.equal(q.len(), 0, 'no adds after shutdown');
  });
});

describe('controller: worker loop', () => {
  it('retries a failing key with growing delays, then resets after success and honours requeueAfter', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(new ItemBackoff({ baseMs: 100, maxMs: 10_000 }), clock);
    const calls: number[] = [];
    let failures = 2;
    const c = new Controller(q, (key) => {
      calls.push(clock.now());
      assert.equal(key, 'ns/a');
      if (failures-- > 0) return Promise.reject(new Error('API down'));
      return Promise.resolve({ requeueAfterMs: 5000 });
    }, silent);
    c.start(2);
    q.add('ns/a');
    await flush();
    clock.advance(100); await flush();
    clock.advance(200); await flush();
    assert.deepEqual(calls, [0, 100, 300]);
    assert.equal(q.retries('ns/a'), 0, 'success forgets the failures');
    clock.advance(4999); await flush();
    assert.equal(calls.length, 3);
    clock.advance(1); await flush();
    assert.deepEqual(calls, [0, 100, 300, 5300]);
    q.shutDown();
    await c.drain();
  });
});
