// A Cluster backed by whatever KUBECONFIG points at (kind, k3d, a cloud
// cluster). Exec goes through `kubectl exec`; nothing is started or stopped.
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';
import { runCommand } from './run-command.js';

/** Connects to the cluster in `kubeconfigPath`. */
export function externalCluster(kubeconfigPath: string): Cluster {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(kubeconfigPath);
  return {
    kind: 'external',
    kubeconfig,
    kubeconfigPath,
    binDir: undefined,
    podNetworkReachable: false,
    exec: (namespace, pod, argv, container) =>
      runCommand(['kubectl', '--kubeconfig', kubeconfigPath, 'exec', '-n', namespace, pod, ...(container ? ['-c', container] : []), '--', ...argv], { timeoutMs: 60_000 }),
    diagnostics: () => `external cluster from ${kubeconfigPath}: use kubectl to inspect it`,
    stop: () => Promise.resolve(),
  };
}
