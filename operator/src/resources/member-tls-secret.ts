/**
 * An injected member's TLS Secret (`kubernetes.io/tls` shape, like a replica's):
 * issued by the webhook when the pod is admitted, renewed by the reconciler, and
 * deleted by it once the member's pod is gone. Owned by the cluster, so deleting
 * the cluster collects it too.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { MEMBER_LABEL, memberTlsSecretName } from './injection.js';
import { objectMeta } from './meta.js';

export interface MemberTlsMaterial {
  memberId: string;
  certPem: string;
  keyPem: string;
  trustBundlePem: string;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function buildMemberTlsSecret(cluster: RedisCRDTCluster, tls: MemberTlsMaterial): V1Secret {
  const meta = objectMeta(cluster, memberTlsSecretName(cluster.metadata.name, tls.memberId), 'certificates');
  meta.labels = { ...meta.labels, [MEMBER_LABEL]: tls.memberId };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta,
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(tls.certPem), 'tls.key': b64(tls.keyPem), 'ca.crt': b64(tls.trustBundlePem) },
  };
}
