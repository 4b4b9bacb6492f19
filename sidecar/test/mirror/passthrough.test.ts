import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { assertSameReplies, type Command } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { RedisServerProcess } from '../support/redis-server.js';
import { startSidecar } from '../support/sidecar.js';
import { MirrorServer, settled } from './harness.js';

/** Data written through the sidecar (so it reaches the mirror) and straight into the reference server. */
const DATA: Command[] = [
  ['SET', 'bits', 'foobar'], ['SET', 'n', '12345'], ['SET', 'big', 'x'.repeat(100)], ['SET', 'bin', '\x00\x01\xff'],
  ['SET', 'a1', 'ohmytext'], ['SET', 'a2', 'mynewtext'], ['SET', 'emb', 'short'],
];

/** Read-only commands the sidecar has no handler for: answered by the mirror, compared byte for byte with Redis. */
const READS: Command[] = [
  ['BITCOUNT', 'bits'], ['BITCOUNT', 'bits', '1', '1'], ['BITCOUNT', 'bits', '5', '30', 'BIT'], ['BITPOS', 'bits', '1'],
  ['BITPOS', 'bits', '0', '2', '-1'], ['GETBIT', 'bits', '7'], ['GETBIT', 'nokey', '100'], ['BITFIELD_RO', 'bits', 'GET', 'u8', '0'],
  ['LCS', 'a1', 'a2'], ['LCS', 'a1', 'a2', 'LEN'], ['LCS', 'a1', 'a2', 'IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN'],
  ['DUMP', 'n'], ['DUMP', 'bin'], ['DUMP', 'nokey'], ['OBJECT', 'ENCODING', 'n'], ['OBJECT', 'ENCODING', 'emb'], ['OBJECT', 'ENCODING', 'big'],
  ['OBJECT', 'ENCODING', 'nokey'], ['OBJECT', 'REFCOUNT', 'bits'], ['MEMORY', 'USAGE', 'big'], ['MEMORY', 'USAGE', 'nokey'],
  ['XRANGE', 'nostream', '-', '+'], ['XREVRANGE', 'nostream', '+', '-'], ['XLEN', 'nostream'], ['PFCOUNT', 'nohll'],
  ['GEOPOS', 'nogeo', 'm'], ['GEODIST', 'nogeo', 'a', 'b'], ['SORT_RO', 'nolist'], ['BITCOUNT'], ['GETBIT', 'bits', 'notanumber'],
];

/** Writes the sidecar does not implement: refused, never forwarded to the mirror. */
const WRITES: Command[] = [
  ['XADD', 'w:stream', '*', 'f', 'v'], ['PFADD', 'w:hll', 'a'], ['GEOADD', 'w:geo', '13.36', '38.11', 'p'],
  ['BITFIELD', 'w:bf', 'SET', 'u8', '0', '1'], ['SORT', 'nolist', 'STORE', 'w:sorted'], ['RESTORE', 'w:restored', '0', 'x'],
];

