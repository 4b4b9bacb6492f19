// The e2e harness's public API. A test calls `useCluster()` once (in `before`)
// and `cluster.stop()` in `after`: with KUBECONFIG set it talks to that cluster,
// otherwise it starts the local testbed (real etcd, kube-apiserver,
// kube-controller-manager, and our node agent running pods as local processes).
import type { Cluster } from './cluster.js';
import type { Testbed } from './testbed.js';
import { externalCluster } from './external-cluster.js';
import { startTestbed } from './testbed.js';

export type { Cluster } from './cluster.js';
export type { Testbed } from './testbed.js';
export { startTestbed, NODE_NAME } from './testbed.js';
export { externalCluster } from './external-cluster.js';
export { SIDECAR_MAIN, OPERATOR_MAIN, lookupImage } from './node-agent/images.js';
export { waitFor, sleep } from './wait-for.js';
export { runCommand, mustRun, type CommandResult } from './run-command.js';

/** Narrows a Cluster to the local testbed, which also offers pod IPs and network namespaces. */
export function isTestbed(cluster: Cluster): cluster is Testbed {
  return cluster.kind === 'testbed';
}

/** The cluster the e2e suite runs against: KUBECONFIG's, or a freshly started testbed. */
export async function useCluster(): Promise<Cluster> {
  const kubeconfig = process.env['KUBECONFIG'];
  if (kubeconfig) return externalCluster(kubeconfig);
  return startTestbed();
}
