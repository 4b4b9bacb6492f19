/**
 * The replicas' StatefulSet. The operator, not the StatefulSet controller, decides
 * when pods change: `OnDelete` updates let the reconciler replace one pod at a
 * time after replication has caught up, and the replica count it is given already
 * accounts for a scale-down in progress (a replica leaves only once drained).
 */
import type { V1StatefulSet } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta, selectorLabels } from './meta.js';
import { namesFor } from './names.js';
import { buildPodTemplate } from './pod-template.js';

export interface StatefulSetInput {
  replicas: number;
  /**
   * Size written into the PVC template. volumeClaimTemplates are immutable, so the
   * reconciler passes the existing template's size; growth goes to each PVC directly.
   */
  claimTemplateSize: string;
}

export function buildStatefulSet(cluster: RedisCRDTCluster, input: StatefulSetInput): V1StatefulSet {
  const names = namesFor(cluster.metadata.name);
  const claimSpec: NonNullable<NonNullable<V1StatefulSet['spec']>['volumeClaimTemplates']>[number]['spec'] = {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: input.claimTemplateSize } },
  };
  if (cluster.spec.storage.className !== undefined && claimSpec !== undefined) claimSpec.storageClassName = cluster.spec.storage.className;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(cluster, names.statefulSet, 'database'),
    spec: {
      replicas: input.replicas,
      serviceName: names.headlessService,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      // Volumes are kept on scale-down: a pause (replicas 0) must keep data. The reconciler
      // deletes a volume itself once its replica is drained and retired for good.
      persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: 'Retain' },
      selector: { matchLabels: selectorLabels(cluster) },
      template: buildPodTemplate(cluster),
      volumeClaimTemplates: [{ metadata: { name: names.dataVolume, labels: selectorLabels(cluster) }, spec: claimSpec }],
    },
  };
}
