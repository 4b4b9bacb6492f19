// Gives every pending PersistentVolumeClaim a PersistentVolume backed by a
// local directory (pre-bound through claimRef), which the persistentvolume
// binder in kube-controller-manager then binds. The directory is keyed by
// namespace and claim name (pod-volumes.ts), so a StatefulSet pod's data
// survives the pod being deleted and recreated.
import path from 'node:path';
import type { CoreV1Api, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { parseQuantity } from '../../../operator/src/util/quantity.js';
import { log } from '../log.js';

/** Creates PVs for pending claims (`claims`: every claim, listed once per agent tick). */
export async function provisionClaims(core: CoreV1Api, claims: readonly V1PersistentVolumeClaim[], pvRoot: string): Promise<void> {
  for (const claim of claims) {
    if (claim.spec?.volumeName || claim.status?.phase !== 'Pending' || claim.metadata?.deletionTimestamp) continue;
    try {
      await core.createPersistentVolume({ body: volumeFor(claim, pvRoot) });
      log.info('Provisioned PersistentVolume', { namespace: claim.metadata?.namespace, claim: claim.metadata?.name });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 409)) throw e;
    }
  }
}

/** A hostPath PV sized and shaped like the claim, reserved for it. */
export function volumeFor(claim: V1PersistentVolumeClaim, pvRoot: string): V1PersistentVolume {
  const namespace = claim.metadata?.namespace ?? 'default';
  const name = claim.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `e2e-${claim.metadata?.uid ?? name}`, labels: { 'redis-crdt.io/e2e-provisioned': 'true' } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.['storage'] ?? '1Gi' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      storageClassName: claim.spec?.storageClassName ?? '',
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: path.join(pvRoot, namespace, name) },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name, uid: claim.metadata?.uid ?? '' },
    },
  };
}

/**
 * Plays the CSI resizer and the kubelet's filesystem resize for expanded claims: a bound
 * claim whose request grew past its capacity (the API server allowed it: its StorageClass
 * has allowVolumeExpansion) gets the larger capacity on its PV and then in its status.
 * A hostPath directory has no size of its own, so nothing on disk changes.
 */
export async function resizeClaims(core: CoreV1Api, claims: readonly V1PersistentVolumeClaim[]): Promise<void> {
  for (const claim of claims) {
    const requested = claim.spec?.resources?.requests?.['storage'];
    const capacity = claim.status?.capacity?.['storage'];
    const volumeName = claim.spec?.volumeName;
    if (claim.status?.phase !== 'Bound' || requested === undefined || capacity === undefined || volumeName === undefined) continue;
    const want = parseQuantity(requested);
    const have = parseQuantity(capacity);
    if (!want.ok || !have.ok || want.value <= have.value) continue;
    const namespace = claim.metadata?.namespace ?? 'default';
    const name = claim.metadata?.name ?? '';
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchPersistentVolume({ name: volumeName, body: { spec: { capacity: { storage: requested } } } }, merge);
    await core.patchNamespacedPersistentVolumeClaimStatus({ name, namespace, body: { status: { capacity: { storage: requested } } } }, merge);
    log.info('Expanded PersistentVolume', { namespace, claim: name, from: capacity, to: requested });
  }
}
