import assert from 'node:assert/strict';
import { assertSameReplies, type Command, type Normaliser } from '../support/differential.js';
import { encodeCommand } from '../support/resp-frame.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';

/**
 * Connection, server, transaction and pub/sub commands against a real redis-server 7.0,
 * byte for byte, over TCP. Only deterministic replies are compared; where a reply holds
 * a per-server value (client id) it is normalised. Cases where the sidecar differs on
 * purpose (SELECT n, CONFIG values, CLIENT SETINFO) are covered by the unit tests.
 */

/** HELLO's `id` differs between servers. */
const normalise: Normaliser = (command, reply) => {
  const text = reply.toString('latin1');
  const name = String(command[0]).toLowerCase();
  if (name === 'hello' || (name === 'client' && String(command[1]).toLowerCase() === 'id')) return text.replace(/:\d+\r\n/g, ':N\r\n');
  return text;
};

const CASES: Record<string, Command[]> = {
  'PING ECHO SELECT': [
    ['ping'], ['ping', 'hi'], ['ping', 'a', 'b'], ['echo', 'x'], ['echo'], ['echo', Buffer.from([0, 255, 13, 10])],
    ['select', '0'], ['select', 'abc'], ['select', '-1'], ['select', '99999999999'], ['select', '99999999999999999999'], ['select'],
  ],
  'HELLO': [
    ['hello', '4'], ['hello', '1'], ['hello', 'abc'], ['hello', '3', 'setname'], ['hello', '3', 'setname', 'a', 'b'],
    ['hello', '3', 'AUTH', 'default'], ['hello', '3', 'auth', 'nobody', 'x'], ['hello', '3', 'setname', 'has space'],
    ['hello', '2'], ['hello', '3'], ['ping'], ['echo', 'x'], ['config', 'get', 'port-nosuch'], ['hello', '2'], ['hello'],
  ],
  'AUTH without a password': [
    ['auth', 'x'], ['auth', 'default', 'anything'], ['auth', 'someone', 'x'], ['auth', 'a', 'b', 'c'], ['auth'],
  ],
  'CLIENT': [
    ['client', 'getname'], ['client', 'setname', 'a b'], ['client', 'setname'], ['client', 'setname', 'me'], ['client', 'getname'],
    ['client', 'setname', ''], ['client', 'getname'], ['client', 'id'], ['client', 'nope'], ['client'],
    ['client', 'no-evict', 'on'], ['client', 'no-evict', 'maybe'], ['client', 'no-evict', 'off'], ['client', 'no-evict'],
    ['client', 'kill', '1.2.3.4:5'], ['client', 'kill', 'id', 'abc'], ['client', 'kill', 'id', '0'], ['client', 'kill', 'id', '99999'],
    ['client', 'kill', 'type', 'foo'], ['client', 'kill', 'user', 'bob'], ['client', 'kill', 'foo', 'bar'], ['client', 'kill', 'a', 'b', 'c'],
    ['client', 'kill', 'skipme', 'maybe'], ['client', 'kill', 'addr', '1.2.3.4:5'], ['client', 'kill', 'type', 'pubsub'],
    ['client', 'list', 'type', 'foo'], ['client', 'list', 'id', 'abc'], ['client', 'list', 'foo'], ['client', 'list', 'type', 'replica'],
    ['client', 'info', 'x'],
  ],
  'CONFIG errors': [
    ['config', 'set', 'foo', 'bar'], ['config', 'set', 'a', 'b', 'c'], ['config', 'set', 'port'], ['config', 'get'],
    ['config', 'get', 'nosuch'], ['config', 'get', 'maxmemory'], ['config', 'get', 'timeout'], ['config', 'get', 'notify-keyspace-events'],
    ['config', 'get', 'maxmemory-policy'], ['config', 'nope'], ['config'],
    ['config', 'help', 'x'], ['config', 'resetstat'],
  ],
  'COMMAND': [
    // EXEC is left out: Redis flags it skip_slowlog, which CommandFlag does not have yet.
    ['command', 'info', 'ping', 'echo', 'select', 'multi', 'discard', 'unwatch', 'subscribe', 'publish', 'nosuch'],
    ['command', 'info', 'flushall', 'flushdb', 'quit', 'reset', 'hello', 'auth'],
    ['command', 'getkeys'], ['command', 'getkeys', 'ping'], ['command', 'getkeys', 'nosuch', 'a'], ['command', 'getkeys', 'get', 'a', 'b'],
    ['command', 'getkeys', 'config', 'get', 'x'], ['command', 'getkeys', 'set', 'a', 'b'], ['command', 'getkeys', 'mset', 'a', '1', 'b', '2'],
    ['command', 'docs', 'nosuch'], ['command', 'list', 'x'], ['command', 'list', 'filterby', 'foo', 'x'],
    ['command', 'list', 'filterby', 'pattern'], ['command', 'list', 'filterby', 'aclcat', 'nosuch'], ['command', 'list', 'filterby', 'module', 'x'],
    ['command', 'count', 'x'], ['command', 'nope'],
  ],
  'MULTI / EXEC / DISCARD / WATCH': [
    ['exec'], ['discard'], ['watch'], ['unwatch'], ['multi'], ['multi'], ['watch', 'x'], ['set', 'k', 'v'], ['get', 'k'], ['ping'], ['exec'],
    ['multi'], ['nosuch'], ['set', 'k', 'v'], ['exec'], ['get', 'k'], ['multi'], ['get'], ['exec'],
    ['multi'], ['set', 'k', 'w'], ['discard'], ['get', 'k'], ['watch', 'k', 'j'], ['multi'], ['get', 'k'], ['exec'],
    ['multi'], ['flushall', 'foo'], ['flushall', 'async'], ['flushdb', 'sync'], ['set', 'a', '1'], ['exec'], ['dbsize'],
  ],
  'FLUSH and DBSIZE': [
    ['dbsize'], ['set', 'a', '1'], ['set', 'b', '2'], ['dbsize'], ['flushdb', 'foo'], ['flushall', 'x', 'y'], ['flushdb'], ['dbsize'],
    ['get', 'a'], ['set', 'a', '1'], ['flushall', 'SYNC'], ['dbsize'], ['dbsize', 'x'],
  ],
  'pub/sub in RESP2': [
    ['unsubscribe'], ['punsubscribe', 'x', 'y'], ['pubsub', 'numsub', 'a', 'b'], ['pubsub', 'channels'], ['pubsub', 'numpat'], ['pubsub'],
    ['pubsub', 'foo'], ['pubsub', 'channels', 'a', 'b'], ['pubsub', 'numpat', 'x'], ['publish', 'nobody', 'x'], ['publish', 'x'],
    ['subscribe', 'a'], ['ping'], ['ping', 'm'], ['get', 'x'], ['psubscribe', 'p*'], ['publish', 'a', 'x'], ['punsubscribe', 'p*'],
    ['unsubscribe', 'a'], ['get', 'x'], ['subscribe'],
  ],
  'pub/sub in RESP3': [
    ['hello', '3'], ['subscribe', 'a'], ['ping'], ['unsubscribe', 'a'], ['unsubscribe'], ['punsubscribe'], ['psubscribe', 'q*'],
    ['punsubscribe', 'q*'], ['hello', '2'],
  ],
  'RESP3 reply types': [
    ['hello', '3'], ['client', 'getname'], ['config', 'get', 'maxmemory'], ['config', 'get', 'nosuch'],
    ['command', 'info', 'echo', 'publish', 'watch', 'nosuch'], ['pubsub', 'numsub', 'a'], ['pubsub', 'channels'], ['dbsize'],
    ['multi'], ['ping'], ['exec'], ['select', '0'], ['reset'], ['client', 'getname'],
  ],
  'RESET': [['multi'], ['set', 'k', 'v'], ['reset'], ['exec'], ['get', 'k'], ['subscribe', 'a'], ['reset'], ['get', 'k'], ['client', 'getname']],
};

