/**
 * One replica's TLS Secret (`kubernetes.io/tls` shape, as cert-manager writes it):
 * its certificate and key plus `ca.crt`, the trust bundle (cluster CA, the previous
 * CA during a rotation, and every remote cluster's CA).
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta } from './meta.js';
import { namesFor } from './names.js';

export interface PodTlsMaterial {
  ordinal: number;
  certPem: string;
  keyPem: string;
  trustBundlePem: string;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A `kubernetes.io/tls` Secret of the cluster holding one certificate, its key and the trust bundle. */
export function buildTlsSecret(
  cluster: RedisCRDTCluster, name: string, labels: Record<string, string>,
  tls: { certPem: string; keyPem: string; trustBundlePem: string },
): V1Secret {
  const meta = objectMeta(cluster, name, 'certificates');
  meta.labels = { ...meta.labels, ...labels };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta,
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(tls.certPem), 'tls.key': b64(tls.keyPem), 'ca.crt': b64(tls.trustBundlePem) },
  };
}

export function buildPodTlsSecret(cluster: RedisCRDTCluster, tls: PodTlsMaterial): V1Secret {
  const names = namesFor(cluster.metadata.name);
  return buildTlsSecret(cluster, names.podTlsSecret(tls.ordinal), { 'rediscrdt.io/pod': names.pod(tls.ordinal) }, tls);
}
