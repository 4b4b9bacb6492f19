import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { TestPki } from '../replication/cluster.js';
import { RawClient } from '../support/raw-client.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { differences, eventually, MirrorServer, mirrorSnapshot, settled, storeSnapshot } from './harness.js';

/** One replica of a mirrored cluster: its redis-server, the in-process sidecar, a client to each. */
export interface MirroredReplica {
  readonly id: string;
  readonly server: MirrorServer;
  readonly sidecar: Sidecar;
  readonly client: RawClient;
  readonly mirror: Redis;
}

/** Replicas r1..rN over real gRPC with mutual TLS, each with its own real redis-server as mirror. */
export async function startMirroredCluster(size: number, pki: TestPki): Promise<MirroredReplica[]> {
  const ids = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i] ?? 0}`).join(',');
  const replicas: MirroredReplica[] = [];
  for (const [i, id] of ids.entries()) {
    const server = await MirrorServer.start();
    const flags = ['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags(id), '--mirror', server.url];
    const sidecar = await startSidecar(flags, tempDir(`mirror-${id}`));
    replicas.push({ id, server, sidecar, client: await RawClient.connect(sidecar.resp.port), mirror: server.client() });
  }
  await eventually('all peers alive', () => replicas.every((r) => {
    const statuses = r.sidecar.replication?.status() ?? [];
    return statuses.length === size - 1 && statuses.every((s) => s.state === 'alive');
  }), 60000);
  return replicas;
}

export async function stopMirroredCluster(replicas: readonly MirroredReplica[]): Promise<void> {
  for (const r of replicas) {
    r.client.close();
    r.mirror.disconnect();
    await r.sidecar.stop();
    await r.server.kill();
  }
}

function vvText(sidecar: Sidecar): string {
  return [...sidecar.engine.vv].sort(([a], [b]) => (a < b ? -1 : 1)).map(([origin, seq]) => `${origin}=${seq}`).join(',');
}

/** Waits until every replica has applied every replica's ops (equal version vectors). */
export async function allOpsApplied(replicas: readonly MirroredReplica[]): Promise<void> {
  await eventually('every replica to apply every op', () => replicas.every((r) => vvText(r.sidecar) === vvText(replicas[0]!.sidecar)), 120000);
}

/**
 * Asserts the replica's mirror holds exactly its store's visible state, read two ways:
 * by the test with plain Redis commands, and by CRDT.MIRROR VERIFY (full).
 */
export async function assertMirrorEqualsStore(r: MirroredReplica): Promise<void> {
  await settled(r.sidecar);
  await new Promise((resolve) => setTimeout(resolve, 20)); // PX 1 keys pass on both sides (a lower bound only)
  assert.deepEqual(differences(storeSnapshot(r.sidecar), await mirrorSnapshot(r.mirror)), [], `replica ${r.id}: store and mirror differ`);
  const verify = (await r.client.call(['CRDT.MIRROR', 'VERIFY'])).toString('latin1');
  assert.match(verify, /differences\r\n:0\r\n/, `replica ${r.id}: CRDT.MIRROR VERIFY reported ${verify}`);
  assert.match(verify, /checked\r\n:[1-9]/, `replica ${r.id}: CRDT.MIRROR VERIFY checked no key: ${verify}`);
}
