import assert from 'node:assert/strict';
import { createHarness, plain } from './harness.js';

describe('DBSIZE and TIME', () => {
  it('DBSIZE counts visible keys', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['dbsize'])), 0);
    h.run(['set', 'a', '1']);
    h.run(['set', 'b', '1']);
    h.run(['set', 'a', '2']);
    assert.deepEqual(plain(h.run(['dbsize'])), 2);
    assert.deepEqual(plain(h.run(['dbsize', 'x'])), { error: "ERR wrong number of arguments for 'dbsize' command" });
  });

  it('TIME answers seconds and microseconds as bulk strings from the command clock', () => {
    const h = createHarness();
    h.clock.now = 1_795_308_654_242;
    assert.deepEqual(plain(h.run(['time'])), ['1795308654', '242000']);
  });
});
