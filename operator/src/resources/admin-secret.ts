/**
 * The admin token Secret: the bearer token a cluster's sidecars require on
 * POST /v1/drain and /v1/undrain (their admin port is reachable on the pod network
 * for probes and Prometheus). The sidecars read it from the environment; only the
 * operator sends it. Generated once and kept: changing it would roll every pod.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta } from './meta.js';
import { namesFor } from './names.js';

export const ADMIN_TOKEN_KEY = 'token';

export function buildAdminSecret(cluster: RedisCRDTCluster, token: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).adminSecret, 'database'),
    type: 'Opaque',
    data: { [ADMIN_TOKEN_KEY]: Buffer.from(token, 'utf8').toString('base64') },
  };
}
