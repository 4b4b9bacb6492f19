import assert from 'node:assert/strict';
import { TestPki } from '../replication/cluster.js';
import { prng } from '../support/differential.js';
import { eventually } from './harness.js';
import { allOpsApplied, assertMirrorEqualsStore, startMirroredCluster, stopMirroredCluster, type MirroredReplica } from './mirrored-cluster.js';
import { randomCollectionCommand, randomStringCommand, type Command } from './workload.js';

/** Share of string commands in the workload (the rest are collection commands). */
const MIX = 0.5;

function batch(random: () => number, length: number): Command[] {
  return Array.from({ length }, () => (random() < MIX ? randomStringCommand(random) : randomCollectionCommand(random)));
}

/** One round: every replica pipelines a batch at the same time, so local and replicated ops interleave. */
async function round(replicas: readonly MirroredReplica[], random: () => number): Promise<void> {
  await Promise.all(replicas.map((r) => r.client.pipeline(batch(random, 40))));
}

describe('mirrors of a 3-replica cluster', function () {
  this.timeout(300000);
  const pki = new TestPki();
  let replicas: MirroredReplica[] = [];

  beforeEach(async () => {
    replicas = await startMirroredCluster(3, pki);
  });

  afterEach(async () => {
    await stopMirroredCluster(replicas);
  });

  it('every mirror equals its sidecar after a random workload on all replicas (local and replicated ops)', async () => {
    const random = prng(0x3e91);
    for (let i = 0; i < 25; i++) await round(replicas, random);
    await allOpsApplied(replicas);
    for (const r of replicas) assert.ok(r.sidecar.engine.opsApplied > 0, `replica ${r.id} applied no replicated op`);
    for (const r of replicas) await assertMirrorEqualsStore(r);
  });

  it('catches a mirror up after its redis-server is killed mid-workload and returns', async () => {
    const random = prng(0x6b11);
    const victim = replicas[1]!;
    const mirror = victim.sidecar.mirror!;
    for (let i = 0; i < 8; i++) await round(replicas, random);
    const running = (async () => { for (let i = 0; i < 8; i++) await round(replicas, random); })();
    await victim.server.kill();
    await eventually('the sidecar to notice its mirror is gone', () => mirror.link === undefined);
    await running;
    for (let i = 0; i < 8; i++) await round(replicas, random); // local and replicated writes while the mirror is down
    assert.ok(mirror.counters.droppedWrites > 0, 'writes made while the mirror was down were dropped (to be rebuilt)');
    const rebuilds = mirror.counters.rebuilds;
    await victim.server.restart();
    await eventually('a catch-up rebuild', () => mirror.counters.rebuilds > rebuilds);
    for (let i = 0; i < 4; i++) await round(replicas, random);
    await allOpsApplied(replicas);
    for (const r of replicas) await assertMirrorEqualsStore(r);
  });
});
