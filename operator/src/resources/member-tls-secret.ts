/**
 * An injected member's TLS Secret (`kubernetes.io/tls` shape, like a replica's):
 * issued by the webhook when the pod is admitted, renewed by the reconciler, and
 * deleted by it once the member's pod is gone. Owned by the cluster, so deleting
 * the cluster collects it too.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { MEMBER_LABEL, memberTlsSecretName } from './injection.js';
import { buildTlsSecret } from './pod-tls-secret.js';

export interface MemberTlsMaterial {
  memberId: string;
  certPem: string;
  keyPem: string;
  trustBundlePem: string;
}

export function buildMemberTlsSecret(cluster: RedisCRDTCluster, tls: MemberTlsMaterial): V1Secret {
  return buildTlsSecret(cluster, memberTlsSecretName(cluster.metadata.name, tls.memberId), { [MEMBER_LABEL]: tls.memberId }, tls);
}
