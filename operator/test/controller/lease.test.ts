import assert from 'node:assert/strict';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { decideLease, type LeaseRecord, type LeaseStore } from '../../src/controller/lease.js';
import { microTime } from '../../src/controller/kube-lease.js';
import { FakeClock, flush } from '../fixtures/fake-clock.js';

const at = (s: number): Date => new Date(s * 1000);

/** An in-memory Lease with the API server's compare-and-swap on resourceVersion. */
class MemoryLease implements LeaseStore {
  record: LeaseRecord | undefined;
  version = 0;
  get(): Promise<LeaseRecord | undefined> {
    return Promise.resolve(this.record === undefined ? undefined : { ...this.record, resourceVersion: String(this.version) });
  }
  create(r: LeaseRecord): Promise<void> {
    if (this.record !== undefined) return Promise.reject(Object.assign(new Error('exists'), { code: 409 }));
    this.record = r;
    this.version++;
    return Promise.resolve();
  }
  update(r: LeaseRecord): Promise<void> {
    if (r.resourceVersion !== String(this.version)) return Promise.reject(Object.assign(new Error('conflict'), { code: 409 }));
    this.record = r;
    this.version++;
    return Promise.resolve();
  }
}

describe('controller: lease decisions', () => {
  const held: LeaseRecord = { holder: 'a', durationSeconds: 15, acquireTime: at(0), renewTime: at(10), transitions: 2, resourceVersion: '5' };

  it('creates a missing lease, renews its own, respects a live holder, takes over an expired one', () => {
    assert.equal(decideLease(undefined, 'b', at(0), 15).kind, 'create');
    assert.deepEqual(decideLease(held, 'a', at(20), 15), { kind: 'update', record: { ...held, renewTime: at(20) } });
    assert.deepEqual(decideLease(held, 'b', at(24), 15), { kind: 'heldByOther', holder: 'a', expiresAt: at(25) });
    assert.deepEqual(decideLease(held, 'b', at(25), 15), { kind: 'update', record: { holder: 'b', durationSeconds: 15, acquireTime: at(25), renewTime: at(25), transitions: 3, resourceVersion: '5' } });
    assert.equal(decideLease({ ...held, holder: '' }, 'b', at(11), 15).kind, 'update', 'a released lease is free at once');
  });

  it('writes MicroTime with the six fractional digits the API server requires', () => {
    assert.equal(String(microTime(new Date('2026-01-02T03:04:05.678Z'))), '2026-01-02T03:04:05.678000Z');
  });
});

describe('controller: leader election', () => {
  it('elects exactly one of two candidates and hands over at once when the leader releases the lease', async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const events: string[] = [];
    const elector = (id: string): LeaderElector => new LeaderElector(store, {
      identity: id, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000, clock,
      onStartedLeading: () => events.push(`${id} leads`), onStoppedLeading: () => events.push(`${id} stops`),
    });
    const a = elector('a');
    const b = elector('b');
    a.start();
    await flush();
    b.start();
    await flush();
    for (let i = 0; i < 5; i++) { clock.advance(2000); await flush(); }
    assert.deepEqual(events, ['a leads']);
    assert.ok(a.isLeader() && !b.isLeader());
    await a.stop();
    assert.equal(store.record?.holder, '', 'the leader releases the lease');
    clock.advance(2000); await flush();
    assert.deepEqual(events, ['a leads', 'b leads']);
    await b.stop();
  });

  it('steps down when renewals fail for longer than the renew deadline', async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const events: string[] = [];
    const a = new LeaderElector(store, {
      identity: 'a', leaseDurationMs: 15_000, renewDeadlineMs: 6000, retryPeriodMs: 2000, clock,
      onStartedLeading: () => events.push('leads'), onStoppedLeading: () => events.push('stops'),
    });
    a.start();
    await flush();
    store.update = () => Promise.reject(new Error('API unreachable'));
    for (let i = 0; i < 4; i++) { clock.advance(2000); await flush(); }
    assert.deepEqual(events, ['leads', 'stops']);
    assert.equal(a.isLeader(), false);
    await a.stop();
  });
});
