import assert from 'node:assert/strict';
import { directOriginOf, RELAY_HOLD_MS, waitsForDirectStream, type RelayReceiver } from '../../src/replication/relay-hold.js';

/**
 * What a replica reports as reaching it directly (acks' direct_origins): its peers hold
 * back relays of those origins (Feed.step), so a link that stops delivering must stop
 * being reported, or that origin's ops would reach it through nobody.
 */
describe('replication: the origins a replica reports as reaching it directly', () => {
  const heardAt = 100_000;

  it('a streaming link heard from within the last seconds reports its origin', () => {
    assert.equal(directOriginOf({ state: 'streaming', lastHeardAt: heardAt, calleeOrigin: 'r1~a' }, heardAt + 1000), 'r1~a');
  });

  it('a streaming link silent for 2.5 s (heartbeats come every second) no longer does', () => {
    assert.equal(directOriginOf({ state: 'streaming', lastHeardAt: heardAt, calleeOrigin: 'r1~a' }, heardAt + 2500), undefined);
  });

  it('a link that is not streaming, or whose origin is not known yet, reports nothing', () => {
    for (const state of ['connecting', 'backoff', 'paused', 'stopped'] as const) {
      assert.equal(directOriginOf({ state, lastHeardAt: heardAt, calleeOrigin: 'r1~a' }, heardAt), undefined, state);
    }
    assert.equal(directOriginOf({ state: 'streaming', lastHeardAt: heardAt, calleeOrigin: undefined }, heardAt), undefined);
  });
});

/**
 * The other half: a feed holds back a relay while the receiver reports the op's origin as
 * direct, for at most RELAY_HOLD_MS. `relay-holdback.test.ts` shows the hold on real
 * processes; its bound cannot be isolated there (a stream that carries a big batch goes
 * silent and stops being reported first), so it is pinned down here.
 */
describe('replication: a relay waits for the receiver\'s own stream from the origin, for a bounded time', () => {
  const loggedAt = 50_000;
  const record = { origin: 'r1~a', seq: 7, at: loggedAt };
  const receiver: RelayReceiver = { directOrigins: new Set(['r1~a']), acked: new Map([['r1~a', 6]]) };

  it('holds an op of an origin the receiver streams from, until RELAY_HOLD_MS after it was logged', () => {
    assert.equal(RELAY_HOLD_MS, 2000);
    assert.equal(waitsForDirectStream(record, 'r2~b', receiver, loggedAt + 100), true);
    assert.equal(waitsForDirectStream(record, 'r2~b', receiver, loggedAt + RELAY_HOLD_MS - 1), true);
    assert.equal(waitsForDirectStream(record, 'r2~b', receiver, loggedAt + RELAY_HOLD_MS), false);
    assert.equal(waitsForDirectStream(record, 'r2~b', receiver, loggedAt + 60_000), false);
  });

  it('never holds our own ops, ops the receiver acknowledged, or ops of an origin it does not stream from', () => {
    assert.equal(waitsForDirectStream({ ...record, origin: 'r2~b' }, 'r2~b', { ...receiver, directOrigins: new Set(['r2~b']) }, loggedAt + 100), false);
    assert.equal(waitsForDirectStream(record, 'r2~b', { ...receiver, acked: new Map([['r1~a', 7]]) }, loggedAt + 100), false);
    assert.equal(waitsForDirectStream(record, 'r2~b', { ...receiver, directOrigins: new Set(['r3~c']) }, loggedAt + 100), false);
  });

  it('never holds a record read back from disk (no append time): a receiver that far behind is not keeping up', () => {
    assert.equal(waitsForDirectStream({ ...record, at: 0 }, 'r2~b', receiver, 100), false);
  });
});
