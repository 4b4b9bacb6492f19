import assert from 'node:assert/strict';
import { pick, prng, type Command } from '../support/differential.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';
import type { RawClient } from '../support/raw-client.js';
import { assertSameSetHashReplies, parseReply } from './set-hash-replies.js';

/** 300 string members: Redis keeps this as a hash table (not an intset), so SSCAN really pages. */
const BIG: Command = ['sadd', 'big', ...Array.from({ length: 300 }, (_, i) => `m${i}`)];
const INTS: Command = ['sadd', 'ints', ...Array.from({ length: 40 }, (_, i) => String(i * 7))];

/** Hand-written sequences: each covers one command's options, edge cases and errors. */
const CASES: Record<string, Command[]> = {
  'SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS': [
    ['sadd', 's', 'a', 'b', 'c'], ['sadd', 's', 'a', 'd', 'd'], ['scard', 's'], ['smembers', 's'], ['sismember', 's', 'a'], ['sismember', 's', 'z'],
    ['smismember', 's', 'a', 'z', 'd', 'a'], ['smismember', 'none', 'a', 'b'], ['sismember', 'none', 'a'], ['scard', 'none'], ['smembers', 'none'],
    ['srem', 's', 'a', 'a', 'z'], ['srem', 's', 'z'], ['srem', 'none', 'a'], ['smembers', 's'], ['expire', 's', '1000'], ['srem', 's', 'b', 'c', 'd'],
    ['exists', 's'], ['ttl', 's'], ['sadd', 's', 'x'], ['ttl', 's'], ['type', 's'], ['sadd', 'i', '1', '2', '3', '-5', '007'], ['smembers', 'i'],
    ['sadd', 'i', 'x'], ['smembers', 'i'], ['sadd', 'e', ''], ['smembers', 'e'], ['sismember', 'e', ''], ['sadd', Buffer.from([0, 255]), Buffer.from([1, 0, 254, 13, 10])],
    ['smembers', Buffer.from([0, 255])], ['set', 'str', 'v'], ['sadd', 'str', 'a'], ['srem', 'str', 'a'], ['scard', 'str'], ['sismember', 'str', 'a'],
    ['smismember', 'str', 'a'], ['smembers', 'str'], ['sadd', 's'], ['sadd'], ['srem', 's'], ['scard'], ['scard', 's', 'x'], ['sismember', 's'],
    ['sismember', 's', 'a', 'b'], ['smismember', 's'], ['smembers'], ['smembers', 's', 't'], ['SADD', 'Mixed', 'A'], ['sMeMbErS', 'Mixed'],
  ],
  'SMOVE': [
    ['sadd', 'a', '1', '2', '3'], ['sadd', 'b', '3', '4'], ['smove', 'a', 'b', '1'], ['smove', 'a', 'b', '3'], ['smove', 'a', 'b', 'nope'], ['smembers', 'a'],
    ['smembers', 'b'], ['smove', 'a', 'a', '2'], ['smove', 'a', 'a', 'nope'], ['smove', 'a', 'new', '2'], ['exists', 'a'], ['smembers', 'new'],
    ['smove', 'none', 'b', '1'], ['set', 'str', 'v'], ['smove', 'none', 'str', 'x'], ['smove', 'b', 'str', '4'], ['smove', 'str', 'b', 'x'],
    ['smove', 'str', 'str', 'x'], ['smove', 'b', 'b'], ['smove', 'b', 'c', 'd', 'e'], ['expire', 'b', '1000'], ['smove', 'b', 'c', '4'], ['ttl', 'b'],
    ['smove', 'b', 'c', '3'], ['exists', 'b'], ['smembers', 'c'],
  ],
  'SPOP and SRANDMEMBER': [
    ['sadd', 's', 'a', 'b', 'c', 'd', 'e'], ['spop', 's'], ['scard', 's'], ['spop', 's', '2'], ['scard', 's'], ['spop', 's', '0'], ['spop', 's', '-1'],
    ['spop', 's', 'x'], ['spop', 's', '1.5'], ['spop', 's', '1', '2'], ['spop', 'none'], ['spop', 'none', '3'], ['spop', 'none', '-3'], ['spop', 'none', '0'],
    ['sadd', 'r', 'a', 'b', 'c', 'd', 'e', '1', '2'], ['srandmember', 'r'], ['srandmember', 'r', '3'], ['srandmember', 'r', '7'], ['srandmember', 'r', '100'],
    ['srandmember', 'r', '-3'], ['srandmember', 'r', '-20'], ['srandmember', 'r', '0'], ['srandmember', 'r', 'x'], ['srandmember', 'r', '-9223372036854775808'],
    ['srandmember', 'r', '9223372036854775808'], ['srandmember', 'r', '1', '2'], ['srandmember', 'none'], ['srandmember', 'none', '5'],
    ['srandmember', 'none', '-5'], ['srandmember', 'none', 'x'], ['set', 'str', 'v'], ['spop', 'str'], ['spop', 'str', '1'], ['spop', 'str', 'x'],
    ['srandmember', 'str'], ['srandmember', 'str', '2'], ['srandmember', 'str', 'x'], ['scard', 'r'], ['spop', 'r', '5'], ['spop', 'r', '9223372036854775807'],
    ['exists', 'r'], ['sadd', 'one', 'x'], ['spop', 'one'], ['exists', 'one'], ['spop'], ['srandmember'],
  ],
  'SINTER, SUNION, SDIFF': [
    ['sadd', 'a', '1', '2', '3', 'x'], ['sadd', 'b', '2', '3', '4', 'x'], ['sadd', 'c', '3', 'x', 'y'], ['sinter', 'a', 'b', 'c'], ['sinter', 'a', 'b'], ['sinter', 'a'],
    ['sinter', 'a', 'none'], ['sinter', 'none', 'a'], ['sinter', 'a', 'a'], ['sunion', 'a', 'b', 'c'], ['sunion', 'a', 'none'], ['sunion', 'none'],
    ['sdiff', 'a', 'b'], ['sdiff', 'a', 'b', 'c'], ['sdiff', 'a', 'none'], ['sdiff', 'none', 'a'], ['sdiff', 'a', 'a'], ['set', 'str', 'v'],
    ['sinter', 'a', 'str'], ['sinter', 'none', 'str'], ['sinter', 'str', 'none'], ['sunion', 'a', 'str'], ['sunion', 'none', 'str'], ['sdiff', 'a', 'str'],
    ['sdiff', 'none', 'str'], ['sdiff', 'str'], ['sinter'], ['sunion'], ['sdiff'],
  ],
  'SINTERSTORE, SUNIONSTORE, SDIFFSTORE': [
    ['sadd', 'a', '1', '2', '3', 'x'], ['sadd', 'b', '2', '3', '4', 'x'], ['sinterstore', 'd', 'a', 'b'], ['smembers', 'd'], ['sunionstore', 'd', 'a', 'b'],
    ['smembers', 'd'], ['sdiffstore', 'd', 'a', 'b'], ['smembers', 'd'], ['sinterstore', 'd', 'a', 'none'], ['exists', 'd'], ['sunionstore', 'd', 'none'],
    ['sdiffstore', 'd', 'a', 'a'], ['exists', 'd'], ['set', 'str', 'v'], ['expire', 'str', '1000'], ['sunionstore', 'str', 'a'], ['type', 'str'], ['ttl', 'str'],
    ['sadd', 'e', 'q'], ['expire', 'e', '1000'], ['sinterstore', 'e', 'a', 'b'], ['ttl', 'e'], ['smembers', 'e'], ['sinterstore', 'a', 'a', 'b'],
    ['smembers', 'a'], ['sdiffstore', 'b', 'b', 'a'], ['smembers', 'b'], ['set', 's2', 'v'], ['sinterstore', 'd', 'a', 's2'], ['sinterstore', 'd', 'none', 's2'],
    ['sunionstore', 'd', 's2'], ['sdiffstore', 'd', 'none', 's2'], ['sinterstore', 'd'], ['sunionstore', 'd'], ['sdiffstore'], ['hset', 'h', 'f', 'v'],
    ['sunionstore', 'h', 'a', 'b'], ['type', 'h'], ['sdiffstore', 'x', 'h'],
  ],
  'SINTERCARD': [
    ['sadd', 'a', '1', '2', '3', '4', '5'], ['sadd', 'b', '2', '3', '4', '5', '6'], ['sintercard', '2', 'a', 'b'], ['sintercard', '1', 'a'],
    ['sintercard', '2', 'a', 'b', 'limit', '2'], ['sintercard', '2', 'a', 'b', 'LIMIT', '0'], ['sintercard', '2', 'a', 'b', 'limit', '100'],
    ['sintercard', '2', 'a', 'b', 'limit', '1', 'limit', '3'], ['sintercard', '2', 'a', 'none'], ['sintercard', '0', 'a'], ['sintercard', '-1', 'a'],
    ['sintercard', 'x', 'a'], ['sintercard', '3', 'a', 'b'], ['sintercard', '2', 'a', 'b', 'limit', '-1'], ['sintercard', '2', 'a', 'b', 'limit', 'x'],
    ['sintercard', '2', 'a', 'b', 'limit'], ['sintercard', '2', 'a', 'b', 'foo', '1'], ['sintercard', '1', 'a', 'b'], ['set', 'str', 'v'],
    ['sintercard', '2', 'a', 'str'], ['sintercard', '2', 'none', 'str'], ['sintercard', '1'], ['sintercard'],
  ],
  'SSCAN options and errors': [
    BIG, INTS, ['sscan', 'big', '0', 'count', '1000'], ['sscan', 'big', '0', 'count', '1000', 'match', 'm1*'], ['sscan', 'big', '0', 'match', '*2', 'count', '500'],
    ['sscan', 'ints', '0', 'count', '100'], ['sscan', 'ints', '0', 'match', '1*', 'count', '100'], ['sscan', 'none', '0'], ['sscan', 'none', 'x'], ['sscan', 'none', '0', 'count', '0'],
    ['sscan', 'big', 'x'], ['sscan', 'big', '0', 'count', '0'], ['sscan', 'big', '0', 'count', '-1'], ['sscan', 'big', '0', 'count', 'x'],
    ['sscan', 'big', '0', 'type', 'set'], ['sscan', 'big', '0', 'match'], ['sscan', 'big', '0', 'count'], ['sscan', 'big', '0', 'bogus', '1'],
    ['sscan', 'big', '18446744073709551616'], ['sscan', 'big', ' 1'], ['sscan', 'big', '1.5'], ['sscan', 'none', ''], ['sscan', 'none', '+'], ['sscan', 'none', '-0'], ['set', 'str', 'v'], ['sscan', 'str', '0'],
    ['sscan', 'str', 'x'], ['sscan', 'str', '0', 'count', '0'], ['sscan', 'big'], ['sscan'],
  ],
  'RESP3 reply types': [
    ['hello', '3'], ['sadd', 's', 'a', 'b', 'c'], ['smembers', 's'], ['smembers', 'none'], ['sinter', 's', 'none'], ['sunion', 's'], ['sdiff', 'none'],
    ['spop', 'none', '1'], ['spop', 'none'], ['srandmember', 'none', '1'], ['srandmember', 'none'], ['srandmember', 's', '5'], ['smismember', 's', 'a', 'q'],
    ['sscan', 's', '0', 'count', '100'], ['sscan', 'none', '0'], ['spop', 's', '5'], ['hello', '2'],
  ],
  'sets in MULTI and with expiry': [
    ['multi'], ['sadd', 's', 'a', 'b'], ['srem', 's', 'a'], ['scard', 's'], ['sinterstore', 'd', 's'], ['exec'], ['smembers', 'd'],
    ['sadd', 't', 'x'], ['pexpireat', 't', '1'], ['sismember', 't', 'x'], ['sadd', 't', 'y'], ['smembers', 't'], ['ttl', 't'],
    ['rename', 't', 'u'], ['smembers', 'u'], ['del', 'u'], ['sunionstore', 'v', 'u'], ['dbsize'],
  ],
};

