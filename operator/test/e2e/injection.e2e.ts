/**
 * Sidecar injection on the testbed (issue 8), with the whole operator running
 * in-process and serving the webhook over HTTPS: the operator fills in the
 * caBundle of a MutatingWebhookConfiguration (called by URL here: the testbed
 * routes no Service ClusterIPs), a Deployment of a small Node app labelled
 * `rediscrdt.io/inject: shared` gets real sidecars and redis-servers, the app's
 * counters converge across pods, and scaling 3 → 4 → 2 adds and retires members
 * without losing an acknowledged increment (the last increments go to pods that
 * are removed right after).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AdmissionregistrationV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import { freePort } from '../../../e2e/harness/free-port.js';
import type { OperatorConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Manager } from '../../src/manager.js';
import { COUNTER_APP_PORT, COUNTER_APP_SCRIPT } from './counter-app.js';
import { resp } from './resp.js';
import { clusterObject, createNamespace, installCrd } from './support.js';

interface Member { name: string; pod: string; ready?: boolean; terminating?: boolean }
interface Status { phase?: string; readyReplicas?: number; members?: Member[]; removedReplicas?: string[]; conditions?: Array<{ type: string; status: string; message: string }> }

function httpJson(method: 'GET' | 'POST', host: string, path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: COUNTER_APP_PORT, method, path, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as Record<string, unknown>) : reject(new Error(`${method} ${path} on ${host}: ${res.statusCode ?? 0} ${body}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('operator e2e: sidecar injection into a Deployment', function () {
  let cluster: Cluster;
  let manager: Manager;
  const ns = `op-inject-${randomBytes(3).toString('hex')}`;
  const webhookName = `rediscrdt-inject-${ns}`;
  let acknowledged = 0;

  const core = (): CoreV1Api => cluster.kubeconfig.makeApiClient(CoreV1Api);
  const apps = (): AppsV1Api => cluster.kubeconfig.makeApiClient(AppsV1Api);
  const status = async (): Promise<Status> => ((await cluster.kubeconfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'shared' })) as { status?: Status }).status ?? {};
  const ready = (s: Status): boolean => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const appPods = async (): Promise<V1Pod[]> => (await core().listNamespacedPod({ namespace: ns, labelSelector: 'app=counter' })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
  const scale = (replicas: number): Promise<unknown> => apps().patchNamespacedDeploymentScale({ name: 'counter', namespace: ns, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

  /** Waits until exactly `n` app pods run, all members are ready, and the cluster is Ready. */
  async function settle(n: number): Promise<V1Pod[]> {
    let last: Status = {};
    await waitFor(`${n} injected members Ready`, 300_000, async () => {
      last = await status();
      const live = (last.members ?? []).filter((m) => m.terminating !== true);
      const pods = await appPods();
      return ready(last) && live.length === n && (last.members ?? []).length === n && pods.length === n ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    return appPods();
  }

  async function everyPodReads(pods: readonly V1Pod[], expected: number): Promise<void> {
    for (const pod of pods) {
      const ip = pod.status?.podIP ?? '';
      let seen: unknown;
      await waitFor(`${pod.metadata?.name ?? ''} to read counter ${expected}`, 60_000, async () => {
        seen = (await httpJson('GET', ip, '/get'))['value'];
        return seen === String(expected) ? true : undefined;
      }, 250).catch((e: unknown) => { throw new Error(`${String(e)}; last read ${String(seen)}`); });
    }
  }

  async function incrementEverywhere(pods: readonly V1Pod[], n: number): Promise<void> {
    for (const pod of pods) {
      const reply = await httpJson('POST', pod.status?.podIP ?? '', `/incr?n=${n}`);
      assert.equal(typeof reply['last'], 'number');
      acknowledged += n;
    }
  }

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await useCluster();
    await installCrd(cluster);
    await createNamespace(cluster, ns);
    const port = await freePort();
    await cluster.kubeconfig.makeApiClient(AdmissionregistrationV1Api).createMutatingWebhookConfiguration({
      body: {
        metadata: { name: webhookName },
        webhooks: [{
          name: 'inject.rediscrdt.io',
          clientConfig: { url: `https://127.0.0.1:${port}/mutate-v1-pod` },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
          objectSelector: { matchExpressions: [{ key: 'rediscrdt.io/inject', operator: 'Exists' }] },
          failurePolicy: 'Fail', sideEffects: 'NoneOnDryRun', admissionReviewVersions: ['v1'], timeoutSeconds: 10, reinvocationPolicy: 'Never',
        }],
      },
    });
    const config: OperatorConfig = {
      kubeconfig: cluster.kubeconfigPath, namespace: ns, leaderElect: true, leaderElectionNamespace: ns, leaderElectionId: 'redis-crdt-operator',
      httpHost: '127.0.0.1', httpPort: 0, workers: 2, clusterDomain: 'cluster.local', certPropagationDelayMs: 10_000,
      pollIntervalMs: 3000, busyPollIntervalMs: 1000, resyncMs: 60_000, logLevel: 'warn', logFormat: 'json',
      webhook: true, webhookHost: '127.0.0.1', webhookPort: port, webhookSecret: 'webhook-tls', webhookConfiguration: webhookName, webhookService: '', webhookHosts: '127.0.0.1',
    };
    manager = new Manager(config, createLogger(config, false));
    await manager.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    this.timeout(180_000);
    await manager?.stop();
    if (cluster === undefined) return;
    await cluster.kubeconfig.makeApiClient(AdmissionregistrationV1Api).deleteMutatingWebhookConfiguration({ name: webhookName }).catch(() => undefined);
    await core().deleteNamespace({ name: ns }).catch(() => undefined);
    await cluster.stop();
  });

  it('fills the webhook CA into the MutatingWebhookConfiguration', async function () {
    this.timeout(60_000);
    const admission = cluster.kubeconfig.makeApiClient(AdmissionregistrationV1Api);
    const bundle = await waitFor('the caBundle', 30_000, async () => {
      const got = await admission.readMutatingWebhookConfiguration({ name: webhookName });
      const ca = got.webhooks?.[0]?.clientConfig.caBundle;
      return ca !== undefined && ca !== '' ? ca : undefined;
    }, 500);
    const stored = await core().readNamespacedSecret({ name: 'webhook-tls', namespace: ns });
    assert.equal(bundle, stored.data?.['ca.crt']);
  });

  it('refuses a pod whose label names no cluster, with a message that says what to do', async function () {
    this.timeout(60_000);
    const refused = await core().createNamespacedPod({ namespace: ns, body: { metadata: { name: 'stray', labels: { 'rediscrdt.io/inject': 'nope' } }, spec: { containers: [{ name: 'app', image: 'node:20' }] } } })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(refused instanceof Error, 'the pod was admitted');
    assert.match(`${refused.message} ${JSON.stringify((refused as { body?: unknown }).body ?? '')}`, /names no RedisCRDTCluster in namespace/);
  });

  it('injects a 3-pod Deployment into an injected-only cluster (replicas: 0); all members Ready, the app started after its sidecar', async function () {
    this.timeout(420_000);
    await KubernetesObjectApi.makeApiClient(cluster.kubeconfig).patch(clusterObject(ns, 'shared', { replicas: 0 }), undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');
    await waitFor('the cluster CA', 60_000, async () => core().readNamespacedSecret({ name: 'shared-ca', namespace: ns }).then(() => true, () => undefined), 500);
    const deployment: V1Deployment = {
      metadata: { name: 'counter', namespace: ns },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'counter' } },
        template: {
          metadata: { labels: { app: 'counter', 'rediscrdt.io/inject': 'shared' } },
          spec: { containers: [{ name: 'app', image: 'node:20', args: ['-e', COUNTER_APP_SCRIPT], ports: [{ name: 'http', containerPort: COUNTER_APP_PORT }] }] },
        },
      },
    };
    await apps().createNamespacedDeployment({ namespace: ns, body: deployment });
    const pods = await settle(3);
    for (const pod of pods) {
      assert.deepEqual(pod.spec?.initContainers?.map((c) => [c.name, c.restartPolicy]), [['rediscrdt-redis', 'Always'], ['rediscrdt-sidecar', 'Always']]);
      const app = pod.status?.containerStatuses?.find((c) => c.name === 'app');
      assert.equal(app?.restartCount, 0, `${pod.metadata?.name ?? ''}: the app's first connection to localhost:6379 succeeded`);
    }
    const memberIds = pods.map((p) => p.metadata?.annotations?.['rediscrdt.io/member-id']).sort();
    assert.deepEqual((await status()).members?.map((m) => m.name).sort(), memberIds);
  });

  it('honours a dry run: the returned pod is injected, nothing is created', async function () {
    this.timeout(60_000);
    const before = (await core().listNamespacedSecret({ namespace: ns, labelSelector: 'rediscrdt.io/member' })).items.length;
    const dry = await core().createNamespacedPod({ namespace: ns, dryRun: 'All', body: { metadata: { name: 'dry', labels: { 'rediscrdt.io/inject': 'shared' } }, spec: { containers: [{ name: 'app', image: 'node:20' }] } } });
    assert.deepEqual(dry.spec?.initContainers?.map((c) => c.name), ['rediscrdt-redis', 'rediscrdt-sidecar']);
    assert.equal((await core().listNamespacedSecret({ namespace: ns, labelSelector: 'rediscrdt.io/member' })).items.length, before);
  });

  it('converges the counter across the app pods', async function () {
    this.timeout(180_000);
    const pods = await appPods();
    await incrementEverywhere(pods, 20);
    await everyPodReads(pods, acknowledged);
  });

  it('scales 3 → 4: the new member catches up and takes increments', async function () {
    this.timeout(420_000);
    await scale(4);
    const pods = await settle(4);
    await everyPodReads(pods, acknowledged);
    await incrementEverywhere(pods, 10);
    await everyPodReads(pods, acknowledged);
  });

  it('scales 4 → 2 right after increments on every pod: the leaving members drain, are retired, and no increment is lost', async function () {
    this.timeout(420_000);
    const before = await appPods();
    await incrementEverywhere(before, 15);
    await scale(2);
    const after = await settle(2);
    const stayed = new Set(after.map((p) => p.metadata?.annotations?.['rediscrdt.io/member-id']));
    const left = before.map((p) => p.metadata?.annotations?.['rediscrdt.io/member-id'] ?? '').filter((id) => !stayed.has(id));
    assert.equal(left.length, 2);
    await everyPodReads(after, acknowledged);
    let last: Status = {};
    await waitFor('the departed members to be retired', 240_000, async () => {
      last = await status();
      return left.every((id) => last.removedReplicas?.includes(id) === true) ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    const secrets = (await core().listNamespacedSecret({ namespace: ns, labelSelector: 'rediscrdt.io/member' })).items.map((s) => s.metadata?.labels?.['rediscrdt.io/member']);
    assert.deepEqual(secrets.sort(), [...stayed].sort(), 'only the staying members keep a certificate');
  });

  it('a mixed cluster: a StatefulSet replica joins the injected members, catches up through the enforced NetworkPolicy, and its writes reach the app pods', async function () {
    this.timeout(420_000);
    await KubernetesObjectApi.makeApiClient(cluster.kubeconfig).patch(clusterObject(ns, 'shared', { replicas: 1 }), undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');
    let last: Status = {};
    await waitFor('shared-0 Ready next to the members', 300_000, async () => {
      last = await status();
      return ready(last) && last.readyReplicas === 1 ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    assert.ok(cluster.podNetworkReachable, 'this test talks to pod IPs directly (the testbed allows it)');
    const ip = (await core().readNamespacedPod({ name: 'shared-0', namespace: ns })).status?.podIP ?? '';
    // The replica's replication port admits only cluster pods: the members' streams get through.
    let seen: string | null = null;
    await waitFor('shared-0 to hold every acknowledged increment', 120_000, async () => {
      seen = await resp(ip, 6379, ['GET', 'counter']);
      return seen === String(acknowledged) ? true : undefined;
    }, 500).catch((e: unknown) => { throw new Error(`${String(e)}; last read ${String(seen)}`); });
    assert.equal(await resp(ip, 6379, ['INCRBY', 'counter', '7']), `:${acknowledged + 7}`);
    acknowledged += 7;
    await everyPodReads(await appPods(), acknowledged);
  });
});
