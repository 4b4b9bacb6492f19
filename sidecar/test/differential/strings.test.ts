import { assertSameReplies, pick, prng, type Command, type Normaliser } from '../support/differential.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';

const FAR = String(Math.floor(Date.now() / 1000) + 86400 * 365);

/** Hand-written sequences: each covers one command's options, edge cases and errors. */
const CASES: Record<string, Command[]> = {
  'GET/SET basics and options': [
    ['get', 'k'], ['set', 'k', 'v'], ['get', 'k'], ['set', 'k', 'w', 'nx'], ['set', 'k', 'w', 'xx'], ['get', 'k'],
    ['set', 'n', 'v', 'xx'], ['set', 'n', 'v', 'nx', 'get'], ['set', 'n', 'x', 'get'], ['set', 'k', 'v', 'nx', 'xx'],
    ['set', 'k', 'v', 'ex', '10', 'px', '100'], ['set', 'k', 'v', 'ex', '0'], ['set', 'k', 'v', 'ex', '-5'], ['set', 'k', 'v', 'ex', 'abc'],
    ['set', 'k', 'v', 'keepttl', 'ex', '10'], ['set', 'k', 'v', 'ex', '1000'], ['ttl', 'k'], ['set', 'k', 'v2', 'keepttl'], ['ttl', 'k'],
    ['set', 'k', 'v3'], ['ttl', 'k'], ['set', 'k', 'v', 'exat', FAR], ['expiretime', 'k'], ['set', 'k', 'v', 'pxat', `${FAR}000`], ['pexpiretime', 'k'],
    ['set', 'k', 'v', 'ex', '9223372036854775807'], ['set', 'k', 'v', 'bogus'], ['set', 'k'], ['get'], ['get', 'a', 'b'],
    ['set', 'bin', Buffer.from([0, 1, 2, 255, 13, 10])], ['get', 'bin'], ['strlen', 'bin'],
  ],
  'counters': [
    ['incr', 'c'], ['incrby', 'c', '10'], ['decr', 'c'], ['decrby', 'c', '-5'], ['get', 'c'], ['incrby', 'c', 'x'], ['incrby', 'c', '1.5'],
    ['set', 'c', '9223372036854775806'], ['incr', 'c'], ['incr', 'c'], ['set', 'c', '-9223372036854775808'], ['decr', 'c'],
    ['decrby', 'c', '-9223372036854775808'], ['set', 's', 'abc'], ['incr', 's'], ['set', 's', ' 1'], ['incr', 's'], ['set', 's', '007'], ['incr', 's'],
    ['set', 's', '+5'], ['incr', 's'], ['set', 's', '-0'], ['incr', 's'], ['incrby', 'c2', '9223372036854775807'], ['incrby', 'c2', '1'],
    ['incrbyfloat', 'f', '0.1'], ['incrbyfloat', 'f', '0.2'], ['get', 'f'], ['incrbyfloat', 'f', '1e3'], ['incrbyfloat', 'f', '-1000.3'],
    ['incrbyfloat', 'f', 'abc'], ['incrbyfloat', 'f', 'inf'], ['incrbyfloat', 'f', ' 1'], ['set', 'f', '10'], ['incrbyfloat', 'f', '5.0e3'],
    ['incrbyfloat', 'f', '1.5'], ['incr', 'f'], ['set', 'f', '3'], ['incrbyfloat', 'f', '1.5'], ['incrbyfloat', 'f', '-4.5'], ['get', 'f'],
    ['set', 'f', '1.1'], ['incrbyfloat', 'f', '2.2'], ['incrbyfloat', 'g', '3.0000000000000000000001'], ['incrbyfloat', 'h', '123456789.123456789'],
  ],
  'hexadecimal floats (strtold)': [
    ['incrbyfloat', 'x', '0x10'], ['incrbyfloat', 'x', '0x1p-2'], ['incrbyfloat', 'x', '-0X.8P1'], ['incrbyfloat', 'x', '0x1.8'], ['get', 'x'],
    ['set', 'y', '0x10'], ['incrbyfloat', 'y', '1'], ['incrbyfloat', 'x', '0x'], ['incrbyfloat', 'x', '0xp1'], ['incrbyfloat', 'x', '0x1p'],
    ['incrbyfloat', 'x', '0x1p99999'], ['incrbyfloat', 'x', '0x1p-99999'], ['incrbyfloat', 'x', '0xffffffffffffffffff'], ['incrbyfloat', 'x', '0x1g'],
    ['incrbyfloat', 'x', '0x123456789abcdef.123p4'], ['incrbyfloat', 'z', '0x1p16383'], ['incrbyfloat', 'z', '0x1p16384'], ['incr', 'y'],
  ],
  'string editing': [
    ['append', 'a', 'hello'], ['append', 'a', ' world'], ['get', 'a'], ['strlen', 'a'], ['strlen', 'none'],
    ['getrange', 'a', '0', '4'], ['getrange', 'a', '-5', '-1'], ['getrange', 'a', '-1', '-5'], ['getrange', 'a', '5', '100'], ['getrange', 'a', '100', '200'],
    ['getrange', 'none', '0', '1'], ['getrange', 'a', 'x', '1'], ['setrange', 'a', '6', 'WORLD'], ['get', 'a'], ['setrange', 'a', '20', 'pad'], ['get', 'a'],
    ['setrange', 'b', '0', ''], ['exists', 'b'], ['setrange', 'a', '-1', 'x'], ['setrange', 'a', '536870912', 'x'], ['setrange', 'a', 'x', 'y'],
    ['setrange', 'c', '3', 'xy'], ['get', 'c'],
  ],
  'multi-key and get-and-modify': [
    ['mset', 'a', '1', 'b', '2', 'c', '3'], ['mget', 'a', 'b', 'c', 'd'], ['mset', 'a'], ['mset', 'a', '1', 'b'], ['msetnx', 'x', '1', 'a', '9'],
    ['msetnx', 'x', '1', 'y', '2'], ['mget', 'x', 'y', 'a'], ['mset', 'k', 'v1', 'k', 'v2'], ['get', 'k'],
    ['getset', 'a', 'new'], ['getset', 'zz', 'v'], ['getdel', 'a'], ['getdel', 'a'], ['setnx', 'a', 'x'], ['setnx', 'a', 'y'], ['get', 'a'],
    ['setex', 'e', '100', 'v'], ['ttl', 'e'], ['setex', 'e', '0', 'v'], ['setex', 'e', 'x', 'v'], ['psetex', 'p', '100000', 'v'], ['psetex', 'p', '-1', 'v'],
    ['getex', 'e'], ['getex', 'e', 'persist'], ['ttl', 'e'], ['getex', 'e', 'ex', '50'], ['ttl', 'e'], ['getex', 'e', 'ex', '0'], ['getex', 'e', 'foo'],
    ['getex', 'e', 'exat', FAR], ['expiretime', 'e'], ['getex', 'missing', 'ex', '10'], ['getex', 'e', 'px', '10', 'ex', '10'],
  ],
  'keys, expiry and renames': [
    ['set', 'a', '1'], ['set', 'b', '2'], ['del', 'a', 'b', 'c'], ['exists', 'a'], ['set', 'a', '1'], ['exists', 'a', 'a', 'z'], ['type', 'a'], ['type', 'z'],
    ['expire', 'a', '100'], ['ttl', 'a'], ['expire', 'a', '200', 'nx'], ['expire', 'a', '200', 'xx'], ['ttl', 'a'], ['expire', 'a', '100', 'gt'],
    ['expire', 'a', '300', 'gt'], ['ttl', 'a'], ['expire', 'a', '400', 'lt'], ['expire', 'a', '50', 'lt'], ['ttl', 'a'], ['expire', 'a', '10', 'nx', 'xx'],
    ['expire', 'a', '10', 'gt', 'lt'], ['expire', 'a', '10', 'foo'], ['expire', 'a', 'x'], ['expire', 'missing', '10'], ['persist', 'a'], ['ttl', 'a'], ['persist', 'a'],
    ['expireat', 'a', FAR], ['expiretime', 'a'], ['pexpireat', 'a', `${FAR}123`], ['pexpiretime', 'a'], ['expiretime', 'missing'], ['pttl', 'missing'],
    ['expire', 'a', '-1'], ['exists', 'a'], ['set', 'a', 'v'], ['expire', 'a', '9223372036854775807'], ['pexpire', 'a', '9223372036854775807'],
    ['set', 'x', 'v', 'ex', '100'], ['rename', 'x', 'y'], ['get', 'x'], ['ttl', 'y'], ['rename', 'nope', 'y'], ['rename', 'y', 'y'], ['set', 'z', 'zz'],
    ['renamenx', 'y', 'z'], ['renamenx', 'y', 'w'], ['get', 'w'], ['touch', 'w', 'z', 'q'], ['unlink', 'w', 'z'], ['dbsize'],
  ],
  'errors and arity': [
    ['nosuchcommand'], ['nosuchcommand', 'a', 'b'], ['GET'], ['get', 'a', 'b'], ['incr'], ['mget'], ['del'], ['expire', 'a'], ['append', 'a'],
    ['set', 'l', 'v'], ['getrange', 'l', '0'], ['SeT', 'Mixed', 'Case'], ['gEt', 'Mixed'],
  ],
};

