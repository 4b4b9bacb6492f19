/** Shared setup for the operator's tests against a real API server (the e2e testbed or $KUBECONFIG). */
import path from 'node:path';
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { runCommand, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import { EC_KEY_ALGORITHM } from '../../src/certs/index.js';
import type { EventRecorder } from '../../src/controller/events.js';
import { ApiServerClient } from '../../src/controller/kube-client.js';
import { HttpAdminClient } from '../../src/reconcile/admin-client.js';
import type { ReconcileDeps } from '../../src/reconcile/deps.js';
import { repoPath } from '../fixtures/repo.js';

export function kubectl(cluster: Cluster): string {
  return cluster.binDir === undefined ? 'kubectl' : path.join(cluster.binDir, 'kubectl');
}

/**
 * Installs (or updates) the CRD from crds/ as users do, with kubectl, and waits
 * until it is served. (Not through client-node: its model serializer drops schema
 * keywords such as `default` and `x-kubernetes-validations` from plain YAML.)
 */
export async function installCrd(cluster: Cluster): Promise<void> {
  const r = await runCommand([kubectl(cluster), '--kubeconfig', cluster.kubeconfigPath, 'apply', '--server-side', '-f', repoPath('crds/rediscrdt.io_rediscrdtclusters.yaml')]);
  if (r.code !== 0) throw new Error(`kubectl apply of the CRD failed: ${r.stderr}`);
  const ext = cluster.kubeconfig.makeApiClient(ApiextensionsV1Api);
  await waitFor('the CRD to be established', 60_000, async () => {
    const got = await ext.readCustomResourceDefinition({ name: 'rediscrdtclusters.rediscrdt.io' });
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true ? true : undefined;
  });
}

export async function createNamespace(cluster: Cluster, name: string): Promise<void> {
  const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } });
  await waitFor('the default ServiceAccount', 30_000, async () => core.readNamespacedServiceAccount({ name: 'default', namespace: name }));
}

export function clusterObject(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace: string } } {
  return { apiVersion: 'rediscrdt.io/v1alpha1', kind: 'RedisCRDTCluster', metadata: { name, namespace }, spec };
}

/** Reconciler dependencies on the real API server, with events kept in memory for assertions. */
export function realDeps(cluster: Cluster, events: string[], serials = { n: 0 }): ReconcileDeps {
  const recorder: EventRecorder = { record: (_o, type, reason, message) => events.push(`${type} ${reason}: ${message}`) };
  const quiet = (): void => undefined;
  return {
    kube: new ApiServerClient(cluster.kubeconfig),
    admin: new HttpAdminClient(1500),
    events: recorder,
    log: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    now: () => new Date(),
    crypto: globalThis.crypto,
    newKeys: () => globalThis.crypto.subtle.generateKey(EC_KEY_ALGORITHM, true, ['sign', 'verify']),
    newSerial: () => `${Date.now().toString(16)}${(++serials.n).toString(16).padStart(4, '0')}`.padStart(16, '0'),
    options: { clusterDomain: 'cluster.local', certPropagationDelayMs: 10_000, pollIntervalMs: 5000, busyPollIntervalMs: 1000 },
  };
}
