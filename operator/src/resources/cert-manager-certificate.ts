/**
 * A cert-manager `Certificate` for one replica or injected member (tls.issuer
 * certManager). cert-manager writes the Secret the pod already mounts
 * (`secretName`), with the same names and usages the internal issuer puts in
 * its leaves, so the pod template is identical in both modes. `secretTemplate`
 * gives that Secret the operator's labels, so the operator's Secret watch sees
 * every issuance and renewal.
 */
import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta, standardLabels } from './meta.js';

export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';
export const CERTIFICATE_KIND = 'Certificate';

/** What one leaf needs: its identity, the Secret cert-manager writes, and the label that ties the Secret to its pod. */
export interface CertificateSubject {
  commonName: string;
  secretName: string;
  dnsNames: readonly string[];
  /** e.g. `rediscrdt.io/pod: cache-0`, copied onto the issued Secret like the internal issuer's Secrets carry it. */
  secretLabels: Readonly<Record<string, string>>;
}

export interface CertManagerCertificateSpec {
  secretName: string;
  secretTemplate: { labels: Record<string, string> };
  commonName: string;
  dnsNames: string[];
  duration: string;
  renewBefore?: string;
  usages: string[];
  privateKey: { algorithm: 'ECDSA'; size: 256; rotationPolicy: 'Always' };
  issuerRef: { group: 'cert-manager.io'; kind: 'Issuer' | 'ClusterIssuer'; name: string };
}

export interface CertManagerCertificate extends KubernetesObject {
  apiVersion: typeof CERT_MANAGER_API_VERSION;
  kind: typeof CERTIFICATE_KIND;
  metadata: V1ObjectMeta;
  spec: CertManagerCertificateSpec;
}

/** Both ends of a peer link present the same certificate: the replica is server and client of mTLS. */
const USAGES = ['server auth', 'client auth', 'digital signature', 'key encipherment'];

/**
 * The Certificate for `subject`, named like its Secret (one Certificate per Secret).
 * Throws only on a cluster that is not in certManager mode, which the caller never passes.
 */
export function buildCertManagerCertificate(cluster: RedisCRDTCluster, subject: CertificateSubject): CertManagerCertificate {
  const ref = cluster.spec.tls.certManagerIssuerRef;
  if (ref === undefined) throw new Error('buildCertManagerCertificate: spec.tls.certManagerIssuerRef is required (validation guarantees it with issuer certManager)');
  const meta = objectMeta(cluster, subject.secretName, 'certificates');
  meta.labels = { ...meta.labels, ...subject.secretLabels };
  const spec: CertManagerCertificateSpec = {
    secretName: subject.secretName,
    secretTemplate: { labels: { ...standardLabels(cluster, 'certificates'), ...subject.secretLabels } },
    commonName: subject.commonName,
    dnsNames: [...subject.dnsNames],
    duration: cluster.spec.tls.validity,
    usages: [...USAGES],
    // A new key at every renewal, as the internal issuer does.
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    issuerRef: { group: 'cert-manager.io', kind: ref.kind, name: ref.name },
  };
  // Unset, cert-manager renews at 2/3 of the lifetime: the internal issuer's default too.
  if (cluster.spec.tls.renewBefore !== undefined) spec.renewBefore = cluster.spec.tls.renewBefore;
  return { apiVersion: CERT_MANAGER_API_VERSION, kind: CERTIFICATE_KIND, metadata: meta, spec };
}
