import assert from 'node:assert/strict';
import { pick, prng, type Command } from '../support/differential.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';
import { RawClient } from '../support/raw-client.js';
import { encodeCommand } from '../support/resp-frame.js';
import { RawStream } from '../support/raw-stream.js';

/**
 * CLIENT REPLY ON|OFF|SKIP against a real redis-server 7.0, byte for byte over TCP. Some
 * commands get no reply, so replies cannot be counted: each case is read as one byte
 * stream, ended by RESET (replies back on, pub/sub left) and a PING whose reply always
 * comes. Each case runs twice: all commands in one write, and one command per write (so
 * the state carries across read events).
 *
 * What Redis 7.0.15 does, as these cases pin down: OFF and SKIP drop error replies too;
 * pub/sub pushes (subscribe and unsubscribe confirmations, messages) are still sent; a
 * blocked command's reply is dropped when it comes. Where the sidecar differs on purpose
 * (OFF or SKIP inside MULTI, QUIT and protocol errors while OFF) the last tests say what
 * it does instead.
 */

const END = 'end-of-case';
const TERMINATOR: Command[] = [['reset'], ['ping', END]];
const TERMINATOR_REPLY = Buffer.from(`$${END.length}\r\n${END}\r\n`, 'latin1');

/** HELLO's `id` differs between servers. */
const normalise = (bytes: Buffer): string => bytes.toString('latin1').replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:N\r\n');

const CASES: Record<string, Command[]> = {
  'ON answers OK; OFF silences every later reply until ON': [
    ['client', 'reply', 'on'], ['client', 'reply', 'off'], ['ping'], ['set', 'k', 'v'], ['get', 'k'], ['client', 'reply', 'off'],
    ['client', 'reply', 'on'], ['get', 'k'], ['client', 'reply', 'on'],
  ],
  'SKIP silences itself and the next reply only': [
    ['client', 'reply', 'skip'], ['ping', 'a'], ['ping', 'b'], ['client', 'reply', 'skip'], ['set', 'k', 'v'], ['get', 'k'],
  ],
  'SKIP then SKIP, SKIP then ON, SKIP then OFF': [
    ['client', 'reply', 'skip'], ['client', 'reply', 'skip'], ['ping', 'a'], ['ping', 'b'],
    ['client', 'reply', 'skip'], ['client', 'reply', 'on'], ['ping', 'c'],
    ['client', 'reply', 'skip'], ['client', 'reply', 'off'], ['ping', 'd'], ['client', 'reply', 'on'], ['ping', 'e'],
  ],
  'SKIP while OFF is ignored': [
    ['client', 'reply', 'off'], ['client', 'reply', 'skip'], ['ping', 'a'], ['client', 'reply', 'on'], ['ping', 'b'], ['ping', 'c'],
  ],
  'arguments are case-insensitive': [
    ['CLIENT', 'REPLY', 'Skip'], ['ping', 'a'], ['client', 'REPLY', 'OFF'], ['ping', 'b'], ['Client', 'reply', 'On'], ['ping', 'c'],
  ],
  'bad arguments: syntax and arity errors': [
    ['client', 'reply', 'bogus'], ['client', 'reply'], ['client', 'reply', 'on', 'x'], ['client', 'reply', 'on '], ['client', 'reply', ''],
    ['client', 'reply', 'ON'],
  ],
  'errors are silenced while OFF': [
    ['set', 's', 'abc'], ['client', 'reply', 'off'], ['nosuchcommand'], ['get'], ['incr', 's'], ['client', 'reply', 'bogus'],
    ['client', 'reply'], ['client', 'nosuchsub'], ['client', 'reply', 'on'], ['incr', 's'], ['client', 'reply', 'bogus'],
  ],
  'errors are silenced by SKIP': [
    ['client', 'reply', 'skip'], ['nosuchcommand'], ['ping', 'a'], ['client', 'reply', 'skip'], ['client', 'reply', 'bogus'], ['ping', 'b'],
    ['client', 'reply', 'skip'], ['get'], ['ping', 'c'],
  ],
  // Inside MULTI, CLIENT REPLY is queued; the last describe block covers that case.
  'SKIP and OFF before a transaction': [
    ['client', 'reply', 'skip'], ['multi'], ['ping', 'a'], ['exec'], ['ping', 'b'], ['client', 'reply', 'off'], ['multi'], ['set', 'k', 'v'],
    ['nosuch'], ['exec'], ['multi'], ['set', 'k', 'w'], ['exec'], ['client', 'reply', 'on'], ['get', 'k'],
  ],
  'RESET turns OFF back on; after SKIP its own reply is dropped': [
    ['client', 'reply', 'off'], ['reset'], ['ping', 'a'], ['client', 'reply', 'skip'], ['reset'], ['ping', 'b'],
  ],
  'RESP3: pushes are sent while OFF, replies are not': [
    ['hello', '3'], ['client', 'reply', 'off'], ['subscribe', 'ch', 'other'], ['publish', 'ch', 'one'], ['psubscribe', 'c*'],
    ['publish', 'ch', 'two'], ['ping'], ['get', 'k'], ['unsubscribe', 'other', 'ch'], ['punsubscribe', 'c*'], ['punsubscribe'], ['unsubscribe'], ['hello', '3'],
    ['client', 'reply', 'on'], ['ping'],
  ],
  'RESP3: SKIP before PUBLISH to oneself drops the count, not the message': [
    ['hello', '3'], ['subscribe', 'ch'], ['client', 'reply', 'skip'], ['publish', 'ch', 'm'], ['publish', 'ch', 'n'],
  ],
  'RESP2: subscription confirmations while OFF; subscribed PING and refused commands are silenced': [
    ['client', 'reply', 'off'], ['subscribe', 'a', 'b'], ['ping'], ['ping', 'x'], ['client', 'reply', 'on'], ['get', 'k'],
    ['unsubscribe', 'a'], ['psubscribe', 'p*'], ['punsubscribe'], ['unsubscribe'], ['unsubscribe'],
  ],
  'RESP2: SKIP before a multi-channel SUBSCRIBE drops nothing; the next reply is sent': [
    ['client', 'reply', 'skip'], ['subscribe', 'a', 'b', 'c'], ['ping'], ['unsubscribe', 'c', 'a', 'b'],
  ],
};

