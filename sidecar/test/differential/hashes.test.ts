import assert from 'node:assert/strict';
import { pick, prng, type Command } from '../support/differential.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';
import type { RawClient } from '../support/raw-client.js';
import { assertSameSetHashReplies, parseReply } from './set-hash-replies.js';

/** 200 fields: more than hash-max-listpack-entries (128), so Redis keeps a hash table and HSCAN really pages. */
const BIG: Command = ['hset', 'big', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat()];

/** Hand-written sequences: each covers one command's options, edge cases and errors. */
const CASES: Record<string, Command[]> = {
  'HSET, HMSET, HSETNX, HGET, HMGET, HLEN, HEXISTS, HSTRLEN': [
    ['hset', 'h', 'a', '1', 'b', '2'], ['hset', 'h', 'a', '3', 'c', '4', 'c', '5'], ['hset', 'h', 'd', '1', 'd', '2'], ['hget', 'h', 'a'], ['hget', 'h', 'c'],
    ['hget', 'h', 'd'], ['hget', 'h', 'zz'], ['hget', 'none', 'a'], ['hmget', 'h', 'a', 'zz', 'b', 'a'], ['hmget', 'none', 'a', 'b'], ['hlen', 'h'], ['hlen', 'none'],
    ['hexists', 'h', 'a'], ['hexists', 'h', 'zz'], ['hexists', 'none', 'a'], ['hstrlen', 'h', 'a'], ['hstrlen', 'h', 'zz'], ['hstrlen', 'none', 'a'],
    ['hmset', 'h', 'x', 'long value', 'y', ''], ['hstrlen', 'h', 'x'], ['hstrlen', 'h', 'y'], ['hget', 'h', 'y'], ['hsetnx', 'h', 'a', 'new'], ['hsetnx', 'h', 'n', 'new'],
    ['hget', 'h', 'n'], ['hsetnx', 'fresh', 'f', 'v'], ['hgetall', 'fresh'], ['hset', 'h', '', 'empty'], ['hget', 'h', ''],
    ['hset', Buffer.from([0, 255]), Buffer.from([1, 0, 13, 10]), Buffer.from([254, 0])], ['hget', Buffer.from([0, 255]), Buffer.from([1, 0, 13, 10])],
    ['set', 'str', 'v'], ['hset', 'str', 'a', '1'], ['hmset', 'str', 'a', '1'], ['hsetnx', 'str', 'a', '1'], ['hget', 'str', 'a'], ['hmget', 'str', 'a'],
    ['hlen', 'str'], ['hexists', 'str', 'a'], ['hstrlen', 'str', 'a'], ['hset', 'h'], ['hset', 'h', 'a'], ['hset', 'h', 'a', '1', 'b'], ['hmset', 'h', 'a', '1', 'b'],
    ['hmset', 'h', 'a'], ['hsetnx', 'h', 'a'], ['hget', 'h'], ['hmget', 'h'], ['hlen'], ['hexists', 'h'], ['hstrlen', 'h'], ['HSET', 'Mixed', 'F', 'V'], ['hGeT', 'Mixed', 'F'],
  ],
  'HDEL, HGETALL, HKEYS, HVALS and key removal': [
    ['hset', 'h', 'a', '1', 'b', '2', 'c', '3'], ['hgetall', 'h'], ['hkeys', 'h'], ['hvals', 'h'], ['hgetall', 'none'], ['hkeys', 'none'], ['hvals', 'none'],
    ['hdel', 'h', 'a', 'a', 'zz'], ['hdel', 'h', 'zz'], ['hdel', 'none', 'a'], ['hgetall', 'h'], ['expire', 'h', '1000'], ['hdel', 'h', 'b', 'c'], ['exists', 'h'],
    ['ttl', 'h'], ['hset', 'h', 'x', '1'], ['ttl', 'h'], ['type', 'h'], ['hincrby', 'h', 'n', '5'], ['hdel', 'h', 'n'], ['hincrby', 'h', 'n', '2'], ['hget', 'h', 'n'],
    ['hdel', 'h', 'n', 'x'], ['exists', 'h'], ['hincrby', 'h', 'n', '3'], ['hget', 'h', 'n'], ['hset', 'h', 'n', '10'], ['hincrby', 'h', 'n', '1'],
    ['del', 'h'], ['hincrby', 'h', 'n', '1'], ['hgetall', 'h'], ['set', 'str', 'v'], ['hdel', 'str', 'a'], ['hgetall', 'str'], ['hkeys', 'str'], ['hvals', 'str'],
    ['hdel', 'h'], ['hgetall'], ['hkeys', 'h', 'x'], ['hvals'],
  ],
  'HINCRBY': [
    ['hincrby', 'h', 'a', '5'], ['hincrby', 'h', 'a', '-7'], ['hincrby', 'h', 'a', '0'], ['hget', 'h', 'a'], ['hincrby', 'h', 'a', 'x'], ['hincrby', 'h', 'a', '1.5'],
    ['hincrby', 'h', 'a', ''], ['hincrby', 'h', 'a', ' 1'], ['hincrby', 'h', 'a', '9223372036854775808'], ['hset', 'h', 'big', '9223372036854775806'],
    ['hincrby', 'h', 'big', '1'], ['hincrby', 'h', 'big', '1'], ['hset', 'h', 'small', '-9223372036854775808'], ['hincrby', 'h', 'small', '-1'],
    ['hincrby', 'h', 'small', '9223372036854775807'], ['hincrby', 'h', 'x', '9223372036854775807'], ['hincrby', 'h', 'x', '1'], ['hset', 'h', 's', 'abc'],
    ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', ' 1'], ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', '007'], ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', '1.0'],
    ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', '-0'], ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', '+5'], ['hincrby', 'h', 's', '1'], ['hset', 'h', 's', ''],
    ['hincrby', 'h', 's', '1'], ['set', 'str', 'v'], ['hincrby', 'str', 'a', '1'], ['hincrby', 'str', 'a', 'x'], ['hincrby', 'h', 'a'], ['hincrby', 'h', 'a', '1', '2'],
  ],
  'HINCRBYFLOAT digits and errors': [
    ['hincrbyfloat', 'h', 'f', '0.1'], ['hincrbyfloat', 'h', 'f', '0.2'], ['hget', 'h', 'f'], ['hincrbyfloat', 'h', 'f', '1e3'], ['hincrbyfloat', 'h', 'f', '-1000.3'],
    ['hincrbyfloat', 'h', 'f', 'abc'], ['hincrbyfloat', 'h', 'f', 'inf'], ['hincrbyfloat', 'h', 'f', '-inf'], ['hincrbyfloat', 'h', 'f', 'nan'], ['hincrbyfloat', 'h', 'f', ' 1'],
    ['hincrbyfloat', 'h', 'f', ''], ['hset', 'h', 'g', '10'], ['hincrbyfloat', 'h', 'g', '5.0e3'], ['hincrbyfloat', 'h', 'g', '1.5'], ['hincrby', 'h', 'g', '1'],
    ['hset', 'h', 'g', '3'], ['hincrbyfloat', 'h', 'g', '1.5'], ['hincrbyfloat', 'h', 'g', '-4.5'], ['hget', 'h', 'g'], ['hset', 'h', 'g', '1.1'],
    ['hincrbyfloat', 'h', 'g', '2.2'], ['hincrbyfloat', 'h', 'w', '3.0000000000000000000001'], ['hincrbyfloat', 'h', 'v', '123456789.123456789'],
    ['hincrbyfloat', 'h', 'x', '0x10'], ['hincrbyfloat', 'h', 'x', '0x1p-2'], ['hset', 'h', 'y', '0x10'], ['hincrbyfloat', 'h', 'y', '1'], ['hincrbyfloat', 'h', 'x', '0x'],
    ['hincrbyfloat', 'h', 'e', '1e308'], ['hincrbyfloat', 'h', 'e', '1e308'], ['hincrbyfloat', 'h', 'e', '1.0e4932'], ['hset', 'h', 's', 'abc'],
    ['hincrbyfloat', 'h', 's', '1'], ['hset', 'h', 's', ' 1'], ['hincrbyfloat', 'h', 's', '1'], ['hset', 'h', 's', 'inf'], ['hincrbyfloat', 'h', 's', '1'],
    ['hset', 'h', 's', '1e400'], ['hincrbyfloat', 'h', 's', '1'], ['hincrbyfloat', 'h', 'z', '-0.0'],
    ['hincrbyfloat', 'h', 'z', '1.23e-5'], ['hincrbyfloat', 'h', 'z', '-1.23e-5'], ['hgetall', 'h'], ['set', 'str', 'v'], ['hincrbyfloat', 'str', 'a', '1'],
    ['hincrbyfloat', 'str', 'a', 'x'], ['hincrbyfloat', 'h', 'a'],
  ],
  'HRANDFIELD': [
    ['hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'], ['hrandfield', 'h'], ['hrandfield', 'h', '3'], ['hrandfield', 'h', '5'], ['hrandfield', 'h', '50'],
    ['hrandfield', 'h', '-3'], ['hrandfield', 'h', '-12'], ['hrandfield', 'h', '0'], ['hrandfield', 'h', '3', 'withvalues'], ['hrandfield', 'h', '9', 'WITHVALUES'],
    ['hrandfield', 'h', '-7', 'withvalues'], ['hrandfield', 'h', '0', 'withvalues'], ['hrandfield', 'h', 'x'], ['hrandfield', 'h', 'x', 'withvalues'],
    ['hrandfield', 'h', '1', 'foo'], ['hrandfield', 'h', '1', 'withvalues', 'x'], ['hrandfield', 'h', '-9223372036854775808'], ['hrandfield', 'h', '9223372036854775807', 'withvalues'],
    ['hrandfield', 'h', '-4611686018427387904', 'withvalues'], ['hrandfield', 'none'], ['hrandfield', 'none', '3'], ['hrandfield', 'none', '-3', 'withvalues'],
    ['hrandfield', 'none', 'x'], ['hrandfield', 'none', '1', 'foo'], ['set', 'str', 'v'], ['hrandfield', 'str'], ['hrandfield', 'str', '1'], ['hrandfield', 'str', 'x'],
    ['hrandfield'],
  ],
  'HSCAN options and errors': [
    BIG, ['hscan', 'big', '0', 'count', '1000'], ['hscan', 'big', '0', 'count', '1000', 'match', 'f1*'], ['hset', 'small', 'a', '1', 'b', '2'], ['hscan', 'small', '0'],
    ['hscan', 'small', '0', 'match', 'a'], ['hscan', 'none', '0'], ['hscan', 'none', 'x'], ['hscan', 'none', '0', 'count', '0'], ['hscan', 'big', 'x'],
    ['hscan', 'big', '0', 'count', '0'], ['hscan', 'big', '0', 'count', 'x'], ['hscan', 'big', '0', 'type', 'hash'], ['hscan', 'big', '0', 'match'],
    ['hscan', 'big', '18446744073709551616'], ['hscan', 'big', '-'], ['set', 'str', 'v'], ['hscan', 'str', '0'], ['hscan', 'str', 'x'], ['hscan', 'big'], ['hscan'],
  ],
  'RESP3 reply types': [
    ['hello', '3'], ['hset', 'h', 'a', '1', 'b', '2'], ['hgetall', 'h'], ['hgetall', 'none'], ['hkeys', 'none'], ['hvals', 'h'], ['hmget', 'h', 'a', 'q'],
    ['hget', 'none', 'a'], ['hrandfield', 'none'], ['hrandfield', 'none', '2'], ['hrandfield', 'h', '5', 'withvalues'], ['hrandfield', 'h', '-3', 'withvalues'],
    ['hscan', 'h', '0'], ['hscan', 'none', '0'], ['hincrbyfloat', 'h', 'a', '1.5'], ['hello', '2'],
  ],
  'hashes in MULTI, with expiry and across types': [
    ['multi'], ['hset', 'h', 'a', '1'], ['hincrby', 'h', 'a', '2'], ['hincrbyfloat', 'h', 'a', '0.5'], ['hdel', 'h', 'a'], ['hset', 'h', 'b', '2'], ['exec'],
    ['hgetall', 'h'], ['hset', 't', 'x', '1'], ['pexpireat', 't', '1'], ['hget', 't', 'x'], ['hset', 't', 'y', '2'], ['hgetall', 't'], ['ttl', 't'],
    ['rename', 't', 'u'], ['hgetall', 'u'], ['sadd', 's', 'a'], ['hset', 's', 'a', '1'], ['sadd', 'u', 'a'], ['set', 'u', 'v'], ['type', 'u'], ['dbsize'],
  ],
};

