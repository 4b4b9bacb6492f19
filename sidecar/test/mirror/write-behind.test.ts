import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { prng } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';
import { differences, eventually, MirrorServer, mirrorSnapshot, settled, storeSnapshot } from './harness.js';
import { randomStringCommand } from './workload.js';

describe('mirror write-behind (strings and expiry)', function () {
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

  it('mirrors SET, INCR, DEL and expiry as the plain Redis values', async () => {
    await client.pipeline([['SET', 'a', '1'], ['INCRBY', 'a', '41'], ['SET', 'b', 'x', 'EX', '100'], ['SET', 'c', 'gone'], ['DEL', 'c'], ['INCRBYFLOAT', 'f', '0.1']]);
    await settled(sidecar);
    assert.equal(await mirror.get('a'), '42');
    assert.equal(await mirror.get('b'), 'x');
    assert.equal(await mirror.exists('c'), 0);
    assert.equal(await mirror.get('f'), '0.1');
    const at = Number(await mirror.call('PEXPIRETIME', 'b'));
    assert.equal(at, Number((await client.call(['PEXPIRETIME', 'b'])).toString('latin1').slice(1, -2)));
    await client.call(['PERSIST', 'b']);
    await settled(sidecar);
    assert.equal(await mirror.pttl('b'), -1);
  });

  it('mirrors MULTI/EXEC transactions (published as one group after all applied)', async () => {
    await client.pipeline([['MULTI'], ['SET', 't', '1'], ['INCR', 't'], ['SET', 'u', 'y', 'PX', '90000'], ['DEL', 'a'], ['EXEC']]);
    await settled(sidecar);
    assert.equal(await mirror.get('t'), '2');
    assert.equal(await mirror.get('u'), 'y');
    assert.equal(await mirror.exists('a'), 0);
  });

  it('leaves the mirror equal to the store after a random pipelined workload', async () => {
    const random = prng(0x5eed);
    for (let round = 0; round < 20; round++) {
      await client.pipeline(Array.from({ length: 100 }, () => randomStringCommand(random)));
    }
    await settled(sidecar);
    // Keys set with PX 1 could expire between the store read and the mirror read: let
    // them pass first (a lower bound on time, so a slow machine cannot make it fail).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const diff = differences(storeSnapshot(sidecar), await mirrorSnapshot(mirror));
    assert.deepEqual(diff, []);
  });

  it('CRDT.MIRROR VERIFY finds no difference, then finds one made behind its back', async () => {
    const clean = (await client.call(['CRDT.MIRROR', 'VERIFY'])).toString('latin1');
    assert.match(clean, /differences\r\n:0\r\n/);
    await mirror.set('k1', 'tampered');
    await mirror.set('intruder', 'x');
    const dirty = (await client.call(['CRDT.MIRROR', 'VERIFY'])).toString('latin1');
    assert.match(dirty, /differences\r\n:2\r\n/);
    assert.match(dirty, /"intruder": type string in the mirror, none in the store/);
    const sampled = (await client.call(['CRDT.MIRROR', 'VERIFY', 'SAMPLE', '5'])).toString('latin1');
    assert.match(sampled, /checked\r\n:\d+\r\n/);
  });

  it('CRDT.MIRROR REBUILD rewrites the mirror from the store and STATUS reports it', async () => {
    const before = sidecar.mirror?.counters.rebuilds ?? 0;
    assert.equal((await client.call(['CRDT.MIRROR', 'REBUILD'])).toString('latin1'), '+OK\r\n');
    await eventually('the rebuild to finish', () => (sidecar.mirror?.counters.rebuilds ?? 0) > before);
    await settled(sidecar);
    assert.deepEqual(differences(storeSnapshot(sidecar), await mirrorSnapshot(mirror)), []);
    const status = (await client.call(['CRDT.MIRROR', 'STATUS'])).toString('latin1');
    assert.match(status, /mirror_state\r\n\$4\r\nlive/);
    assert.match(status, /mirror_last_rebuild_reason\r\n\$19\r\nCRDT.MIRROR REBUILD/);
  });
});
