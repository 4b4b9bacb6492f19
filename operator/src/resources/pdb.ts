/** At most one replica down by voluntary disruption (node drains), so quorum-free replication keeps most peers up. */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta, selectorLabels } from './meta.js';
import { namesFor } from './names.js';

export function buildPodDisruptionBudget(cluster: RedisCRDTCluster): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).pdb, 'database'),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(cluster) } },
  };
}