/** A random hash workload over a few keys (one holds a string, one a set, one a list) so commands collide. */
export function randomHashCommands(seed: number, count: number): Command[] {
  const random = prng(seed);
  const keys = ['h1', 'h2', 'h1', 'h2', 'h3', 'str', 's', 'lst'];
  const fields = ['a', 'b', 'c', 'n', 'f', ''];
  const values = ['', 'x', 'hello', '1', '-3', '12', '1.5', '9223372036854775806', '-9223372036854775807', '1e3'];
  const ints = ['0', '1', '-1', '7', '100', '-250', '9223372036854775807', '-9223372036854775808', 'x', '1.5'];
  const floats = ['0.1', '0.25', '-1.5', '10', '2.5e2', '-0.75', '1e-3', '3.0000000000000000000001', 'abc', 'inf'];
  const counts = ['0', '1', '2', '4', '10', '-1', '-3', '-9', 'x'];
  const key = (): string => pick(random, keys);
  const field = (): string => pick(random, fields);
  const pairs = (): string[] => Array.from({ length: 1 + Math.floor(random() * 3) }, () => [field(), pick(random, values)]).flat();
  const makers: (() => Command)[] = [
    () => ['hset', key(), ...pairs()], () => ['hset', key(), ...pairs()], () => ['hmset', key(), ...pairs()], () => ['hsetnx', key(), field(), pick(random, values)],
    () => ['hget', key(), field()], () => ['hmget', key(), field(), field()], () => ['hdel', key(), field(), ...(random() < 0.5 ? [field()] : [])],
    () => ['hgetall', key()], () => ['hkeys', key()], () => ['hvals', key()], () => ['hlen', key()], () => ['hexists', key(), field()], () => ['hstrlen', key(), field()],
    () => ['hincrby', key(), field(), pick(random, ints)], () => ['hincrby', key(), field(), pick(random, ints)],
    () => ['hincrbyfloat', key(), field(), pick(random, floats)], () => ['hincrbyfloat', key(), field(), pick(random, floats)],
    () => ['hrandfield', key()], () => ['hrandfield', key(), pick(random, counts), ...(random() < 0.5 ? ['withvalues'] : [])],
    () => ['hscan', key(), '0', 'count', '1000', ...(random() < 0.3 ? ['match', pick(random, ['*', '[a-c]', 'n*', '?'])] : [])],
    () => ['set', 'str', pick(random, values)], () => ['sadd', 's', field()], () => ['lpush', 'lst', field()], () => ['del', key()], () => ['exists', key()], () => ['type', key()],
    () => ['expire', key(), '1000'], () => ['ttl', key()],
  ];
  return Array.from({ length: count }, () => pick(random, makers)());
}

