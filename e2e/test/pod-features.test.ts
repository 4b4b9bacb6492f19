// Pod features the operator's StatefulSets depend on, proven on the cluster:
// init containers, native sidecars gated by a startup probe, Secret env and
// volumes, $(VAR) expansion, downward-API files, and restarts with back-off.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { waitFor, type Cluster } from '../harness/index.js';
import { crashingPod, featureSecret, initAndSidecarPod } from './support/feature-pods.js';
import { isReady } from './support/kube-wait.js';
import { sharedCluster } from './support/shared-cluster.js';

describe('e2e pod features: init containers, native sidecars, secrets, restarts', function () {
  let cluster: Cluster;
  let core: CoreV1Api;
  const namespace = `e2e-features-${randomBytes(3).toString('hex')}`;

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await sharedCluster();
    core = cluster.kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await waitFor('the default ServiceAccount', 30_000, async () => core.readNamespacedServiceAccount({ name: 'default', namespace }));
    await core.createNamespacedSecret({ namespace, body: featureSecret() });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    if (core) await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('runs init containers first, then the native sidecar, then the app, with env and volumes from the manifest', async function () {
    await core.createNamespacedPod({ namespace, body: initAndSidecarPod('features') });
    const pod = await waitFor('pod features to be Ready', 120_000, async () => {
      const p = await core.readNamespacedPod({ name: 'features', namespace });
      return isReady(p) ? p : undefined;
    });
    const [init, helper] = pod.status?.initContainerStatuses ?? [];
    assert.equal(init?.state?.terminated?.exitCode, 0, 'the init container ran to completion');
    assert.ok(helper?.state?.running, 'the native sidecar keeps running');
    const exec = async (script: string): Promise<string> => {
      const r = await cluster.exec(namespace, 'features', ['sh', '-c', script], 'app');
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(await exec('cat /work/marker'), 'initialised');
    assert.equal(await exec('echo "$PW|$DERIVED"'), 'hunter2|hunter2-derived');
    assert.equal(await exec('cat /etc/feature-tls/server.crt'), 'CERT');
    assert.equal(await exec('cat /etc/podinfo/labels'), 'role="features"');
    // The sidecar shares the pod's network namespace: localhost:8080 is the helper.
    const hello = await cluster.exec(namespace, 'features', ['node', '-e', 'fetch("http://localhost:8080").then((r) => r.text()).then(console.log)'], 'helper');
    assert.equal(hello.stdout.trim(), 'helper-ok');
  });

  it('restarts a crashing container and reports the restarts', async function () {
    await core.createNamespacedPod({ namespace, body: crashingPod('crasher') });
    const status = await waitFor('the crasher to be restarted twice', 120_000, async () => {
      const s = (await core.readNamespacedPod({ name: 'crasher', namespace })).status?.containerStatuses?.[0];
      return s && (s.restartCount ?? 0) >= 2 ? s : undefined;
    });
    assert.equal(status.lastState?.terminated?.exitCode, 3);
  });
});
