import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { prng } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';
import { differences, eventually, MirrorServer, mirrorSnapshot, settled, storeSnapshot } from './harness.js';
import { randomStringCommand } from './workload.js';

/** Replies that are errors, for asserting the sidecar kept serving writes. */
function errorsIn(replies: readonly Buffer[]): string[] {
  return replies.filter((reply) => reply[0] === 45).map((reply) => reply.toString('latin1').trim());
}

async function assertMirrorEqualsStore(sidecar: Sidecar, mirror: Redis): Promise<void> {
  await settled(sidecar);
  await new Promise((resolve) => setTimeout(resolve, 20)); // PX 1 keys pass on both sides (a lower bound only)
  assert.deepEqual(differences(storeSnapshot(sidecar), await mirrorSnapshot(mirror)), []);
}

describe('mirror faults: restart, FLUSHALL, start-up rebuild', function () {
  this.timeout(240000);
  let server: MirrorServer;
  let sidecar: Sidecar | undefined;
  let client: RawClient | undefined;
  let mirror: Redis | undefined;

  beforeEach(async () => {
    server = await MirrorServer.start();
  });

  afterEach(async () => {
    client?.close();
    mirror?.disconnect();
    await sidecar?.stop();
    await server.kill();
  });

  it('keeps serving while the mirror is killed mid-workload, and catches it up when it returns', async () => {
    sidecar = await startSidecar(['--mirror', server.url]);
    client = await RawClient.connect(sidecar.resp.port);
    await settled(sidecar);
    const random = prng(7);
    const workload = async (rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++) {
        const replies = await client!.pipeline(Array.from({ length: 50 }, () => randomStringCommand(random)));
        assert.deepEqual(errorsIn(replies).filter((e) => !e.startsWith('-ERR value is not') && !e.startsWith('-ERR no such key') && !e.startsWith('-ERR increment')), []);
      }
    };
    const running = workload(40);
    await server.kill();
    await workload(10); // the mirror is down: writes still succeed
    const s = sidecar;
    await eventually('the sidecar to notice the mirror is gone', () => s.mirror?.link === undefined);
    await workload(10);
    await running;
    const rebuilds = s.mirror?.counters.rebuilds ?? 0;
    await server.restart();
    await eventually('a catch-up rebuild', () => (s.mirror?.counters.rebuilds ?? 0) > rebuilds);
    mirror = server.client();
    await assertMirrorEqualsStore(s, mirror);
  });

  it('rebuilds after someone runs FLUSHALL on the mirror', async () => {
    sidecar = await startSidecar(['--mirror', server.url]);
    client = await RawClient.connect(sidecar.resp.port);
    mirror = server.client();
    await client.pipeline(Array.from({ length: 200 }, (_, i) => ['SET', `key:${i}`, `value:${i}`]));
    await settled(sidecar);
    assert.equal(await mirror.dbsize(), 200);
    const s = sidecar;
    const divergences = s.mirror?.counters.divergences ?? 0;
    await mirror.flushall();
    await eventually('the divergence to be noticed', () => (s.mirror?.counters.divergences ?? 0) > divergences);
    await eventually('the mirror to be repopulated', async () => (await mirror!.dbsize()) === 200);
    await assertMirrorEqualsStore(s, mirror);
  });

  it('rebuilds at start-up from the recovered store, in chunks', async () => {
    const first = await startSidecar(['--mirror', server.url]);
    const writer = await RawClient.connect(first.resp.port);
    for (let i = 0; i < 5; i++) await writer.pipeline(Array.from({ length: 1000 }, (_, j) => ['SET', `bulk:${i}:${j}`, 'x'.repeat(j % 50)]));
    writer.close();
    const dataDir = first.config.dataDir;
    await first.stop();
    mirror = server.client();
    await mirror.flushall();
    await mirror.set('stale', 'left from an earlier life');
    sidecar = await startSidecar(['--mirror', server.url], dataDir);
    await settled(sidecar);
    assert.equal(sidecar.mirror?.counters.lastRebuildKeys, 5000);
    await assertMirrorEqualsStore(sidecar, mirror);
  });

  it('answers clients while a rebuild runs (it yields between chunks), and ends equal to the store', async () => {
    sidecar = await startSidecar(['--mirror', server.url]);
    client = await RawClient.connect(sidecar.resp.port);
    for (let i = 0; i < 8; i++) await client.pipeline(Array.from({ length: 5000 }, (_, j) => ['SET', `r:${i}:${j}`, String(j)]));
    await settled(sidecar);
    const m = sidecar.mirror!;
    assert.equal((await client.call(['CRDT.MIRROR', 'REBUILD'])).toString('latin1'), '+OK\r\n');
    let answeredMidRebuild = 0;
    for (let i = 0; m.progress !== undefined; i++) {
      const reply = (await client.call(['INCR', 'during'])).toString('latin1');
      assert.equal(reply, `:${i + 1}\r\n`);
      if (m.progress !== undefined && m.progress.visited < m.progress.total) answeredMidRebuild += 1;
    }
    assert.ok(answeredMidRebuild > 0, 'no client command was answered while the rebuild was under way');
    mirror = server.client();
    await assertMirrorEqualsStore(sidecar, mirror);
  });

  it('serves and rebuilds when the mirror is unreachable at start-up', async () => {
    await server.kill();
    sidecar = await startSidecar(['--mirror', server.url]);
    client = await RawClient.connect(sidecar.resp.port);
    assert.equal((await client.call(['SET', 'early', '1'])).toString('latin1'), '+OK\r\n');
    const status = (await client.call(['CRDT.MIRROR', 'STATUS'])).toString('latin1');
    assert.match(status, /mirror_state\r\n\$10\r\nconnecting/);
    assert.match((await client.call(['BITCOUNT', 'early'])).toString('latin1'), /^-ERR 'bitcount' is answered by the local Redis mirror/);
    await server.restart();
    await settled(sidecar);
    mirror = server.client();
    assert.equal(await mirror.get('early'), '1');
  });
});
