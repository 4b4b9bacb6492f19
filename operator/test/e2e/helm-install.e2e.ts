/**
 * `helm install` of the chart on the testbed: the operator runs as a pod under the
 * chart's least-privilege RBAC (the testbed maps the operator image to the built
 * program), and the example cluster from crds/examples becomes Ready.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { runCommand, useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import { repoPath } from '../fixtures/repo.js';
import { createNamespace, kubectl } from './support.js';

describe('operator e2e: helm install and the example cluster', function () {
  let cluster: Cluster;
  const suffix = randomBytes(3).toString('hex');
  const system = `rco-system-${suffix}`;
  const apps = `rco-apps-${suffix}`;
  const helmBin = (): string => (cluster.binDir === undefined ? 'helm' : path.join(cluster.binDir, 'helm'));

  before(async function () {
    this.timeout(90 * 60_000);
    cluster = await useCluster();
    await createNamespace(cluster, system);
    await createNamespace(cluster, apps);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(cluster.diagnostics());
  });

  after(async function () {
    this.timeout(120_000);
    if (cluster === undefined) return;
    await runCommand([helmBin(), '--kubeconfig', cluster.kubeconfigPath, 'uninstall', 'rco', '-n', system]);
    for (const ns of [apps, system]) await cluster.kubeconfig.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    await cluster.stop();
  });

  it('installs the chart and the operator pod becomes ready', async function () {
    this.timeout(180_000);
    const r = await runCommand([helmBin(), '--kubeconfig', cluster.kubeconfigPath, 'install', 'rco', repoPath('charts/redis-crdt-operator'), '-n', system, '--wait', '--timeout', '150s']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /kubectl apply -n <namespace> -f/, 'NOTES.txt tells the next step');
  });

  it('turns the example RedisCRDTCluster into a Ready, replicating cluster', async function () {
    this.timeout(300_000);
    const r = await runCommand([kubectl(cluster), '--kubeconfig', cluster.kubeconfigPath, 'apply', '-n', apps, '-f', repoPath('crds/examples/basic.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    const custom = cluster.kubeconfig.makeApiClient(CustomObjectsApi);
    let last: unknown;
    await waitFor('the example cluster to be Ready', 240_000, async () => {
      const o = (await custom.getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: apps, plural: 'rediscrdtclusters', name: 'cache' })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      last = o.status;
      return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    const get = await runCommand([kubectl(cluster), '--kubeconfig', cluster.kubeconfigPath, 'get', 'rcc', '-n', apps]);
    assert.match(get.stdout, /cache\s+3\s+3\s+\d+\s+Running/, get.stdout);
  });
});