/** TTL-like replies drift by milliseconds between two servers: compare them coarsely. */
const normalise: Normaliser = (command, reply) => {
  const name = String(command[0]).toLowerCase();
  const text = reply.toString('latin1');
  if (name === 'pttl' && /^:\d+\r\n$/.test(text)) return Number(text.slice(1)) > 0 ? ':positive' : text;
  if (name === 'keys') return text.split('\r\n').sort().join('|');
  return text;
};

/** Random string/key workload over a few keys so commands collide often. */
function randomCommands(seed: number, count: number): Command[] {
  const random = prng(seed);
  const keys = ['k1', 'k2', 'k3', 'num', 'flt'];
  const numbers = ['0', '1', '-1', '7', '100', '-250', '9223372036854775807', 'x', '3.5'];
  const floats = ['0.1', '0.25', '-1.5', '10', '2.5e2', '-0.75', 'abc'];
  const values = ['', 'a', 'hello', '12', '-3', '1.5', 'x y'];
  const makers: (() => Command)[] = [
    () => ['set', pick(random, keys), pick(random, values)],
    () => ['set', pick(random, keys), pick(random, values), pick(random, ['nx', 'xx', 'get', 'keepttl'])],
    () => ['set', pick(random, keys), pick(random, values), 'ex', pick(random, ['1000', '2000', '0', 'x'])],
    () => ['get', pick(random, keys)],
    () => ['incr', pick(random, keys)],
    () => ['incrby', pick(random, keys), pick(random, numbers)],
    () => ['decrby', pick(random, keys), pick(random, numbers)],
    () => ['incrbyfloat', pick(random, keys), pick(random, floats)],
    () => ['append', pick(random, keys), pick(random, values)],
    () => ['strlen', pick(random, keys)],
    () => ['getrange', pick(random, keys), pick(random, numbers), pick(random, numbers)],
    () => ['setrange', pick(random, keys), pick(random, ['0', '1', '5', '-1']), pick(random, values)],
    () => ['mset', pick(random, keys), pick(random, values), pick(random, keys), pick(random, values)],
    () => ['mget', pick(random, keys), pick(random, keys), pick(random, keys)],
    () => ['msetnx', pick(random, keys), pick(random, values), pick(random, keys), pick(random, values)],
    () => ['getset', pick(random, keys), pick(random, values)],
    () => ['getdel', pick(random, keys)],
    () => ['setnx', pick(random, keys), pick(random, values)],
    () => ['del', pick(random, keys), pick(random, keys)],
    () => ['exists', pick(random, keys), pick(random, keys)],
    () => ['type', pick(random, keys)],
    // Relative EXPIRE only with NX/XX: GT/LT compare two times taken a millisecond or so apart on each
    // server, so they go to EXPIREAT with absolute times, where the comparison is deterministic.
    () => ['expire', pick(random, keys), pick(random, ['1000', '3000', '-1']), ...(random() < 0.5 ? [pick(random, ['nx', 'xx'])] : [])],
    () => ['expireat', pick(random, keys), pick(random, [FAR, String(Number(FAR) + 100)]), ...(random() < 0.5 ? [pick(random, ['nx', 'xx', 'gt', 'lt'])] : [])],
    () => ['ttl', pick(random, keys)],
    () => ['persist', pick(random, keys)],
    () => ['rename', pick(random, keys), pick(random, keys)],
    () => ['renamenx', pick(random, keys), pick(random, keys)],
    () => ['getex', pick(random, keys), ...(random() < 0.5 ? ['persist'] : ['ex', pick(random, ['1000', '0'])])],
    () => ['dbsize'],
  ];
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) commands.push(pick(random, makers)());
  return commands;
}

describe('differential: strings and keys against a real redis-server', function () {
  this.timeout(120000);
  const servers = useRedisAndSidecar();

  for (const [name, commands] of Object.entries(CASES)) {
    it(`matches Redis reply for reply: ${name}`, async () => {
      await assertSameReplies(servers.redis, servers.ours, commands, normalise);
    });
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches Redis on 1000 random string/key commands (seed ${seed})`, async () => {
      await assertSameReplies(servers.redis, servers.ours, randomCommands(seed, 1000), normalise);
    });
  }
});