/** A long pipeline of CLIENT REPLY modes mixed with replies, errors and bad arguments. */
function randomCase(seed: number, length: number): Command[] {
  const random = prng(seed);
  const commands: Command[] = [];
  for (let i = 0; i < length; i++) {
    commands.push(pick(random, [
      ['client', 'reply', 'on'], ['client', 'reply', 'off'], ['client', 'reply', 'skip'], ['client', 'reply', 'skip'],
      ['client', 'reply', pick(random, ['maybe', 'of', 'Skip', 'ON'])], ['client', 'reply'],
      ['ping', `p${i}`], ['set', 'k', `v${i}`], ['get', 'k'], ['incr', 'n'], ['incr', 'k'], ['nosuch', `${i}`],
    ] satisfies Command[]));
  }
  return commands;
}

async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `commands` (then the terminator) and returns the whole byte stream of replies. */
async function exchange(port: number, commands: readonly Command[], oneWrite: boolean): Promise<Buffer> {
  const stream = await RawStream.connect(port);
  try {
    if (oneWrite) {
      stream.send([...commands, ...TERMINATOR]);
    } else {
      for (const command of [...commands, ...TERMINATOR]) {
        stream.send([command]);
        // A pause, so that each command most likely arrives in its own read event.
        await pause(2);
      }
    }
    return (await stream.readUntil(TERMINATOR_REPLY)).bytes;
  } finally {
    stream.close();
  }
}

