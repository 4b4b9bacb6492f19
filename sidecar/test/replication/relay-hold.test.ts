import assert from 'node:assert/strict';
import { directOriginOf } from '../../src/replication/peer-link.js';

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
