// Smoke test for the e2e bed: proves it is a real cluster. The real
// kube-controller-manager turns a StatefulSet into pods, the node agent runs
// them as redis-server processes with their own IPs, names, volumes and env,
// and a deleted pod comes back with its data. With KUBECONFIG set, the same
// tests run against that cluster instead of a local bed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { isTestbed, mustRun, waitFor, type Cluster } from '../harness/index.js';
import { inClusterProbePod } from './support/in-cluster-probe.js';
import { isReady, waitForReadySet } from './support/kube-wait.js';
import { headlessService, redisConfig, redisStatefulSet, type RedisSet } from './support/redis-statefulset.js';
import { respCommand } from './support/resp-ping.js';
import { sharedCluster } from './support/shared-cluster.js';

describe('e2e smoke: a StatefulSet of redis-server pods', function () {
  let cluster: Cluster;
  let core: CoreV1Api;
  const set: RedisSet = { name: 'web', namespace: `e2e-smoke-${randomBytes(3).toString('hex')}`, replicas: 3 };
  const fqdn = (ordinal: number): string => `${set.name}-${ordinal}.${set.name}.${set.namespace}.svc.cluster.local`;

  /** Runs redis-cli inside pod `web-<from>` and returns its trimmed output. */
  async function cliIn(from: number, ...args: string[]): Promise<string> {
    const result = await cluster.exec(set.namespace, `${set.name}-${from}`, ['redis-cli', ...args]);
    assert.equal(result.code, 0, `redis-cli ${args.join(' ')} in ${set.name}-${from} failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  async function podIPs(): Promise<string[]> {
    const pods = await waitForReadySet(cluster, set.namespace, set.name, set.replicas);
    return pods.map((p) => p.status?.podIP ?? '');
  }

  before(async function () {
    // A cold build of the control plane takes many minutes; later runs reuse it.
    this.timeout(90 * 60_000);
    cluster = await sharedCluster();
    core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    const apps = cluster.kubeconfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: set.namespace } } });
    // The namespace's default ServiceAccount must exist before pods can be admitted.
    await waitFor('the default ServiceAccount', 30_000, async () => core.readNamespacedServiceAccount({ name: 'default', namespace: set.namespace }));
    await core.createNamespacedConfigMap({ namespace: set.namespace, body: redisConfig(set) });
    await core.createNamespacedService({ namespace: set.namespace, body: headlessService(set) });
    await apps.createNamespacedStatefulSet({ namespace: set.namespace, body: redisStatefulSet(set) });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    if (!cluster) return;
    await core.deleteNamespace({ name: set.namespace }).catch(() => undefined);
  });

  it('the StatefulSet controller creates three pods and the node agent runs them to Ready', async function () {
    const pods = await waitForReadySet(cluster, set.namespace, set.name, set.replicas);
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.equal(pod.status?.phase, 'Running');
      assert.ok(pod.spec?.nodeName, 'pod is bound to a node');
      assert.equal(pod.status?.containerStatuses?.[0]?.ready, true);
    }
    assert.equal(new Set(pods.map((p) => p.status?.podIP)).size, 3, 'every pod has its own IP');
  });

  it('every pod answers PING on its own IP', async function () {
    const ips = await podIPs();
    for (const [i, ip] of ips.entries()) {
      const from = (i + 1) % ips.length;
      assert.equal(await cliIn(from, '-h', ip, 'ping'), 'PONG', `web-${from} → web-${i} at ${ip}`);
      if (cluster.podNetworkReachable) assert.equal(await respCommand(ip, 6379, 'PING'), '+PONG', `host → web-${i} at ${ip}`);
    }
  });

  it('pods reach each other by their stable DNS names', async function () {
    await podIPs();
    assert.equal(await cliIn(1, '-h', fqdn(0), 'ping'), 'PONG');
    assert.equal(await cliIn(2, '-h', `${set.name}-0.${set.name}`, 'ping'), 'PONG');
    assert.equal(await cliIn(0, '-h', `${set.name}-2.${set.name}.${set.namespace}`, 'ping'), 'PONG');
    if (isTestbed(cluster)) {
      // The same lookup from a plain `ip netns exec`, which sees the pod's /etc/hosts via /etc/netns.
      const netns = cluster.podNetns(set.namespace, `${set.name}-1`) ?? '';
      assert.equal((await mustRun(['ip', 'netns', 'exec', netns, 'redis-cli', '-h', fqdn(0), 'ping'])).trim(), 'PONG');
    }
  });

  it('localhost inside a pod is that pod, and its hostname is the pod name', async function () {
    const ips = await podIPs();
    await cliIn(1, '-h', '127.0.0.1', 'set', 'owner', 'web-1');
    assert.equal(await cliIn(0, '-h', '127.0.0.1', 'get', 'owner'), '');
    assert.equal(await cliIn(0, '-h', ips[1] ?? '', 'get', 'owner'), 'web-1');
    const hostname = await cluster.exec(set.namespace, `${set.name}-2`, ['hostname']);
    assert.equal(hostname.stdout.trim(), `${set.name}-2`);
  });

  it('env, ConfigMap volume and service-account token reach the container as the manifest says', async function () {
    const ips = await podIPs();
    assert.equal(await cliIn(0, 'config', 'get', 'maxmemory-policy'), 'maxmemory-policy\nallkeys-lru');
    const env = await cluster.exec(set.namespace, `${set.name}-1`, ['sh', '-c', 'echo "$POD_NAME|$POD_IP|$GREETING"']);
    assert.equal(env.stdout.trim(), `${set.name}-1|${ips[1] ?? ''}|hello from ${set.name}-1`);
    const ns = await cluster.exec(set.namespace, `${set.name}-1`, ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace']);
    assert.equal(ns.stdout.trim(), set.namespace);
    const token = await cluster.exec(set.namespace, `${set.name}-1`, ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token']);
    assert.match(token.stdout, /^eyJ/, 'a JWT from the TokenRequest API');
  });

  it('a deleted pod is recreated by the StatefulSet controller and keeps its volume', async function () {
    await podIPs();
    await cliIn(0, 'set', 'survivor', 'yes');
    assert.equal(await cliIn(0, 'save'), 'OK');
    const old = await core.readNamespacedPod({ name: `${set.name}-0`, namespace: set.namespace });
    await core.deleteNamespacedPod({ name: `${set.name}-0`, namespace: set.namespace });
    await waitFor('web-0 to be recreated and Ready', 120_000, async () => {
      const pod = await core.readNamespacedPod({ name: `${set.name}-0`, namespace: set.namespace }).catch(() => undefined);
      return pod && pod.metadata?.uid !== old.metadata?.uid && isReady(pod) ? pod : undefined;
    });
    await podIPs();
    assert.equal(await cliIn(1, '-h', fqdn(0), 'get', 'survivor'), 'yes');
  });

  it('a pod reaches the apiserver with its service-account token, and RBAC decides', async function () {
    const rbac = cluster.kubeconfig.makeApiClient(RbacAuthorizationV1Api);
    const namespace = set.namespace;
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'lister' } } });
    const exitCodeOf = (name: string): Promise<number> =>
      waitFor(`pod ${name} to finish`, 90_000, async () => {
        const pod = await core.readNamespacedPod({ name, namespace });
        return pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
      });
    // Authenticated but not authorized: the API answers 403 and the probe exits 3.
    await core.createNamespacedPod({ namespace, body: inClusterProbePod('api-denied', 'lister') });
    assert.equal(await exitCodeOf('api-denied'), 3);
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'pod-lister' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] } });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: { metadata: { name: 'pod-lister' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-lister' }, subjects: [{ kind: 'ServiceAccount', name: 'lister', namespace }] },
    });
    await core.createNamespacedPod({ namespace, body: inClusterProbePod('api-allowed', 'lister') });
    assert.equal(await exitCodeOf('api-allowed'), 0);
  });

  it('a pod whose image cannot be run does not start and says why', async function () {
    const name = 'no-such-image';
    await core.createNamespacedPod({
      namespace: set.namespace,
      body: { metadata: { name }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.invalid/redis-crdt/no-such-image:0' }] } },
    });
    const reason = await waitFor('the pod to report why its image cannot run', 60_000, async () => {
      const pod = await core.readNamespacedPod({ name, namespace: set.namespace });
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return waiting && waiting !== 'ContainerCreating' && waiting !== 'PodInitializing' ? waiting : undefined;
    });
    assert.ok(['UnknownImage', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'].includes(reason), `reason ${reason}`);
  });
});
