/**
 * Volume life cycle outside the StatefulSet's reach: growth of existing PVCs
 * (volumeClaimTemplates are immutable, so a larger spec.storage.size is applied to
 * each PVC; the StorageClass must allow expansion) and deletion of a retired
 * replica's PVC.
 */
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { describeError } from '../controller/api-errors.js';
import { namesFor, ordinalOf } from '../resources/names.js';
import { parseQuantity } from '../util/quantity.js';
import type { ReconcileDeps } from './deps.js';
import { pvcRequestedStorage } from './object-facts.js';

export async function growVolumes(deps: ReconcileDeps, cluster: RedisCRDTCluster, ordinals: readonly number[]): Promise<string[]> {
  const wanted = parseQuantity(cluster.spec.storage.size);
  if (!wanted.ok) return [];
  const names = namesFor(cluster.metadata.name);
  const warnings: string[] = [];
  for (const ordinal of ordinals) {
    const name = names.pvc(ordinal);
    const current = pvcRequestedStorage(await deps.kube.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: cluster.metadata.namespace, name }));
    const size = current === undefined ? undefined : parseQuantity(current);
    if (size === undefined || !size.ok || size.value >= wanted.value) continue;
    try {
      const patch: V1PersistentVolumeClaim = {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: cluster.metadata.namespace },
        spec: { resources: { requests: { storage: cluster.spec.storage.size } } },
      };
      await deps.kube.apply(patch);
      deps.log.info('Expanded volume', { namespace: cluster.metadata.namespace, name, from: current, to: cluster.spec.storage.size });
    } catch (err) {
      warnings.push(`PVC ${name} cannot grow to ${cluster.spec.storage.size}: ${describeError(err)}`);
    }
  }
  return warnings;
}

export async function deleteRetiredVolume(deps: ReconcileDeps, cluster: RedisCRDTCluster, pod: string): Promise<void> {
  const ordinal = ordinalOf(cluster.metadata.name, pod);
  if (ordinal === undefined) return;
  const name = namesFor(cluster.metadata.name).pvc(ordinal);
  if (await deps.kube.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: cluster.metadata.namespace, name })) {
    deps.log.info('Deleted volume of retired replica', { namespace: cluster.metadata.namespace, name });
  }
}
