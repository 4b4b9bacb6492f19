import assert from 'node:assert/strict';
import { genericCommands } from '../../src/commands/generic.js';
import { hashCommands } from '../../src/commands/hash.js';
import { setCommands } from '../../src/commands/set.js';
import { ALL_SPECS, createHarness, plain, type Harness } from './harness.js';

function hashHarness(): Harness {
  return createHarness({ specs: [...ALL_SPECS, ...genericCommands, ...setCommands, ...hashCommands] });
}

describe('hash commands (handler level)', () => {
  it('a field re-created after HDEL does not bring back the increments the HDEL removed', () => {
    const h = hashHarness();
    h.run(['hincrby', 'h', 'n', '5']);
    h.run(['hset', 'h', 'other', 'x']);
    h.run(['hdel', 'h', 'n']);
    assert.deepEqual(plain(h.run(['hset', 'h', 'n', '1'])), 1);
    assert.deepEqual(plain(h.run(['hget', 'h', 'n'])), '1');
    h.run(['hdel', 'h', 'n']);
    assert.deepEqual(plain(h.run(['hincrby', 'h', 'n', '2'])), 2);
    assert.deepEqual(plain(h.run(['hincrbyfloat', 'h', 'n', '0.5'])), '2.5');
    h.run(['del', 'h']);
    assert.deepEqual(plain(h.run(['hincrbyfloat', 'h', 'n', '1'])), '1');
    assert.deepEqual(plain(h.run(['hgetall', 'h'])), { n: '1' });
  });

  it('HSET naming a field twice keeps the last value and counts it once', () => {
    const h = hashHarness();
    assert.deepEqual(plain(h.run(['hset', 'h', 'f', '1', 'f', '2', 'g', '3'])), 2);
    assert.deepEqual(plain(h.run(['hmget', 'h', 'f', 'g'])), ['2', '3']);
  });

  it('HRANDFIELD: distinct fields for positive counts, |count| picks with values for negative counts', () => {
    const h = hashHarness();
    const fields = Array.from({ length: 15 }, (_, i) => [`f${i}`, `v${i}`]);
    h.run(['hset', 'h', ...fields.flat()]);
    const distinct = plain(h.run(['hrandfield', 'h', '6'])) as string[];
    assert.equal(new Set(distinct).size, 6);
    const flat = plain(h.run(['hrandfield', 'h', '-500', 'withvalues'])) as string[];
    assert.equal(flat.length, 1000);
    const seen = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) {
      assert.equal(flat[i + 1], `v${String(flat[i]).slice(1)}`);
      seen.add(String(flat[i]));
    }
    assert.equal(seen.size, 15, 'every field comes up in 500 picks');
    h.client.protocol = 3;
    const nested = plain(h.run(['hrandfield', 'h', '2', 'withvalues'])) as string[][];
    assert.ok(nested.every((pair) => Array.isArray(pair) && pair.length === 2));
  });

  it('HSCAN returns every field present for the whole scan while fields come and go', () => {
    const h = hashHarness();
    const stable = Array.from({ length: 400 }, (_, i) => `keep${i}`);
    h.run(['hset', 'h', ...stable.flatMap((f) => [f, 'v'])]);
    h.run(['hset', 'h', ...Array.from({ length: 200 }, (_, i) => [`churn${i}`, 'v']).flat()]);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, page] = plain(h.run(['hscan', 'h', cursor, 'count', '13'])) as [string, string[]];
      for (let i = 0; i < page.length; i += 2) seen.add(String(page[i]));
      cursor = next;
      h.run(['hdel', 'h', `churn${round * 2}`, `churn${round * 2 + 1}`]);
      h.run(['hset', 'h', `new${round}`, 'v']);
      round += 1;
    } while (cursor !== '0' && round < 1000);
    assert.equal(cursor, '0');
    for (const field of stable) assert.ok(seen.has(field), `missed ${field}`);
  });

  it('deleting the last field deletes the key and its TTL', () => {
    const h = hashHarness();
    h.run(['hset', 'h', 'a', '1', 'b', '2']);
    h.run(['expire', 'h', '100']);
    assert.deepEqual(plain(h.run(['hdel', 'h', 'a', 'b'])), 2);
    assert.deepEqual(plain(h.run(['exists', 'h'])), 0);
    h.run(['hset', 'h', 'c', '3']);
    assert.deepEqual(plain(h.run(['ttl', 'h'])), -1);
  });
});
