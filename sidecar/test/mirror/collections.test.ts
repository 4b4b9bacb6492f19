import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { prng } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';
import { differences, flat, MirrorServer, mirrorSnapshot, settled, storeSnapshot } from './harness.js';
import { randomCollectionCommand } from './workload.js';

describe('mirror write-behind (collections)', function () {
  this.timeout(180000);
  let server: MirrorServer;
  let sidecar: Sidecar;
  let client: RawClient;
  let mirror: Redis;

  before(async () => {
    server = await MirrorServer.start();
    sidecar = await startSidecar(['--mirror', server.url]);
    client = await RawClient.connect(sidecar.resp.port);
    mirror = server.client();
    await settled(sidecar);
  });

  after(async () => {
    client.close();
    mirror.disconnect();
    await sidecar.stop();
    await server.kill();
  });

  it('mirrors pushes and pops as list commands, members, fields and scores as they are now', async () => {
    await client.pipeline([
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LPUSH', 'l', 'z'], ['LPOP', 'l'], ['RPOP', 'l'], ['LSET', 'l', '1', 'B'],
      ['SADD', 's', 'x', 'y'], ['SREM', 's', 'x'], ['HSET', 'h', 'f', '1', 'g', '2'], ['HINCRBY', 'h', 'f', '41'], ['HDEL', 'h', 'g'],
      ['ZADD', 'z', '1', 'a', '2', 'b'], ['ZINCRBY', 'z', '0.5', 'a'], ['ZREM', 'z', 'b'], ['EXPIRE', 'z', '100'],
    ]);
    await settled(sidecar);
    assert.deepEqual(await mirror.lrange('l', 0, -1), ['a', 'B']);
    assert.deepEqual(await mirror.smembers('s'), ['y']);
    assert.deepEqual(await mirror.hgetall('h'), { f: '42' });
    assert.deepEqual(await flat(mirror, ['ZRANGE', 'z', '0', '-1', 'WITHSCORES']), ['a', '1.5']);
    assert.ok((await mirror.pttl('z')) > 0);
  });

  it('leaves the mirror equal to the store after a random collections workload (also after a rebuild)', async () => {
    const random = prng(0xc011);
    for (let round = 0; round < 30; round++) await client.pipeline(Array.from({ length: 100 }, () => randomCollectionCommand(random)));
    await settled(sidecar);
    assert.deepEqual(differences(storeSnapshot(sidecar), await mirrorSnapshot(mirror)), []);
    assert.match((await client.call(['CRDT.MIRROR', 'VERIFY'])).toString('latin1'), /differences\r\n:0\r\n/);
    const before = sidecar.mirror?.counters.rebuilds ?? 0;
    await client.call(['CRDT.MIRROR', 'REBUILD']);
    await settled(sidecar);
    assert.ok((sidecar.mirror?.counters.rebuilds ?? 0) > before);
    assert.deepEqual(differences(storeSnapshot(sidecar), await mirrorSnapshot(mirror)), []);
  });
});
