/**
 * The operator's pieces against a real kube-apiserver: the CRD's schema, defaults
 * and CEL rules as the API server enforces them, the informer's list+watch, Lease
 * leader election, and reconcile-twice with server-side apply.
 * Run (after `npm run build`): npx mocha --no-config --timeout 600000 --exit 'dist/operator/test/**\/*.e2e.js'
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import { DEFAULTS } from '../../src/api/v1alpha1/index.js';
import { Informer } from '../../src/controller/informer.js';
import { KubeLeaseStore } from '../../src/controller/kube-lease.js';
import { KubeListerWatcher } from '../../src/controller/kube-source.js';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { reconcileCluster } from '../../src/reconcile/cluster-reconciler.js';
import { clusterObject, createNamespace, installCrd, realDeps } from './support.js';

describe('operator against a real API server', function () {
  let cluster: Cluster;
  const ns = `op-e2e-${randomBytes(3).toString('hex')}`;

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await useCluster();
    await installCrd(cluster);
    await createNamespace(cluster, ns);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    this.timeout(120_000);
    if (cluster === undefined) return;
    await cluster.kubeconfig.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    await cluster.stop();
  });

  const custom = (): CustomObjectsApi => cluster.kubeconfig.makeApiClient(CustomObjectsApi);
  const create = (name: string, spec: Record<string, unknown>): Promise<unknown> =>
    custom().createNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', body: clusterObject(ns, name, spec) });
  const rejection = async (p: Promise<unknown>): Promise<string> => {
    try { await p; } catch (e) { return String((e as { body?: unknown }).body ?? e); }
    assert.fail('the API server accepted an invalid object');
  };

  it('serves the CRD and fills in the same defaults as the operator', async () => {
    await create('defaults', { replicas: 0 });
    const got = (await custom().getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'defaults' })) as { spec: Record<string, Record<string, unknown>> };
    assert.equal(got.spec['images']?.['sidecar'], DEFAULTS.images.sidecar);
    assert.equal(got.spec['tls']?.['validity'], DEFAULTS.tls.validity);
    assert.equal(got.spec['persistence']?.['appendfsync'], DEFAULTS.persistence.appendfsync);
    assert.equal(got.spec['storage']?.['size'], DEFAULTS.storage.size);
    assert.equal(got.spec['networkPolicy']?.['enabled'], true);
  });

  it('rejects invalid objects with clear messages (bounds, CEL rules, transitions)', async () => {
    assert.match(await rejection(create('too-many', { replicas: 16 })), /replicas/);
    assert.match(await rejection(create('a'.repeat(41), {})), /at most 40 characters/);
    assert.match(await rejection(create('bad-tls', { tls: { validity: '10h', caValidity: '15h' } })), /caValidity must be at least twice/);
    await create('storage', { replicas: 0, storage: { size: '2Gi', className: 'fast' } });
    const patch = (spec: Record<string, unknown>): Promise<unknown> => KubernetesObjectApi.makeApiClient(cluster.kubeconfig)
      .patch(clusterObject(ns, 'storage', spec), undefined, undefined, 'e2e', true, 'application/apply-patch+yaml');
    assert.match(await rejection(patch({ replicas: 0, storage: { size: '1Gi', className: 'fast' } })), /may grow but not shrink/);
    assert.match(await rejection(patch({ replicas: 0, storage: { size: '2Gi', className: 'slow' } })), /className is immutable/);
    await patch({ replicas: 0, storage: { size: '3Gi', className: 'fast' } });
  });

  it('informer: lists, then sees additions, changes and deletions through the watch', async () => {
    const seen: string[] = [];
    const informer = new Informer(new KubeListerWatcher(cluster.kubeconfig, { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespace: ns, labelSelector: 'e2e=informer' }), {
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (a, b) => { if (a.metadata?.resourceVersion !== b.metadata?.resourceVersion) seen.push(`update ${b.metadata?.name}`); },
      onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
    }, { resyncMs: 0 });
    const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before', labels: { e2e: 'informer' } } } });
    informer.start();
    try {
      await waitFor('the initial list', 20_000, () => Promise.resolve(informer.hasSynced() ? true : undefined));
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after', labels: { e2e: 'informer' } } } });
      await core.replaceNamespacedConfigMap({ name: 'after', namespace: ns, body: { metadata: { name: 'after', labels: { e2e: 'informer' } }, data: { k: 'v' } } });
      await core.deleteNamespacedConfigMap({ name: 'before', namespace: ns });
      await waitFor('watch events', 20_000, () => Promise.resolve(seen.includes('delete before') ? true : undefined));
      assert.deepEqual(seen, ['add before', 'add after', 'update after', 'delete before']);
      assert.deepEqual(informer.list().map((o: KubernetesObject) => o.metadata?.name), ['after']);
    } finally {
      informer.stop();
    }
  });

  it('leader election: one of two candidates holds the Lease; the other takes over when it is released', async () => {
    const store = (): KubeLeaseStore => new KubeLeaseStore(cluster.kubeconfig, ns, 'e2e-leader');
    const events: string[] = [];
    const elector = (id: string): LeaderElector => new LeaderElector(store(), {
      identity: id, leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 300,
      onStartedLeading: () => events.push(`${id} leads`), onStoppedLeading: () => events.push(`${id} stops`),
      onError: () => undefined,
    });
    const a = elector('a');
    const b = elector('b');
    a.start();
    await waitFor('a to lead', 20_000, () => Promise.resolve(a.isLeader() ? true : undefined));
    b.start();
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(events, ['a leads']);
    assert.equal((await store().get())?.holder, 'a');
    await a.stop();
    await waitFor('b to take over', 20_000, () => Promise.resolve(b.isLeader() ? true : undefined));
    await b.stop();
    assert.deepEqual(events, ['a leads', 'b leads']);
  });

  it('reconcile twice with server-side apply: the second pass changes nothing', async function () {
    this.timeout(120_000);
    await create('cache', { replicas: 3 });
    const events: string[] = [];
    const deps = realDeps(cluster, events);
    await reconcileCluster(deps, `${ns}/cache`);
    const objects = KubernetesObjectApi.makeApiClient(cluster.kubeconfig);
    const owned: Array<[string, string, string]> = [
      ['v1', 'Secret', 'cache-ca'], ['v1', 'Secret', 'cache-0-tls'], ['v1', 'Secret', 'cache-2-tls'], ['v1', 'ConfigMap', 'cache-peers'],
      ['v1', 'Service', 'cache'], ['v1', 'Service', 'cache-headless'], ['apps/v1', 'StatefulSet', 'cache'],
      ['policy/v1', 'PodDisruptionBudget', 'cache'], ['networking.k8s.io/v1', 'NetworkPolicy', 'cache'],
    ];
    /** What the operator owns of each object: its data/spec and generation (status is written by others). */
    const snapshot = async (): Promise<string[]> => Promise.all(owned.map(async ([apiVersion, kind, name]) => {
      const o = await objects.read<KubernetesObject & { data?: unknown; spec?: unknown }>({ apiVersion, kind, metadata: { name, namespace: ns } });
      return JSON.stringify({ kind, name, generation: o.metadata?.generation, data: o.data, spec: o.spec, labels: o.metadata?.labels, owners: o.metadata?.ownerReferences?.map((r) => r.kind) });
    }));
    const first = await snapshot();
    const issued = events.filter((e) => e.includes('CertificateIssued')).length;
    assert.equal(issued, 3);
    await reconcileCluster(deps, `${ns}/cache`);
    assert.deepEqual(await snapshot(), first);
    assert.equal(events.filter((e) => e.includes('CertificateIssued')).length, issued, 'no certificate reissued');
    const got = (await custom().getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'cache' })) as { status?: { observedGeneration?: number; conditions?: Array<{ type: string }> } };
    assert.equal(got.status?.observedGeneration, 1);
    assert.deepEqual(got.status?.conditions?.map((c) => c.type), ['Ready', 'CertificatesReady', 'PeersConfigured', 'Replicating', 'Progressing', 'Degraded']);
  });
});
