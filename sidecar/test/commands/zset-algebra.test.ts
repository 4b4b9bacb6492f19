import assert from 'node:assert/strict';
import { zsetCommands } from '../../src/commands/zset.js';
import { ALL_SPECS, createHarness, plain, type Harness } from './harness.js';

/**
 * ZUNION/ZINTER/ZDIFF accept plain sets as inputs with score 1 (t_zset.c zuiNext); the
 * set is written here through its CRDT effect so the test needs no set commands.
 */
function withSet(members: readonly string[]): Harness {
  const h = createHarness({ specs: [...ALL_SPECS, ...zsetCommands] });
  h.server.engine.emit('s', { type: 'set.add', members: members.map((m) => Buffer.from(m)) });
  h.server.engine.finishCommand();
  h.run(['zadd', 'z', '5', 'a', '7', 'x']);
  return h;
}

describe('sorted-set algebra over plain sets', () => {
  it('ZUNION reads set members with score 1, weighted like any input', () => {
    const h = withSet(['a', 'b', 'c']);
    assert.deepEqual(plain(h.run(['zunion', '2', 's', 'z', 'withscores'])), ['b', 1, 'c', 1, 'a', 6, 'x', 7]);
    assert.deepEqual(plain(h.run(['zunion', '2', 's', 'z', 'weights', '3', '1', 'aggregate', 'max', 'withscores'])), ['b', 3, 'c', 3, 'a', 5, 'x', 7]);
  });

  it('ZINTERSTORE, ZDIFFSTORE and ZINTERCARD mix sets and sorted sets', () => {
    const h = withSet(['a', 'b', 'c']);
    assert.equal(plain(h.run(['zinterstore', 'd', '2', 'z', 's'])), 1);
    assert.deepEqual(plain(h.run(['zrange', 'd', '0', '-1', 'withscores'])), ['a', 6]);
    assert.equal(plain(h.run(['zdiffstore', 'd', '2', 's', 'z'])), 2);
    assert.deepEqual(plain(h.run(['zrange', 'd', '0', '-1', 'withscores'])), ['b', 1, 'c', 1]);
    assert.equal(plain(h.run(['zintercard', '2', 's', 'z'])), 1);
  });

  it('still refuses other types, before looking at the options', () => {
    const h = withSet(['a']);
    h.run(['set', 'str', 'v']);
    assert.deepEqual(plain(h.run(['zunion', '2', 's', 'str', 'weights', 'x', 'y'])), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });

  it('answers ZRANGE and friends with WRONGTYPE on a set', () => {
    const h = withSet(['a']);
    assert.deepEqual(plain(h.run(['zrange', 's', '0', '-1'])), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });
});