describe('mirror read passthrough', function () {
  this.timeout(120000);
  let reference: RedisServerProcess;
  let server: MirrorServer;
  let sidecar: Sidecar;
  let redis: RawClient;
  let client: RawClient;
  let mirror: Redis;

  before(async () => {
    reference = await RedisServerProcess.start();
    server = await MirrorServer.start();
    sidecar = await startSidecar(['--mirror', server.url]);
    redis = await RawClient.connect(reference.port);
    client = await RawClient.connect(sidecar.resp.port);
    mirror = server.client();
    await redis.pipeline(DATA);
    await client.pipeline(DATA);
    await settled(sidecar);
  });

  after(async () => {
    redis.close();
    client.close();
    mirror.disconnect();
    await sidecar.stop();
    await server.kill();
    await reference.stop();
  });

  it('relays read-only commands to the mirror, replies identical to redis-server (RESP2)', async () => {
    await assertSameReplies(redis, client, READS);
  });

  it('relays them in RESP3 too (the mirror answers in the client\'s protocol)', async () => {
    const r3 = await RawClient.connect(reference.port);
    const c3 = await RawClient.connect(sidecar.resp.port);
    await r3.call(['HELLO', '3']);
    await c3.call(['HELLO', '3']);
    await assertSameReplies(r3, c3, [...READS, ['LCS', 'a1', 'a2', 'IDX']]);
    r3.close();
    c3.close();
  });

  it('answers a pipelined read after the writes before it (read your writes)', async () => {
    const replies = await client.pipeline([['SET', 'ryw', 'a'], ['STRLEN', 'ryw'], ['BITCOUNT', 'ryw'], ['APPEND', 'ryw', 'bc'], ['BITCOUNT', 'ryw'], ['GET', 'ryw']]);
    assert.deepEqual(replies.map((r) => r.toString('latin1')), ['+OK\r\n', ':1\r\n', ':3\r\n', ':3\r\n', ':10\r\n', '$3\r\nabc\r\n']);
  });

  it('relays reads of collections written through the sidecar (SORT_RO, OBJECT, MEMORY, DUMP, GEO* on a sorted set of geohashes)', async () => {
    // A geo set is a sorted set whose scores are geohashes: the reference computes them,
    // the sidecar stores them with ZADD (GEOADD is a write it does not implement).
    await redis.pipeline([['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania']]);
    const scores = await Promise.all(['Palermo', 'Catania'].map(async (m) => (await redis.call(['ZSCORE', 'geo', m])).toString('latin1').split('\r\n')[1] ?? ''));
    const collections: Command[] = [
      ['RPUSH', 'list', '3', '1', '2', '10'], ['SADD', 'ints', '5', '1', '3'], ['SADD', 'words', 'b', 'a'], ['HSET', 'hash', 'f', 'value', 'g', 'x'],
      ['ZADD', 'zs', '1', 'a', '2', 'b'],
    ];
    await redis.pipeline(collections);
    await client.pipeline([...collections, ['ZADD', 'geo', scores[0] ?? '', 'Palermo', scores[1] ?? '', 'Catania']]);
    await settled(sidecar);
    await assertSameReplies(redis, client, [
      ['SORT_RO', 'list'], ['SORT_RO', 'list', 'DESC', 'LIMIT', '1', '2'], ['SORT_RO', 'words', 'ALPHA'], ['SORT_RO', 'ints'], ['SORT_RO', 'list', 'BY', 'nosort'],
      ['OBJECT', 'ENCODING', 'list'], ['OBJECT', 'ENCODING', 'ints'], ['OBJECT', 'ENCODING', 'words'], ['OBJECT', 'ENCODING', 'hash'], ['OBJECT', 'ENCODING', 'zs'],
      ['MEMORY', 'USAGE', 'list'], ['MEMORY', 'USAGE', 'hash'], ['DUMP', 'list'], ['DUMP', 'hash'], ['DUMP', 'zs'],
      ['GEOPOS', 'geo', 'Palermo', 'Catania', 'nowhere'], ['GEODIST', 'geo', 'Palermo', 'Catania', 'km'], ['GEOHASH', 'geo', 'Palermo'],
      ['GEOSEARCH', 'geo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST'],
      ['GEORADIUS_RO', 'geo', '15', '37', '200', 'km', 'WITHCOORD', 'ASC'], ['GEORADIUSBYMEMBER_RO', 'geo', 'Palermo', '100', 'km'],
    ]);
  });

  it('refuses write commands it does not implement, and never forwards them', async () => {
    for (const command of WRITES) {
      const name = String(command[0]).toLowerCase();
      const reply = (await client.call(command)).toString('latin1');
      assert.equal(reply, `-ERR '${name}' is not supported in active-active mode: writes go through the CRDT store, the local Redis mirror is read-only\r\n`);
    }
    await settled(sidecar);
    assert.deepEqual(await mirror.keys('w:*'), []);
  });

  it('answers unknown commands with Redis\'s wording', async () => {
    await assertSameReplies(redis, client, [['NOSUCHCOMMAND', 'a', 'b'], ['object', 'nosuchsub', 'k']], (_c, reply) => reply.toString('latin1').replace(/Try OBJECT HELP\./, ''));
  });

  it('refuses a passthrough read inside MULTI (the reply would come too late) and aborts EXEC', async () => {
    const replies = await client.pipeline([['MULTI'], ['BITCOUNT', 'bits'], ['EXEC']]);
    assert.match(replies[1]?.toString('latin1') ?? '', /^-ERR 'BITCOUNT' is served by the local Redis mirror and cannot be queued in MULTI/);
    assert.match(replies[2]?.toString('latin1') ?? '', /^-EXECABORT/);
  });

  it('without --mirror, names the missing option for reads and keeps unknown-command wording for writes', async () => {
    const alone = await startSidecar([]);
    const c = await RawClient.connect(alone.resp.port);
    try {
      assert.equal((await c.call(['BITCOUNT', 'k'])).toString('latin1'), "-ERR 'bitcount' is answered by the local Redis mirror, which is not configured: start the sidecar with --mirror redis://host:port\r\n");
      assert.equal((await c.call(['XADD', 's', '*', 'f', 'v'])).toString('latin1'), "-ERR unknown command 'XADD', with args beginning with: 's' '*' 'f' 'v' \r\n");
      for (const sub of [['STATUS'], ['REBUILD'], ['VERIFY'], ['VERIFY', 'SAMPLE', '10']]) {
        assert.match((await c.call(['CRDT.MIRROR', ...sub])).toString('latin1'), /^-ERR no local Redis mirror is configured: start the sidecar with --mirror/);
      }
    } finally {
      c.close();
      await alone.stop();
    }
  });
});
