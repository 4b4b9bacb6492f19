/**
 * Labels and metadata shared by every object: the recommended app.kubernetes.io
 * labels, and a controller owner reference so the garbage collector removes
 * everything when the RedisCRDTCluster is deleted.
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { truncateName } from './names.js';

export const MANAGED_BY = 'redis-crdt-operator';
export const APP_NAME = 'redis-crdt';

export type Component = 'database' | 'certificates' | 'peers' | 'client' | 'monitoring' | 'network';

/** The labels that pick out one cluster's pods; immutable in the StatefulSet, so never extended. */
export function selectorLabels(cluster: RedisCRDTCluster): Record<string, string> {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/instance': truncateName(cluster.metadata.name) };
}

export function standardLabels(cluster: RedisCRDTCluster, component: Component): Record<string, string> {
  return {
    ...selectorLabels(cluster),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': APP_NAME,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

export function ownerReference(cluster: RedisCRDTCluster): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: cluster.metadata.name, uid: cluster.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** Metadata for an object owned by `cluster`. */
export function objectMeta(cluster: RedisCRDTCluster, name: string, component: Component, extra: { annotations?: Record<string, string> } = {}): V1ObjectMeta {
  const meta: V1ObjectMeta = {
    name,
    namespace: cluster.metadata.namespace,
    labels: standardLabels(cluster, component),
    ownerReferences: [ownerReference(cluster)],
  };
  if (extra.annotations !== undefined && Object.keys(extra.annotations).length > 0) meta.annotations = extra.annotations;
  return meta;
}

/** The label selector string the scale subresource publishes in status.selector. */
export function selectorString(cluster: RedisCRDTCluster): string {
  return Object.entries(selectorLabels(cluster)).map(([k, v]) => `${k}=${v}`).join(',');
}
