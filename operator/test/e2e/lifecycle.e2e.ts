/**
 * Day-2 life of a RedisCRDTCluster on the testbed, with the whole operator and real
 * sidecars: short-lived certificates rotate and the sidecars serve the new ones without
 * a restart; a deleted pod comes back with its data directory; scaling 3 → 5 → 3 under a
 * live write workload loses no acknowledged write.
 */
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type V1Pod } from '@kubernetes/client-node';
import { useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import type { OperatorConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Manager } from '../../src/manager.js';
import { ADMIN_PORT, REPL_PORT, RESP_PORT } from '../../src/resources/ports.js';
import { HttpAdminClient } from '../../src/reconcile/admin-client.js';
import { clusterObject, createNamespace, installCrd } from './support.js';
import { resp } from './resp.js';

interface Status { phase?: string; readyReplicas?: number; replicas?: number; removedReplicas?: string[]; conditions?: Array<{ type: string; status: string }> }

const NAME = 'life';
const SPEC = { persistence: { appendfsync: 'always' }, tls: { validity: '90s', renewBefore: '60s' } };

/** INCRs one key on one pod until stopped, counting acknowledged and uncertain increments. */
class Incrementer {
  acked = 0;
  uncertain = 0;
  private running = true;
  private done: Promise<void> | undefined;

  constructor(private readonly host: () => Promise<string>, private readonly key: string) {}

  start(): void {
    this.done = (async () => {
      while (this.running) {
        try {
          const reply = await resp(await this.host(), RESP_PORT, ['INCR', this.key]);
          if (reply !== null && reply.startsWith(':')) this.acked += 1;
          else this.uncertain += 1;
        } catch {
          this.uncertain += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

describe('operator e2e: certificate rotation, pod restarts and scaling under load', function () {
  let cluster: Cluster;
  let manager: Manager;
  const ns = `op-life-${randomBytes(3).toString('hex')}`;

  const core = (): CoreV1Api => cluster.kubeconfig.makeApiClient(CoreV1Api);
  const status = async (): Promise<Status> => ((await cluster.kubeconfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: NAME,
  })) as { status?: Status }).status ?? {};
  const ready = (s: Status): boolean => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const pod = (i: number): Promise<V1Pod> => core().readNamespacedPod({ name: `${NAME}-${i}`, namespace: ns });
  const podIP = async (i: number): Promise<string> => (await pod(i)).status?.podIP ?? '';
  const apply = (spec: Record<string, unknown>): Promise<unknown> => KubernetesObjectApi.makeApiClient(cluster.kubeconfig)
    .patch(clusterObject(ns, NAME, spec), undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');
  const waitForStatus = async (what: string, timeoutMs: number, check: (s: Status) => boolean): Promise<Status> => {
    let last: Status = {};
    await waitFor(what, timeoutMs, async () => {
      last = await status();
      return check(last) ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    return last;
  };
  const info = async (i: number, field: string): Promise<string | undefined> => {
    const text = await resp(await podIP(i), RESP_PORT, ['INFO', 'crdt']);
    return new RegExp(`^${field}:(.*)$`, 'm').exec(text ?? '')?.[1]?.trim();
  };

  /** The serial number of the certificate pod `ordinal` has in its TLS Secret, and that Secret's material. */
  const secretCert = async (ordinal: number): Promise<{ serial: string; cert: string; key: string; ca: string }> => {
    const secret = await core().readNamespacedSecret({ name: `${NAME}-${ordinal}-tls`, namespace: ns });
    const field = (name: string): string => Buffer.from(secret.data?.[name] ?? '', 'base64').toString('utf8');
    return { serial: new X509Certificate(field('tls.crt')).serialNumber, cert: field('tls.crt'), key: field('tls.key'), ca: field('ca.crt') };
  };

  /** The serial of the certificate the sidecar on `ordinal` serves on its replication port (a real mTLS handshake). */
  const servedSerial = async (ordinal: number, client: { cert: string; key: string; ca: string }): Promise<string> => {
    const host = await podIP(ordinal);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host, port: REPL_PORT, cert: client.cert, key: client.key, ca: client.ca, ALPNProtocols: ['h2'],
        servername: `${NAME}-${ordinal}.${NAME}-headless.${ns}.svc.cluster.local`,
        // Only the chain matters here: the name is checked by the peers' own TLS.
        checkServerIdentity: () => undefined,
      }, () => {
        const serial = socket.getPeerX509Certificate()?.serialNumber ?? '';
        socket.destroy();
        resolve(serial);
      });
      socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
      socket.on('error', reject);
    });
  };

  const peersAlive = async (i: number): Promise<boolean> => {
    const r = await new HttpAdminClient(2000, ADMIN_PORT).status(await podIP(i));
    return r.ok && r.value.peers.length > 0 && r.value.peers.every((p) => p.state === 'alive');
  };

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await useCluster();
    await installCrd(cluster);
    await createNamespace(cluster, ns);
    const config: OperatorConfig = {
      kubeconfig: cluster.kubeconfigPath, namespace: ns, leaderElect: false, leaderElectionNamespace: ns, leaderElectionId: 'redis-crdt-operator',
      httpHost: '127.0.0.1', httpPort: 0, workers: 2, clusterDomain: 'cluster.local', certPropagationDelayMs: 10_000,
      pollIntervalMs: 3000, busyPollIntervalMs: 1000, resyncMs: 60_000, logLevel: 'warn', logFormat: 'json',
    };
    manager = new Manager(config, createLogger(config, false));
    await manager.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    this.timeout(120_000);
    await manager?.stop();
    if (cluster === undefined) return;
    await core().deleteNamespace({ name: ns }).catch(() => undefined);
    await cluster.stop();
  });

  it('brings three replicas with 90-second certificates to Ready', async function () {
    this.timeout(300_000);
    assert.ok(cluster.podNetworkReachable, 'these tests talk to pod IPs directly (the testbed allows it)');
    await apply({ replicas: 3, ...SPEC });
    const last = await waitForStatus('the cluster to be Ready', 240_000, ready);
    assert.equal(last.readyReplicas, 3);
  });

  it('rotates certificates before they expire; sidecars serve the new ones without a restart and keep replicating', async function () {
    this.timeout(300_000);
    const first = await secretCert(1);
    const restartsBefore = (await pod(1)).status?.containerStatuses?.map((c) => c.restartCount) ?? [];
    await waitFor('the operator to renew cache-1\'s certificate', 150_000, async () => ((await secretCert(1)).serial !== first.serial ? true : undefined), 2000);
    const renewed = await secretCert(1);
    const client = await secretCert(0);
    await waitFor('the sidecar on pod 1 to serve its renewed certificate', 90_000, async () => ((await servedSerial(1, client)) === renewed.serial ? true : undefined), 2000);
    assert.deepEqual((await pod(1)).status?.containerStatuses?.map((c) => c.restartCount), restartsBefore, 'no container restarted for the rotation');
    assert.equal(await resp(await podIP(0), RESP_PORT, ['SET', 'after-rotation', 'yes']), '+OK');
    const ip2 = await podIP(2);
    await waitFor('a write after the rotation to replicate', 60_000, async () => ((await resp(ip2, RESP_PORT, ['GET', 'after-rotation'])) === 'yes' ? true : undefined), 500);
    for (const i of [0, 1, 2]) await waitFor(`every peer of pod ${i} alive`, 60_000, async () => ((await peersAlive(i)) ? true : undefined), 1000);
  });

  it('a deleted pod comes back with its data directory and rejoins', async function () {
    this.timeout(300_000);
    const ip1 = await podIP(1);
    assert.equal(await resp(ip1, RESP_PORT, ['SET', 'written-on-1', 'kept']), '+OK');
    const incarnation = await info(1, 'crdt_incarnation');
    assert.ok(incarnation !== undefined && incarnation !== '', 'INFO crdt names the incarnation');
    const uid = (await pod(1)).metadata?.uid;
    await core().deleteNamespacedPod({ name: `${NAME}-1`, namespace: ns });
    await waitFor('the StatefulSet to recreate pod 1 and the pod to be Ready', 180_000, async () => {
      const next = await pod(1).catch(() => undefined);
      const isReady = next?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
      return next !== undefined && next.metadata?.uid !== uid && isReady ? true : undefined;
    }, 1000);
    // A clean shutdown on the same volume keeps the incarnation; a lost data directory would start a new one.
    assert.equal(await info(1, 'crdt_incarnation'), incarnation, 'the replica restarted on its own data directory');
    assert.equal(await resp(await podIP(1), RESP_PORT, ['GET', 'written-on-1']), 'kept');
    assert.equal(await resp(await podIP(0), RESP_PORT, ['SET', 'after-rejoin', 'yes']), '+OK');
    const newIp1 = await podIP(1);
    await waitFor('a write on pod 0 to reach the rejoined pod', 60_000, async () => ((await resp(newIp1, RESP_PORT, ['GET', 'after-rejoin'])) === 'yes' ? true : undefined), 500);
  });

  it('scales 3 → 5 → 3 under a live write workload without losing an acknowledged write', async function () {
    this.timeout(900_000);
    const writer = new Incrementer(() => podIP(0), 'live');
    writer.start();
    try {
      await apply({ replicas: 5, ...SPEC });
      await waitForStatus('five Ready replicas', 360_000, (s) => ready(s) && s.readyReplicas === 5 && s.replicas === 5);
      const ip4 = await podIP(4);
      await waitFor('pod 4 to have the counter', 60_000, async () => (Number(await resp(ip4, RESP_PORT, ['GET', 'live'])) > 0 ? true : undefined), 500);
      await apply({ replicas: 3, ...SPEC });
      await waitForStatus('pods 3 and 4 retired and three Ready replicas', 480_000,
        (s) => ready(s) && s.replicas === 3 && (s.removedReplicas ?? []).includes(`${NAME}-3`) && (s.removedReplicas ?? []).includes(`${NAME}-4`));
    } finally {
      await writer.stop();
    }
    assert.ok(writer.acked > 10, `the workload ran (${writer.acked} acknowledged)`);
    const values = async (): Promise<number[]> => Promise.all([0, 1, 2].map(async (i) => Number(await resp(await podIP(i), RESP_PORT, ['GET', 'live']))));
    await waitFor('the remaining replicas to agree', 60_000, async () => (new Set(await values()).size === 1 ? true : undefined), 500);
    const [total] = await values();
    assert.ok(total! >= writer.acked && total! <= writer.acked + writer.uncertain, `counter ${total} not in [${writer.acked}, ${writer.acked + writer.uncertain}]`);
  });
});