/** A random set workload over a few keys (one holds a string, one a hash, one a list) so commands collide. */
export function randomSetCommands(seed: number, count: number): Command[] {
  const random = prng(seed);
  const keys = ['s1', 's2', 's3', 's1', 's2', 'str', 'h', 'lst'];
  const members = ['a', 'b', 'c', 'd', 'e', '', '1', '2', '3', '10', '-7'];
  const key = (): string => pick(random, keys);
  const member = (): string => pick(random, members);
  const many = (): string[] => Array.from({ length: 1 + Math.floor(random() * 4) }, member);
  const keysOf = (): string[] => Array.from({ length: 1 + Math.floor(random() * 3) }, key);
  const counts = ['0', '1', '2', '3', '5', '20', '-1', '-3', '-8', 'x'];
  const makers: (() => Command)[] = [
    () => ['sadd', key(), ...many()], () => ['sadd', key(), ...many()], () => ['sadd', key(), ...many()], () => ['srem', key(), ...many()],
    () => ['smembers', key()], () => ['sismember', key(), member()], () => ['smismember', key(), ...many()], () => ['scard', key()],
    () => ['spop', key()], () => ['spop', key(), pick(random, counts)], () => ['srandmember', key()], () => ['srandmember', key(), pick(random, counts)],
    () => ['smove', key(), key(), member()], () => ['sinter', ...keysOf()], () => ['sunion', ...keysOf()], () => ['sdiff', ...keysOf()],
    () => ['sinterstore', key(), ...keysOf()], () => ['sunionstore', key(), ...keysOf()], () => ['sdiffstore', key(), ...keysOf()],
    () => ['sintercard', '2', key(), key(), ...(random() < 0.5 ? ['limit', pick(random, ['0', '1', '2', '-1'])] : [])],
    () => ['sscan', key(), '0', 'count', '1000', ...(random() < 0.3 ? ['match', pick(random, ['*', '[a-c]', '1*', '?'])] : [])],
    () => ['set', 'str', member()], () => ['hset', 'h', member(), member()], () => ['rpush', 'lst', member()], () => ['del', key()], () => ['exists', key()], () => ['type', key()],
    () => ['expire', key(), '1000'], () => ['ttl', key()],
  ];
  return Array.from({ length: count }, () => pick(random, makers)());
}