describe('differential: CLIENT REPLY against a real redis-server', function () {
  this.timeout(60000);
  const servers = useRedisAndSidecar();

  async function flushBoth(): Promise<void> {
    await servers.redis.call(['flushall']);
    await servers.ours.call(['flushall']);
  }

  async function assertSameStream(commands: readonly Command[], oneWrite: boolean): Promise<void> {
    await flushBoth();
    const want = normalise(await exchange(servers.redisServer.port, commands, oneWrite));
    await flushBoth();
    const got = normalise(await exchange(servers.sidecar.resp.port, commands, oneWrite));
    assert.equal(got, want);
  }

  for (const [name, commands] of Object.entries(CASES)) {
    it(`${name} (one write)`, () => assertSameStream(commands, true));
    it(`${name} (one command per write)`, () => assertSameStream(commands, false));
  }

  for (const seed of [1, 2, 3]) {
    it(`a random pipeline of 300 commands mixing ON, OFF, SKIP and errors (seed ${seed})`, () => assertSameStream(randomCase(seed, 300), true));
  }

  it('COMMAND INFO client|reply is the same', async () => {
    const command: Command = ['command', 'info', 'client|reply'];
    const [want, got] = await Promise.all([servers.redis.call(command), servers.ours.call(command)]);
    assert.equal(got.toString('latin1'), want.toString('latin1'));
  });

  /** The subscriber's whole stream after another client publishes to it. */
  async function subscriberStream(port: number, protocol: '2' | '3'): Promise<string> {
    const subscriber = await RawStream.connect(port);
    const publisher = await RawClient.connect(port);
    try {
      subscriber.send([['hello', protocol], ['client', 'reply', 'off'], ['subscribe', 'ch'], ['psubscribe', 'c*']]);
      // The confirmations are pushes, so they come even though replies are OFF; the last
      // one (psubscribe c*, count 2) ends the same in RESP2 and RESP3.
      await subscriber.readUntil(Buffer.from('$2\r\nc*\r\n:2\r\n', 'latin1'));
      await publisher.call(['publish', 'ch', 'hello']);
      subscriber.send(TERMINATOR);
      return normalise((await subscriber.readUntil(TERMINATOR_REPLY)).bytes);
    } finally {
      subscriber.close();
      publisher.close();
    }
  }

  for (const protocol of ['2', '3'] as const) {
    it(`RESP${protocol}: a subscriber with replies OFF still gets messages from other clients`, async () => {
      assert.equal(await subscriberStream(servers.sidecar.resp.port, protocol), await subscriberStream(servers.redisServer.port, protocol));
    });
  }

  /** SKIP, then BLPOP blocks: its reply, when another client's RPUSH wakes it, is dropped. */
  async function blockedStream(port: number): Promise<string> {
    const blocked = await RawStream.connect(port);
    const pusher = await RawClient.connect(port);
    try {
      await pusher.call(['del', 'bl']);
      blocked.send([['client', 'reply', 'skip'], ['blpop', 'bl', '0']]);
      // Wait until BLPOP is blocked, so the reply really comes through the unblock path.
      while (!(await pusher.call(['client', 'list'])).toString('latin1').includes('cmd=blpop')) await pause(5);
      await pusher.call(['rpush', 'bl', 'x']);
      blocked.send([['ping', 'after'], ['client', 'reply', 'skip'], ['blpop', 'bl', '0.05'], ['ping', 'timed-out'], ...TERMINATOR]);
      return normalise((await blocked.readUntil(TERMINATOR_REPLY)).bytes);
    } finally {
      blocked.close();
      pusher.close();
    }
  }

  it('SKIP drops the reply of a blocked command when it is woken or times out', async () => {
    assert.equal(await blockedStream(servers.sidecar.resp.port), await blockedStream(servers.redisServer.port));
  });

  describe('where the sidecar differs from Redis on purpose', () => {
    it('OFF or SKIP queued in MULTI drops the whole EXEC reply (Redis sends an array header that miscounts)', async () => {
      const bytes = await exchange(servers.sidecar.resp.port, [
        ['multi'], ['client', 'reply', 'off'], ['ping', 'a'], ['exec'], ['client', 'reply', 'on'],
        ['multi'], ['client', 'reply', 'skip'], ['ping', 'b'], ['exec'], ['ping', 'skipped'], ['ping', 'c'],
      ], true);
      assert.equal(bytes.toString('latin1'), `+OK\r\n+QUEUED\r\n+QUEUED\r\n+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n$1\r\nc\r\n+RESET\r\n${TERMINATOR_REPLY.toString('latin1')}`);
    });

    const closers: [string, Buffer][] = [
      ['QUIT', encodeCommand(['quit'])],
      // An invalid bulk length: Redis's "Protocol error: invalid bulk length".
      ['a protocol error', Buffer.from('*1\r\n$x\r\n', 'latin1')],
    ];
    for (const [name, request] of closers) {
      it(`${name} while OFF closes the connection without a reply (Redis keeps it open)`, async () => {
        const stream = await RawStream.connect(servers.sidecar.resp.port);
        try {
          stream.send([['client', 'reply', 'off']]);
          stream.sendRaw(request);
          const { bytes, closed } = await stream.readUntil(undefined);
          assert.equal(closed, true);
          assert.equal(bytes.length, 0);
        } finally {
          stream.close();
        }
      });
    }
  });
});
