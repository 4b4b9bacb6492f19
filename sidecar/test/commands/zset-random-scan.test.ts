import assert from 'node:assert/strict';
import { zsetCommands } from '../../src/commands/zset.js';
import type { Reply } from '../../src/resp/reply.js';
import { prng } from '../support/differential.js';
import { ALL_SPECS, createHarness, plain, type Harness } from './harness.js';

/**
 * ZRANDMEMBER and ZSCAN answer differently from Redis by design (randomness, cursor
 * layout), so their properties are checked here instead of their bytes: what Redis
 * documents about them must hold on sets small and large.
 */
function harness(seed: number): Harness {
  const h = createHarness({ specs: [...ALL_SPECS, ...zsetCommands] });
  (h.server as { random: () => number }).random = prng(seed);
  return h;
}

function strings(reply: Reply): string[] {
  const value = plain(reply);
  assert.ok(Array.isArray(value), `expected an array, got ${JSON.stringify(value)}`);
  return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

function fill(h: Harness, key: string, size: number): Map<string, string> {
  const scores = new Map<string, string>();
  const args = ['zadd', key];
  for (let i = 0; i < size; i++) {
    const score = String((i * 7919) % 1000 / 4);
    args.push(score, `m${i}`);
    scores.set(`m${i}`, score);
  }
  h.run(args);
  return scores;
}

describe('ZRANDMEMBER properties', () => {
  for (const size of [1, 5, 200]) {
    it(`draws only members, distinct for a positive count, as many as asked for a negative one (size ${size})`, () => {
      const h = harness(size);
      const scores = fill(h, 'z', size);
      for (const count of [1, 3, size - 1, size, size + 10]) {
        if (count < 1) continue;
        const members = strings(h.run(['zrandmember', 'z', String(count)]));
        assert.equal(members.length, Math.min(count, size));
        assert.equal(new Set(members).size, members.length, 'a positive count draws distinct members');
        for (const member of members) assert.ok(scores.has(member));
        const repeated = strings(h.run(['zrandmember', 'z', String(-count)]));
        assert.equal(repeated.length, count);
        for (const member of repeated) assert.ok(scores.has(member));
      }
      const single = plain(h.run(['zrandmember', 'z']));
      assert.ok(typeof single === 'string' && scores.has(single));
      const pairs = strings(h.run(['zrandmember', 'z', '-7', 'withscores']));
      for (let i = 0; i < pairs.length; i += 2) assert.equal(pairs[i + 1], scores.get(pairs[i] ?? ''));
    });
  }

  it('draws every member of a big set sooner or later (uniform enough to reach all)', () => {
    const h = harness(42);
    fill(h, 'z', 300);
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 300; i++) for (const member of strings(h.run(['zrandmember', 'z', '-50']))) seen.add(member);
    assert.equal(seen.size, 300);
  });
});

describe('ZSCAN properties', () => {
  it('returns a small set whole with cursor 0, like a Redis listpack', () => {
    const h = harness(1);
    fill(h, 'z', 100);
    const [cursor, items] = plain(h.run(['zscan', 'z', '0', 'count', '5'])) as [string, string[]];
    assert.equal(cursor, '0');
    assert.equal(items.length, 200);
  });

  it('returns every member present for the whole scan at least once while the set changes', () => {
    const h = harness(7);
    const scores = fill(h, 'z', 1000);
    const random = prng(99);
    const seen = new Map<string, string>();
    const stable = new Set(scores.keys());
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = plain(h.run(['zscan', 'z', cursor, 'count', '17'])) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i] ?? '', items[i + 1] ?? '');
      cursor = next;
      calls++;
      // Churn: new members come and go, and some members' scores move (order changes).
      const victim = `m${Math.floor(random() * 1000)}`;
      h.run(['zadd', 'z', String(random() * 100), victim]);
      stable.delete(victim);
      h.run(['zadd', 'z', '1', `new${calls}`]);
      if (calls % 3 === 0) {
        const removed = `m${Math.floor(random() * 1000)}`;
        h.run(['zrem', 'z', removed]);
        stable.delete(removed);
      }
    } while (cursor !== '0' && calls < 10000);
    assert.equal(cursor, '0', 'the scan terminates');
    assert.ok(calls > 20, `a big set takes several calls (took ${calls})`);
    for (const member of stable) assert.equal(seen.get(member), scores.get(member), `${member} returned with its score`);
  });

  it('applies MATCH after COUNT and answers an empty scan for a missing key', () => {
    const h = harness(3);
    fill(h, 'z', 500);
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = plain(h.run(['zscan', 'z', cursor, 'match', 'm1*'])) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) found.add(items[i] ?? '');
      cursor = next;
    } while (cursor !== '0');
    assert.deepEqual([...found].sort(), [...fill(createHarness({ specs: [...ALL_SPECS, ...zsetCommands] }), 'x', 500).keys()].filter((m) => m.startsWith('m1')).sort());
    assert.deepEqual(plain(h.run(['zscan', 'missing', '0'])), ['0', []]);
  });
});