/** Iterates SSCAN to the end on one server; returns every member seen (as a set). */
async function scanAll(client: RawClient, key: string, extra: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let calls = 0; calls < 10000; calls++) {
    const [next, page] = parseReply(await client.call(['sscan', key, cursor, ...extra])).items;
    for (const item of page?.items ?? []) seen.add(item.text);
    cursor = next?.text ?? '0';
    if (cursor === '0') return seen;
  }
  throw new Error('SSCAN did not finish');
}

describe('differential: sets against a real redis-server', function () {
  this.timeout(300000);
  const servers = useRedisAndSidecar();

  for (const [name, commands] of Object.entries(CASES)) {
    it(`matches Redis reply for reply: ${name}`, async () => {
      await assertSameSetHashReplies(servers.redis, servers.ours, commands);
    });
  }

  it('SSCAN with small COUNT visits the same members as Redis (with and without MATCH)', async () => {
    await assertSameSetHashReplies(servers.redis, servers.ours, [BIG, INTS]);
    for (const extra of [[], ['count', '7'], ['count', '1', 'match', 'm2*'], ['match', '*1']]) {
      for (const key of ['big', 'ints']) {
        const [want, got] = await Promise.all([scanAll(servers.redis, key, extra), scanAll(servers.ours, key, extra)]);
        assert.deepEqual([...got].sort(), [...want].sort(), `SSCAN ${key} ${extra.join(' ')}`);
      }
    }
  });

  for (const seed of [21, 22, 23, 24, 25]) {
    it(`matches Redis on 1000 random set commands (seed ${seed})`, async () => {
      await assertSameSetHashReplies(servers.redis, servers.ours, randomSetCommands(seed, 1000));
    });
  }
});
