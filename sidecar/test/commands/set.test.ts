import assert from 'node:assert/strict';
import { genericCommands } from '../../src/commands/generic.js';
import { hashCommands } from '../../src/commands/hash.js';
import { setCommands } from '../../src/commands/set.js';
import type { Operation } from '../../src/store/effects.js';
import { ALL_SPECS, createHarness, plain, type Harness } from './harness.js';

function setHarness(): { h: Harness; ops: Operation[] } {
  const h = createHarness({ specs: [...ALL_SPECS, ...genericCommands, ...setCommands, ...hashCommands] });
  const ops: Operation[] = [];
  h.server.engine.addSink({ onOperation: (op, local) => { if (local) ops.push(op); } });
  return { h, ops };
}

const strings = (value: unknown): string[] => {
  assert.ok(Array.isArray(value), `expected an array, got ${JSON.stringify(value)}`);
  return value.map(String);
};

function members(h: Harness, key: string): string[] {
  return strings(plain(h.run(['smembers', key]))).sort();
}

function fill(h: Harness, key: string, n: number, prefix = 'm'): string[] {
  const all = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  h.run(['sadd', key, ...all]);
  return all;
}

describe('set commands (handler level)', () => {
  it('SADD re-tags members already present, so the add wins over a concurrent SREM (DESIGN.md §4)', () => {
    const { h, ops } = setHarness();
    h.run(['sadd', 's', 'a']);
    assert.deepEqual(plain(h.run(['sadd', 's', 'a', 'b'])), 1);
    const effect = ops.at(-1)?.effects[0]?.effect;
    assert.ok(effect?.type === 'set.add');
    assert.deepEqual(effect.members.map(String), ['a', 'b']);
  });

  it('SMOVE is one operation: a remove from the source and an add to the destination', () => {
    const { h, ops } = setHarness();
    h.run(['sadd', 'src', 'a', 'b']);
    ops.length = 0;
    assert.deepEqual(plain(h.run(['smove', 'src', 'dst', 'a'])), 1);
    assert.equal(ops.length, 1);
    assert.deepEqual(ops[0]?.effects.map((e) => [e.key, e.effect.type]), [['src', 'set.remove'], ['dst', 'set.add']]);
  });

  it('removing the last member deletes the key and its TTL (SREM, SPOP, SMOVE)', () => {
    const { h } = setHarness();
    for (const last of [['srem', 's', 'a'], ['spop', 's'], ['spop', 's', '3'], ['smove', 's', 'd', 'a']]) {
      h.run(['sadd', 's', 'a']);
      h.run(['expire', 's', '100']);
      h.run(last);
      assert.deepEqual(plain(h.run(['exists', 's'])), 0, last.join(' '));
      h.run(['sadd', 's', 'z']);
      assert.deepEqual(plain(h.run(['ttl', 's'])), -1, last.join(' '));
      h.run(['del', 's', 'd']);
    }
  });

  it('SPOP count returns that many distinct members, which are then gone', () => {
    const { h } = setHarness();
    for (const [n, k] of [[10, 3], [50, 49], [200, 7], [5, 1], [300, 150]] as const) {
      const all = new Set(fill(h, 's', n));
      const popped = strings(plain(h.run(['spop', 's', String(k)])));
      assert.equal(popped.length, k);
      assert.equal(new Set(popped).size, k);
      for (const member of popped) assert.ok(all.has(member));
      assert.deepEqual(plain(h.run(['scard', 's'])), n - k);
      assert.deepEqual(plain(h.run(['smismember', 's', ...popped])), popped.map(() => 0));
      h.run(['del', 's']);
    }
  });

  it('SRANDMEMBER: positive counts are distinct members, negative counts repeat, every member comes up', () => {
    const { h } = setHarness();
    const all = new Set(fill(h, 's', 20));
    const distinct = strings(plain(h.run(['srandmember', 's', '8'])));
    assert.equal(new Set(distinct).size, 8);
    assert.deepEqual(strings(plain(h.run(['srandmember', 's', '100']))).sort(), [...all].sort());
    const picks = strings(plain(h.run(['srandmember', 's', '-2000'])));
    assert.equal(picks.length, 2000);
    assert.deepEqual(new Set(picks), all, 'all 20 members among 2000 picks');
    assert.deepEqual(plain(h.run(['scard', 's'])), 20, 'SRANDMEMBER removes nothing');
  });

  it('SSCAN returns every member present for the whole scan while members come and go', () => {
    const { h } = setHarness();
    const stable = fill(h, 's', 500, 'keep');
    fill(h, 's', 300, 'churn');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, page] = plain(h.run(['sscan', 's', cursor, 'count', '17'])) as [string, string[]];
      for (const member of page) seen.add(member);
      cursor = next;
      // Between pages: remove some churn members, add new ones.
      h.run(['srem', 's', `churn${round * 3}`, `churn${round * 3 + 1}`]);
      h.run(['sadd', 's', `new${round}`, `new${round}b`]);
      round += 1;
    } while (cursor !== '0' && round < 1000);
    assert.equal(cursor, '0');
    for (const member of stable) assert.ok(seen.has(member), `missed ${member}`);
  });

  it('SINTERSTORE into one of its sources reads the sources before replacing the destination', () => {
    const { h } = setHarness();
    h.run(['sadd', 'a', '1', '2', '3']);
    h.run(['sadd', 'b', '2', '3', '4']);
    assert.deepEqual(plain(h.run(['sinterstore', 'a', 'a', 'b'])), 2);
    assert.deepEqual(members(h, 'a'), ['2', '3']);
    assert.deepEqual(plain(h.run(['sdiffstore', 'a', 'a', 'a'])), 0);
    assert.deepEqual(plain(h.run(['exists', 'a'])), 0);
  });
});