describe('differential: connection, server, transactions, pub/sub against a real redis-server', function () {
  this.timeout(60000);
  const servers = useRedisAndSidecar();

  it('counts error replies per error code like Redis (INFO errorstats, after CONFIG RESETSTAT)', async () => {
    await assertSameReplies(servers.redis, servers.ours, [
      ['config', 'resetstat'], ['set', 'str', 'v'], ['lpush', 'str', 'x'], ['incr', 'str'], ['nosuchcommand'], ['get'],
      ['hset', 'str', 'f', 'v'], ['expire', 'str', 'abc'], ['multi'], ['exec', 'x'], ['discard'], ['ping'],
      ['info', 'errorstats'], ['config', 'resetstat'], ['info', 'errorstats'],
    ]);
  });

  /**
   * Multi-channel (UN)SUBSCRIBE answers one reply per channel: pipelined with other
   * commands, every reply must arrive in Redis's order (RESP2 arrays, RESP3 pushes).
   */
  for (const protocol of ['2', '3']) {
    it(`orders pipelined multi-channel subscription replies like Redis (RESP${protocol})`, async () => {
      const commands: Command[] = [
        ['hello', protocol], ['subscribe', 'a', 'b', 'c'], ['ping'], ['psubscribe', 'x*', 'y*'], ['ping', 'm'],
        ['unsubscribe', 'c', 'b', 'nosuch'], ['punsubscribe', 'y*', 'x*'], ['unsubscribe', 'a'], ['ping'],
      ];
      const replies = 1 + 3 + 1 + 2 + 1 + 3 + 2 + 1 + 1;
      const bytes = Buffer.concat(commands.map((c) => encodeCommand(c)));
      const [want, got] = await Promise.all([servers.redis.sendRaw(bytes, replies), servers.ours.sendRaw(bytes, replies)]);
      const show = (all: Buffer[]): string[] => all.slice(1).map((reply) => reply.toString('latin1'));
      assert.deepEqual(show(got), show(want));
    });
  }

  for (const [name, commands] of Object.entries(CASES)) {
    it(`matches Redis reply for reply: ${name}`, async () => {
      await assertSameReplies(servers.redis, servers.ours, commands, normalise);
    });
  }
});
