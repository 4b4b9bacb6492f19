// Waits the smoke test needs, phrased as questions to the API server.
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../harness/index.js';
import { waitFor } from '../../harness/index.js';

/** Whether the pod has the Ready condition set to True. */
export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waits until the StatefulSet reports `replicas` ready pods, and returns those pods by ordinal. */
export async function waitForReadySet(cluster: Cluster, namespace: string, name: string, replicas: number, timeoutMs = 120_000): Promise<V1Pod[]> {
  const apps = cluster.kubeconfig.makeApiClient(AppsV1Api);
  const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
  return waitFor(`StatefulSet ${namespace}/${name} to have ${replicas} ready pods`, timeoutMs, async () => {
    const set = await apps.readNamespacedStatefulSet({ name, namespace });
    if ((set.status?.readyReplicas ?? 0) < replicas) return undefined;
    const pods: V1Pod[] = [];
    for (let i = 0; i < replicas; i++) {
      const pod = await core.readNamespacedPod({ name: `${name}-${i}`, namespace });
      if (!isReady(pod) || !pod.status?.podIP || pod.metadata?.deletionTimestamp) return undefined;
      pods.push(pod);
    }
    return pods;
  }, 500);
}
