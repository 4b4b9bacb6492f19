/**
 * The whole operator (manager, informers, leader election, reconciler) against the
 * testbed with real sidecars and redis-servers: a 3-replica cluster becomes Ready,
 * a write on one replica is read on another through mTLS replication, a scale-down
 * drains and retires a replica, a larger spec.storage.size grows every PVC (the node
 * agent plays the CSI resizer), the NetworkPolicy keeps outsiders off the replication
 * port (the node agent enforces policies like a CNI), and deleting the cluster
 * garbage-collects it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, StorageV1Api } from '@kubernetes/client-node';
import { useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import type { OperatorConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Manager } from '../../src/manager.js';
import { clusterObject, createNamespace, installCrd } from './support.js';
import { resp } from './resp.js';

interface Status { phase?: string; readyReplicas?: number; replicas?: number; removedReplicas?: string[]; conditions?: Array<{ type: string; status: string; message: string }> }

describe('operator e2e: a RedisCRDTCluster with real sidecars', function () {
  let cluster: Cluster;
  let manager: Manager;
  const ns = `op-cluster-${randomBytes(3).toString('hex')}`;
  // A StorageClass that allows expansion: the API server refuses to grow a claim without one.
  const storageClass = `e2e-expandable-${ns}`;
  const fixedClass = `e2e-fixed-${ns}`;
  const spec = (replicas: number, size = '1Gi'): Record<string, unknown> => ({ replicas, persistence: { appendfsync: 'always' }, storage: { size, className: storageClass } });

  const custom = (): CustomObjectsApi => cluster.kubeconfig.makeApiClient(CustomObjectsApi);
  const status = async (): Promise<Status> => ((await custom().getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'cache' })) as { status?: Status }).status ?? {};
  const ready = (s: Status): boolean => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const podIP = async (i: number): Promise<string> => (await cluster.kubeconfig.makeApiClient(CoreV1Api).readNamespacedPod({ name: `cache-${i}`, namespace: ns })).status?.podIP ?? '';
  const apply = (spec: Record<string, unknown>): Promise<unknown> => KubernetesObjectApi.makeApiClient(cluster.kubeconfig)
    .patch(clusterObject(ns, 'cache', spec), undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await useCluster();
    await installCrd(cluster);
    await createNamespace(cluster, ns);
    await cluster.kubeconfig.makeApiClient(StorageV1Api).createStorageClass({
      body: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: storageClass }, provisioner: 'e2e.rediscrdt.io/hostpath', allowVolumeExpansion: true, volumeBindingMode: 'Immediate' },
    });
    await cluster.kubeconfig.makeApiClient(StorageV1Api).createStorageClass({
      body: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: fixedClass }, provisioner: 'e2e.rediscrdt.io/hostpath', allowVolumeExpansion: false, volumeBindingMode: 'Immediate' },
    });
    const config: OperatorConfig = {
      kubeconfig: cluster.kubeconfigPath, namespace: ns, leaderElect: true, leaderElectionNamespace: ns, leaderElectionId: 'redis-crdt-operator',
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
    await cluster.kubeconfig.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    for (const name of [storageClass, fixedClass]) await cluster.kubeconfig.makeApiClient(StorageV1Api).deleteStorageClass({ name }).catch(() => undefined);
    await cluster.stop();
  });

  it('brings three replicas to Ready: pods ready, every peer alive, certificates valid', async function () {
    this.timeout(300_000);
    await apply(spec(3));
    let last: Status = {};
    await waitFor('the cluster to be Ready', 240_000, async () => {
      last = await status();
      return ready(last) ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    assert.equal(last.readyReplicas, 3);
    assert.equal(last.phase, 'Running');
  });

  it('replicates a write on cache-0 to cache-2 over mutual TLS', async function () {
    this.timeout(60_000);
    assert.ok(cluster.podNetworkReachable, 'this test talks to pod IPs directly (the testbed allows it)');
    assert.equal(await resp(await podIP(0), 6379, ['SET', 'greeting', 'hello from 0']), '+OK');
    const ip2 = await podIP(2);
    const value = await waitFor('the write to reach cache-2', 30_000, async () => ((await resp(ip2, 6379, ['GET', 'greeting'])) === 'hello from 0' ? 'ok' : undefined), 250);
    assert.equal(value, 'ok');
  });

  it('enforces the NetworkPolicy: an outside pod reaches RESP but not the replication port; replicas reach each other', async function () {
    this.timeout(120_000);
    const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    // A pod of another app in the same namespace, running Node (the sidecar image's runtime) idle.
    await core.createNamespacedPod({ namespace: ns, body: {
      metadata: { name: 'outsider', labels: { app: 'outsider' } },
      spec: { containers: [{ name: 'main', image: 'ghcr.io/redis-crdt/redis-crdt-sidecar:0.1.0', command: ['node', '-e', 'setInterval(() => undefined, 1 << 30)'] }] },
    } });
    await waitFor('the outside pod to run', 60_000, async () => ((await core.readNamespacedPod({ name: 'outsider', namespace: ns })).status?.phase === 'Running' ? true : undefined), 500);
    const target = await podIP(0);
    // Connects to each port with a 3 s limit: a dropped SYN shows as a timeout.
    const probe = `const net=require('net');const t=(p)=>new Promise((r)=>{const s=net.connect({host:'${target}',port:p});const d=(v)=>{s.destroy();r(v)};s.setTimeout(3000,()=>d('blocked'));s.on('connect',()=>d('open'));s.on('error',(e)=>d(e.code))});Promise.all([t(6379),t(7379)]).then((v)=>console.log(v.join(',')))`;
    const reach = async (pod: string, container?: string): Promise<string> => {
      const result = await cluster.exec(ns, pod, ['node', '-e', probe], container);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim();
    };
    assert.equal(await reach('outsider'), 'open,blocked', 'RESP is open to clients; replication only to the cluster');
    assert.equal(await reach('cache-1', 'sidecar'), 'open,open', 'a replica reaches another replica\'s replication port');
    await core.deleteNamespacedPod({ name: 'outsider', namespace: ns, gracePeriodSeconds: 0 });
  });

  it('grows every PVC when spec.storage.size grows, without touching the StatefulSet\'s claim template or restarting pods', async function () {
    this.timeout(120_000);
    const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    const uids = await Promise.all([0, 1, 2].map(async (i) => (await core.readNamespacedPod({ name: `cache-${i}`, namespace: ns })).metadata?.uid));
    await apply(spec(3, '2Gi'));
    const sizes = async (): Promise<string[]> => Promise.all([0, 1, 2].map(async (i) => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: `data-cache-${i}`, namespace: ns });
      return `${pvc.spec?.resources?.requests?.['storage']}/${pvc.status?.capacity?.['storage']}`;
    }));
    let last: string[] = [];
    await waitFor('every PVC to be expanded to 2Gi', 90_000, async () => {
      last = await sizes();
      return last.every((s) => s === '2Gi/2Gi') ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last request/capacity ${last.join(', ')}`); });
    const sts = await cluster.kubeconfig.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ name: 'cache', namespace: ns });
    assert.equal(sts.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage'], '1Gi', 'volumeClaimTemplates are immutable: the template keeps its size');
    assert.deepEqual(await Promise.all([0, 1, 2].map(async (i) => (await core.readNamespacedPod({ name: `cache-${i}`, namespace: ns })).metadata?.uid)), uids, 'no pod was replaced');
    assert.ok(ready(await status()));
  });

  it('says in a Warning event why a PVC cannot grow when its StorageClass does not allow expansion', async function () {
    this.timeout(180_000);
    const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    const fixed = (size: string): Promise<unknown> => KubernetesObjectApi.makeApiClient(cluster.kubeconfig)
      .patch(clusterObject(ns, 'fixed', { replicas: 1, storage: { size, className: fixedClass } }), undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');
    await fixed('1Gi');
    await waitFor('the fixed-class cluster\'s PVC to be bound', 120_000, async () => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data-fixed-0', namespace: ns }).catch(() => undefined);
      return pvc?.status?.phase === 'Bound' ? true : undefined;
    }, 1000);
    await fixed('2Gi');
    const events = await waitFor('a ReconcileWarning about the PVC', 60_000, async () => {
      const list = await core.listNamespacedEvent({ namespace: ns });
      const hit = list.items.filter((e) => e.reason === 'ReconcileWarning' && e.message?.includes('data-fixed-0') === true);
      return hit.length > 0 ? hit : undefined;
    }, 1000);
    assert.equal(events[0]?.type, 'Warning');
    // The operator's words, then the API server's reason.
    assert.match(events[0]?.message ?? '', /PVC data-fixed-0 cannot grow to 2Gi: .*support resize/);
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data-fixed-0', namespace: ns });
    assert.equal(pvc.spec?.resources?.requests?.['storage'], '1Gi');
    await custom().deleteNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'fixed' });
  });

  it('scales 3 → 2 by draining and retiring cache-2, keeping every acknowledged write', async function () {
    this.timeout(300_000);
    const ip0 = await podIP(0);
    for (let i = 0; i < 20; i++) assert.equal(await resp(await podIP(2), 6379, ['INCR', 'counter']), `:${i + 1}`);
    await apply(spec(2, '2Gi'));
    let last: Status = {};
    await waitFor('cache-2 to be retired and the cluster Ready', 240_000, async () => {
      last = await status();
      return ready(last) && last.replicas === 2 && last.removedReplicas?.includes('cache-2') === true ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    assert.equal(await resp(ip0, 6379, ['GET', 'counter']), '20');
    const sts = await cluster.kubeconfig.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ name: 'cache', namespace: ns });
    assert.equal(sts.spec?.replicas, 2);
  });

  it('garbage-collects everything when the cluster is deleted', async function () {
    this.timeout(120_000);
    await custom().deleteNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'cache' });
    const apps = cluster.kubeconfig.makeApiClient(AppsV1Api);
    await waitFor('the StatefulSet to be collected', 90_000, async () => {
      try { await apps.readNamespacedStatefulSet({ name: 'cache', namespace: ns }); return undefined; } catch { return true; }
    }, 1000);
    await waitFor('the Secrets to be collected', 60_000, async () => {
      const left = await cluster.kubeconfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns, labelSelector: 'app.kubernetes.io/managed-by=redis-crdt-operator' });
      return left.items.length === 0 ? true : undefined;
    }, 1000);
  });
});