/** Iterates HSCAN to the end on one server; returns every field=value seen. */
async function scanAll(client: RawClient, key: string, extra: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let calls = 0; calls < 10000; calls++) {
    const [next, page] = parseReply(await client.call(['hscan', key, cursor, ...extra])).items;
    const items = page?.items ?? [];
    for (let i = 0; i < items.length; i += 2) seen.add(`${items[i]?.text}=${items[i + 1]?.text}`);
    cursor = next?.text ?? '0';
    if (cursor === '0') return seen;
  }
  throw new Error('HSCAN did not finish');
}

describe('differential: hashes against a real redis-server', function () {
  this.timeout(300000);
  const servers = useRedisAndSidecar();

  for (const [name, commands] of Object.entries(CASES)) {
    it(`matches Redis reply for reply: ${name}`, async () => {
      await assertSameSetHashReplies(servers.redis, servers.ours, commands);
    });
  }

  it('HSCAN with small COUNT visits the same fields and values as Redis (with and without MATCH)', async () => {
    await assertSameSetHashReplies(servers.redis, servers.ours, [BIG]);
    for (const extra of [[], ['count', '7'], ['count', '1', 'match', 'f2*'], ['match', '*1']]) {
      const [want, got] = await Promise.all([scanAll(servers.redis, 'big', extra), scanAll(servers.ours, 'big', extra)]);
      assert.deepEqual([...got].sort(), [...want].sort(), `HSCAN big ${extra.join(' ')}`);
    }
  });

  for (const seed of [31, 32, 33, 34, 35]) {
    it(`matches Redis on 1000 random hash commands (seed ${seed})`, async () => {
      await assertSameSetHashReplies(servers.redis, servers.ours, randomHashCommands(seed, 1000));
    });
  }
});
