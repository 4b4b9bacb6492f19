import { assertSameReplies, pick, prng, type Command, type Normaliser } from '../support/differential.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';

/**
 * List commands compared byte for byte with a real redis-server 7.0: hand-written
 * sequences per command (every option and error), random workloads over a few colliding
 * keys (with a string key for WRONGTYPE), and the non-blocking paths of the blocking
 * commands (immediate pops, 10 ms timeouts on empty keys, MULTI).
 */
const CASES: Record<string, Command[]> = {
  'LPUSH/RPUSH/LPUSHX/RPUSHX': [
    ['lpush', 'l', 'a', 'b', 'c'], ['lrange', 'l', '0', '-1'], ['rpush', 'l', 'x', 'y'], ['lrange', 'l', '0', '-1'],
    ['lpushx', 'l', '1', '2'], ['rpushx', 'l', '9'], ['lrange', 'l', '0', '-1'], ['lpushx', 'none', 'a'], ['rpushx', 'none', 'a', 'b'],
    ['exists', 'none'], ['lpush', 'l'], ['rpush'], ['lpushx', 'l'], ['set', 's', 'v'], ['lpush', 's', 'a'], ['rpush', 's', 'a'],
    ['lpushx', 's', 'a'], ['rpushx', 's', 'a'], ['type', 'l'], ['rpush', 'bin', Buffer.from([0, 255, 13, 10]), ''], ['lrange', 'bin', '0', '-1'],
    ['LPUSH', 'L', 'Upper'], ['llen', 'L'], ['rpush', 'big', 'x'.repeat(5000), 'y'.repeat(70000)], ['lrange', 'big', '0', '-1'],
  ],
  'LPOP/RPOP with and without count': [
    ['rpush', 'l', 'a', 'b', 'c', 'd', 'e'], ['lpop', 'l'], ['rpop', 'l'], ['lpop', 'l', '2'], ['rpush', 'l', 'f', 'g', 'h'], ['rpop', 'l', '2'],
    ['lpop', 'l', '0'], ['rpop', 'l', '0'], ['lpop', 'l', '-1'], ['lpop', 'l', 'x'], ['lpop', 'l', '1.5'], ['lpop', 'l', '100'], ['exists', 'l'],
    ['lpop', 'l'], ['rpop', 'l'], ['lpop', 'l', '1'], ['rpop', 'l', '0'], ['lpop', 'l', '-1'], ['lpop', 'l', '1', '2'], ['rpop', 'l', '1', '2', '3'],
    ['set', 's', 'v'], ['lpop', 's'], ['rpop', 's', '1'], ['lpop', 's', '0'], ['lpop', 's', '-5'], ['lpop'],
    ['rpush', 'one', 'x'], ['rpop', 'one', '9223372036854775807'], ['exists', 'one'],
  ],
  'LLEN/LINDEX/LRANGE': [
    ['rpush', 'l', 'a', 'b', 'c', 'd', 'e', 'f'], ['llen', 'l'], ['llen', 'none'], ['lindex', 'l', '0'], ['lindex', 'l', '-1'], ['lindex', 'l', '5'],
    ['lindex', 'l', '6'], ['lindex', 'l', '-6'], ['lindex', 'l', '-7'], ['lindex', 'l', 'x'], ['lindex', 'none', 'x'], ['lindex', 'none', '0'],
    ['lrange', 'l', '0', '-1'], ['lrange', 'l', '1', '3'], ['lrange', 'l', '-3', '-1'], ['lrange', 'l', '-100', '100'], ['lrange', 'l', '4', '2'],
    ['lrange', 'l', '6', '10'], ['lrange', 'l', '-1', '-2'], ['lrange', 'l', '0', '0'], ['lrange', 'l', 'x', '1'], ['lrange', 'none', '0', 'y'],
    ['lrange', 'none', '0', '-1'], ['lrange', 'l', '-9223372036854775808', '9223372036854775807'], ['lindex', 'l', '9223372036854775807'],
    ['lindex', 'l', '9223372036854775808'], ['set', 's', 'v'], ['llen', 's'], ['lindex', 's', '0'], ['lindex', 's', 'x'], ['lrange', 's', '0', '1'],
    ['lrange', 's', 'x', '1'], ['llen'], ['lindex', 'l'], ['lrange', 'l', '0'],
  ],
  'LSET': [
    ['lset', 'none', '0', 'v'], ['lset', 'none', 'x', 'v'], ['rpush', 'l', 'a', 'b', 'c'], ['lset', 'l', '0', 'A'], ['lset', 'l', '-1', 'C'],
    ['lset', 'l', '3', 'x'], ['lset', 'l', '-4', 'x'], ['lset', 'l', 'x', 'v'], ['lrange', 'l', '0', '-1'], ['lset', 'l', '1', ''], ['lindex', 'l', '1'],
    ['set', 's', 'v'], ['lset', 's', '0', 'v'], ['lset', 's', 'x', 'v'], ['lset', 'l', '0'],
  ],
  'LINSERT': [
    ['linsert', 'none', 'before', 'a', 'x'], ['linsert', 'none', 'middle', 'a', 'x'], ['rpush', 'l', 'a', 'b', 'a', 'c'],
    ['linsert', 'l', 'before', 'a', 'x'], ['linsert', 'l', 'AFTER', 'a', 'y'], ['linsert', 'l', 'After', 'c', 'z'], ['linsert', 'l', 'before', 'c', 'w'],
    ['linsert', 'l', 'before', 'nope', 'v'], ['linsert', 'l', 'around', 'a', 'v'], ['lrange', 'l', '0', '-1'], ['set', 's', 'v'],
    ['linsert', 's', 'before', 'a', 'x'], ['linsert', 's', 'sideways', 'a', 'x'], ['linsert', 'l', 'before', 'a'],
  ],
  'LREM': [
    ['rpush', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['lrem', 'l', '2', 'a'], ['lrange', 'l', '0', '-1'], ['lrem', 'l', '-1', 'b'],
    ['lrange', 'l', '0', '-1'], ['lrem', 'l', '0', 'a'], ['lrange', 'l', '0', '-1'], ['lrem', 'l', '0', 'zz'], ['lrem', 'l', 'x', 'a'],
    ['lrem', 'none', '0', 'a'], ['lrem', 'none', 'x', 'a'], ['lrem', 'l', '-10', 'b'], ['lrem', 'l', '0', 'c'], ['exists', 'l'],
    ['set', 's', 'v'], ['lrem', 's', '0', 'v'], ['lrem', 's', 'x', 'v'], ['lrem', 'l', '0'],
  ],
  'LTRIM': [
    ['ltrim', 'none', '0', '1'], ['ltrim', 'none', 'x', '1'], ['rpush', 'l', 'a', 'b', 'c', 'd', 'e', 'f'], ['ltrim', 'l', '1', '-2'],
    ['lrange', 'l', '0', '-1'], ['ltrim', 'l', '-3', '100'], ['lrange', 'l', '0', '-1'], ['ltrim', 'l', '0', 'x'], ['ltrim', 'l', '1', '0'],
    ['exists', 'l'], ['rpush', 'l', 'a', 'b', 'c'], ['ltrim', 'l', '5', '10'], ['exists', 'l'], ['rpush', 'l', 'a', 'b', 'c'],
    ['ltrim', 'l', '-100', '-3'], ['lrange', 'l', '0', '-1'], ['ltrim', 'l', '0', '-1'], ['ltrim', 'l', '0', '0'], ['lrange', 'l', '0', '-1'],
    ['set', 's', 'v'], ['ltrim', 's', '0', '1'], ['ltrim', 's', 'x', '1'], ['ltrim', 'l', '0'],
  ],
  'LPOS with RANK, COUNT, MAXLEN': [
    ['rpush', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'x', 'a'], ['lpos', 'l', 'a'], ['lpos', 'l', 'c'], ['lpos', 'l', 'zz'],
    ['lpos', 'l', 'a', 'rank', '2'], ['lpos', 'l', 'a', 'rank', '-1'], ['lpos', 'l', 'a', 'rank', '-3'], ['lpos', 'l', 'a', 'rank', '9'],
    ['lpos', 'l', 'a', 'count', '0'], ['lpos', 'l', 'a', 'count', '2'], ['lpos', 'l', 'a', 'count', '2', 'rank', '2'],
    ['lpos', 'l', 'a', 'count', '0', 'rank', '-2'], ['lpos', 'l', 'a', 'maxlen', '4'], ['lpos', 'l', 'x', 'maxlen', '4'],
    ['lpos', 'l', 'a', 'count', '0', 'maxlen', '7'], ['lpos', 'l', 'a', 'count', '0', 'rank', '-1', 'maxlen', '3'], ['lpos', 'l', 'zz', 'count', '3'],
    ['lpos', 'l', 'a', 'rank', '0'], ['lpos', 'l', 'a', 'rank', 'x'], ['lpos', 'l', 'a', 'count', '-1'], ['lpos', 'l', 'a', 'count', 'x'],
    ['lpos', 'l', 'a', 'maxlen', '-1'], ['lpos', 'l', 'a', 'maxlen', 'y'], ['lpos', 'l', 'a', 'rank'], ['lpos', 'l', 'a', 'bogus', '1'],
    ['lpos', 'l', 'a', 'RANK', '1', 'Count', '1', 'MAXLEN', '0'], ['lpos', 'l', 'a', 'rank', '1', 'rank', '2'], ['lpos', 'l', 'a', 'rank', '-9223372036854775807'],
    ['lpos', 'l', 'a', 'rank', '-9223372036854775808'], ['lpos', 'l', 'a', 'rank', '-9223372036854775808', 'count', '0'], ['lpos', 'l', 'a', 'rank', '9223372036854775807'],
    ['lpos', 'none', 'a'], ['lpos', 'none', 'a', 'count', '1'], ['lpos', 'none', 'a', 'rank', '0'], ['set', 's', 'v'], ['lpos', 's', 'v'],
    ['lpos', 's', 'v', 'count', '1'], ['lpos', 's', 'v', 'rank', '0'], ['lpos', 'l'],
  ],
  'LMOVE/RPOPLPUSH': [
    ['rpush', 'src', 'a', 'b', 'c'], ['lmove', 'src', 'dst', 'left', 'right'], ['lmove', 'src', 'dst', 'RIGHT', 'LEFT'], ['lrange', 'dst', '0', '-1'],
    ['lmove', 'src', 'src', 'left', 'right'], ['lrange', 'src', '0', '-1'], ['lmove', 'dst', 'dst', 'right', 'left'], ['lrange', 'dst', '0', '-1'],
    ['lmove', 'src', 'dst', 'left', 'left'], ['exists', 'src'], ['lmove', 'src', 'dst', 'left', 'left'], ['lmove', 'src', 'dst', 'up', 'left'],
    ['lmove', 'dst', 'x', 'left', 'down'], ['set', 's', 'v'], ['lmove', 'dst', 's', 'left', 'left'], ['lrange', 'dst', '0', '-1'],
    ['lmove', 's', 'dst', 'left', 'left'], ['lmove', 'none', 's', 'left', 'left'], ['rpoplpush', 'dst', 'o'], ['rpoplpush', 'o', 'o'],
    ['lrange', 'o', '0', '-1'], ['rpoplpush', 'none', 'o'], ['rpoplpush', 'o', 's'], ['rpoplpush', 's', 'o'], ['rpush', 'one', 'x'],
    ['lmove', 'one', 'one', 'left', 'right'], ['lrange', 'one', '0', '-1'], ['rpoplpush', 'one', 'two'], ['exists', 'one'], ['lmove', 'a', 'b', 'left'],
  ],
  'LMPOP': [
    ['lmpop', '2', 'a', 'b', 'left'], ['rpush', 'b', '1', '2', '3', '4'], ['lmpop', '2', 'a', 'b', 'left'], ['lmpop', '2', 'a', 'b', 'right', 'count', '2'],
    ['lmpop', '1', 'b', 'LEFT', 'COUNT', '10'], ['exists', 'b'], ['rpush', 'a', 'x', 'y'], ['lmpop', '3', 'none', 'a', 'b', 'right', 'count', '1'],
    ['lmpop', '0', 'a', 'left'], ['lmpop', '-1', 'a', 'left'], ['lmpop', 'x', 'a', 'left'], ['lmpop', '2', 'a', 'left'], ['lmpop', '1', 'a', 'middle'],
    ['lmpop', '1', 'a', 'left', 'count', '0'], ['lmpop', '1', 'a', 'left', 'count', '-1'], ['lmpop', '1', 'a', 'left', 'count', 'x'],
    ['lmpop', '1', 'a', 'left', 'count', '1', 'count', '1'], ['lmpop', '1', 'a', 'left', 'count'], ['lmpop', '1', 'a', 'left', 'bogus'],
    ['set', 's', 'v'], ['lmpop', '2', 's', 'a', 'left'], ['lmpop', '2', 'a', 's', 'left'], ['lmpop', '2', 'none', 's', 'left'], ['lmpop', '1', 'a'],
    ['lmpop', '5', 'a', 'left'], ['lmpop', '9223372036854775807', 'a', 'left'], ['lrem', 'a', '-9223372036854775808', 'x'],
    ['lpop', 'a', '9223372036854775807'],
  ],
  'blocking commands that do not block': [
    ['rpush', 'l', 'a', 'b', 'c'], ['blpop', 'none', 'l', '0'], ['brpop', 'l', 'none', '1'], ['blpop', 'l', '0.5'], ['exists', 'l'],
    ['blpop', 'none', '0.01'], ['brpop', 'none', 'none2', '0.01'], ['blpop', 'l', 'x'], ['blpop', 'l', '-1'], ['blpop', 'l', 'inf'], ['blpop', 'l', '1e100'],
    ['blpop', 'l', ' 1'], ['blpop', 'l', ''], ['blpop', 'l', 'nan'], ['blpop', 'l', '1e5000'], ['blpop', 'l', '-0.0001x'], ['blpop', 'l'],
    ['rpush', 'm', '1', '2'], ['set', 's', 'v'], ['blpop', 's', 'm', '0'], ['blpop', 'none', 's', '0'], ['brpop', 'm', 's', '0'],
    ['blmove', 'none', 'd', 'left', 'right', '0.01'], ['rpush', 'src', 'x', 'y'], ['blmove', 'src', 'd', 'left', 'right', '0'],
    ['blmove', 'src', 'd', 'left', 'middle', '0'], ['blmove', 'src', 'd', 'left', 'right', 'x'], ['blmove', 'src', 's', 'left', 'right', '0'],
    ['blmove', 's', 'd', 'left', 'right', '0'], ['brpoplpush', 'src', 'd', '0'], ['brpoplpush', 'src', 'd', '0.01'], ['brpoplpush', 'src', 'd', '-1'],
    ['lrange', 'd', '0', '-1'], ['blmpop', '0.01', '2', 'a', 'b', 'left'], ['rpush', 'b', '1', '2', '3'], ['blmpop', '0', '2', 'a', 'b', 'right', 'count', '2'],
    ['blmpop', '0', '2', 'a', 'b', 'left'], ['blmpop', 'x', '1', 'b', 'left'], ['blmpop', '-1', '1', 'b', 'left'], ['blmpop', 'x', '0', 'b', 'left'],
    ['blmpop', 'x', '1', 'b', 'middle'], ['blmpop', 'x', '1', 'b', 'left', 'count', '0'], ['blmpop', '0', '1', 's', 'left'], ['blmpop', '0', '1', 'b'],
  ],
  'blocking commands inside MULTI': [
    ['multi'], ['blpop', 'none', '0'], ['brpop', 'none', '0'], ['blmove', 'none', 'd', 'left', 'left', '0'], ['brpoplpush', 'none', 'd', '0'],
    ['blmpop', '0', '1', 'none', 'left'], ['rpush', 'l', 'a'], ['blpop', 'l', '0'], ['blpop', 'l', '0'], ['blpop', 'l', 'x'], ['exec'],
    ['multi'], ['blpop', 'l'], ['exec'],
  ],
  'RESP3 null replies': [
    ['hello', '3'], ['lpop', 'none'], ['lpop', 'none', '1'], ['lpos', 'none', 'a'], ['lmpop', '1', 'none', 'left'], ['blpop', 'none', '0.01'],
    ['lindex', 'none', '0'], ['lmove', 'none', 'x', 'left', 'left'], ['multi'], ['blpop', 'none', '0'], ['blmove', 'none', 'd', 'left', 'left', '0'],
    ['exec'], ['rpush', 'l', 'a', 'b'], ['lmpop', '1', 'l', 'left', 'count', '5'], ['hello', '2'],
  ],
  'lists with expiry, type and deletes': [
    ['rpush', 'l', 'a', 'b'], ['expire', 'l', '100'], ['ttl', 'l'], ['lpop', 'l'], ['ttl', 'l'], ['lpop', 'l'], ['ttl', 'l'], ['rpush', 'l', 'c'],
    ['ttl', 'l'], ['type', 'l'], ['del', 'l'], ['type', 'l'], ['rpush', 'l', 'x'], ['expire', 'l', '-1'],
    ['llen', 'l'], ['rpush', 'l', 'y'], ['lrange', 'l', '0', '-1'], ['ttl', 'l'], ['rename', 'l', 'm'], ['lrange', 'm', '0', '-1'],
    ['set', 'm', 'str'], ['type', 'm'], ['rpush', 'm', 'x'], ['dbsize'],
  ],
};

/** HELLO's server description differs; everything else is compared byte for byte. */
const normalise: Normaliser = (command, reply) => {
  const name = String(command[0]).toLowerCase();
  if (name === 'hello') return 'hello';
  return reply.toString('latin1');
};

/** A random list workload over a few keys (one of them may hold a string) so commands collide. */
export function randomListCommands(seed: number, count: number): Command[] {
  const random = prng(seed);
  const keys = ['l1', 'l2', 'l3', 'str'];
  const values = ['a', 'b', 'c', '', 'hello', '1'];
  const ints = ['0', '1', '2', '-1', '-2', '3', '10', '-10', 'x'];
  const key = (): string => pick(random, keys);
  const value = (): string => pick(random, values);
  const int = (): string => pick(random, ints);
  const end = (): string => pick(random, ['left', 'right', 'LEFT', 'Right']);
  const many = (): string[] => Array.from({ length: 1 + Math.floor(random() * 4) }, value);
  const makers: (() => Command)[] = [
    () => ['lpush', key(), ...many()], () => ['rpush', key(), ...many()], () => ['rpush', key(), ...many()],
    () => ['lpushx', key(), ...many()], () => ['rpushx', key(), value()],
    () => ['lpop', key()], () => ['rpop', key()], () => ['lpop', key(), int()], () => ['rpop', key(), int()],
    () => ['llen', key()], () => ['lrange', key(), int(), int()], () => ['lindex', key(), int()], () => ['lset', key(), int(), value()],
    () => ['linsert', key(), pick(random, ['before', 'after', 'BEFORE', 'x']), value(), value()], () => ['lrem', key(), int(), value()],
    () => ['ltrim', key(), int(), int()], () => ['lpos', key(), value()],
    () => ['lpos', key(), value(), 'rank', pick(random, ['1', '2', '-1', '-2', '0']), 'count', pick(random, ['0', '1', '2'])],
    () => ['lpos', key(), value(), 'maxlen', pick(random, ['0', '1', '3']), 'count', '0'],
    () => ['lmove', key(), key(), end(), end()], () => ['rpoplpush', key(), key()],
    () => ['lmpop', '2', key(), key(), end(), ...(random() < 0.5 ? ['count', pick(random, ['1', '3', '0'])] : [])],
    () => ['blpop', key(), key(), '0.01'], () => ['brpop', key(), '0.01'], () => ['blmove', key(), key(), end(), end(), '0.01'],
    () => ['brpoplpush', key(), key(), '0.01'], () => ['blmpop', '0.01', '2', key(), key(), end(), 'count', '2'],
    () => ['set', 'str', value()], () => ['del', key()], () => ['exists', key()], () => ['type', key()],
    // A TTL must go with a list emptied by pops (PERSIST answers 0 then).
    () => ['expire', key(), '1000'], () => ['persist', key()],
  ];
  const commands: Command[] = [];
  while (commands.length < count) {
    // Now and then a transaction: its effects apply together, blocking commands in it answer at once.
    if (random() < 0.03) commands.push(['multi'], pick(random, makers)(), pick(random, makers)(), ['exec']);
    else commands.push(pick(random, makers)());
  }
  return commands;
}

/**
 * Long lists (hundreds of elements, spanning many tree leaves) under index and value
 * operations anywhere: LINDEX/LSET/LINSERT/LRANGE/LREM/LTRIM/LPOS across leaf boundaries.
 */
export function randomLongListCommands(seed: number, count: number): Command[] {
  const random = prng(seed);
  const keys = ['big1', 'big2'];
  const key = (): string => pick(random, keys);
  const value = (): string => `v${Math.floor(random() * 40)}`;
  const index = (): string => String(Math.floor(random() * 700) - 350);
  const batch = (): string[] => Array.from({ length: 50 + Math.floor(random() * 100) }, value);
  const makers: (() => Command)[] = [
    () => ['rpush', key(), ...batch()], () => ['lpush', key(), ...batch()], () => ['llen', key()],
    () => ['lindex', key(), index()], () => ['lindex', key(), index()], () => ['lset', key(), index(), value()],
    () => ['linsert', key(), pick(random, ['before', 'after']), value(), value()], () => ['lrange', key(), index(), index()],
    () => ['lrange', key(), '0', '-1'], () => ['lrem', key(), pick(random, ['0', '1', '-2', '3']), value()],
    () => ['ltrim', key(), String(Math.floor(random() * 20)), String(-1 - Math.floor(random() * 20))],
    () => ['lpos', key(), value(), 'rank', pick(random, ['1', '3', '-1', '-4']), 'count', pick(random, ['0', '2']), 'maxlen', pick(random, ['0', '100'])],
    () => ['lpop', key(), pick(random, ['1', '30'])], () => ['rpop', key(), pick(random, ['1', '30'])],
    () => ['lmove', key(), key(), pick(random, ['left', 'right']), pick(random, ['left', 'right'])],
  ];
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) commands.push(pick(random, makers)());
  return commands;
}

describe('differential: lists against a real redis-server', function () {
  this.timeout(300000);
  const servers = useRedisAndSidecar();

  for (const [name, commands] of Object.entries(CASES)) {
    it(`matches Redis reply for reply: ${name}`, async () => {
      await assertSameReplies(servers.redis, servers.ours, commands, normalise);
    });
  }

  for (const seed of [11, 12, 13, 14, 15]) {
    it(`matches Redis on 1000 random list commands (seed ${seed})`, async () => {
      await assertSameReplies(servers.redis, servers.ours, randomListCommands(seed, 1000), normalise);
    });
  }

  for (const seed of [21, 22]) {
    it(`matches Redis on 500 random commands over long lists (seed ${seed})`, async () => {
      await assertSameReplies(servers.redis, servers.ours, randomLongListCommands(seed, 500), normalise);
    });
  }

  it('matches Redis on 1000 random list commands in RESP3 (seed 16)', async () => {
    await assertSameReplies(servers.redis, servers.ours, [['hello', '3'], ...randomListCommands(16, 1000), ['hello', '2']], normalise);
  });
});
