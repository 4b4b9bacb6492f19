/**
 * tls.issuer certManager: the operator applies one cert-manager Certificate per
 * replica and injected member and never creates a CA; cert-manager issues and
 * renews the leaves into the Secrets the pods mount. Readiness comes from what
 * cert-manager actually wrote (the certificate in each Secret: parseable, not
 * expired, naming every DNS name the peers dial, with a `ca.crt`) together with
 * the Certificate's own Ready condition, which also says why issuance is stuck.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { inspectCertificate } from '../certs/index.js';
import { describeError, isNotFound } from '../controller/api-errors.js';
import { CERTIFICATE_KIND, CERT_MANAGER_API_VERSION, buildCertManagerCertificate } from '../resources/index.js';
import type { ReconcileDeps } from './deps.js';
import { secretText } from './secret-data.js';

/** One leaf to have issued (a replica's or an injected member's). */
export interface IssuedLeafTarget {
  commonName: string;
  secretName: string;
  dnsNames: string[];
  labels: Record<string, string>;
}

export interface CertManagerOutcome {
  ready: boolean;
  message: string;
  earliestLeafNotAfter?: string;
  leafNotAfter: Map<string, string>;
  nextCheck?: Date;
}

export type LeafState =
  | { ok: true; notAfter: Date }
  | { ok: false; notAfter?: Date; why: string };

interface CertificateCondition { type?: string; status?: string; reason?: string; message?: string }

/** The Certificate's Ready condition, as cert-manager reports it in status. */
export function certificateReady(certificate: KubernetesObject | undefined): CertificateCondition | undefined {
  const conditions = (certificate as { status?: { conditions?: CertificateCondition[] } } | undefined)?.status?.conditions;
  return conditions?.find((c) => c.type === 'Ready');
}

/**
 * Whether the Secret cert-manager wrote holds a usable leaf for `dnsNames` at `now` (pure).
 * A Certificate that is not Ready (e.g. its spec just changed) makes the leaf not ready
 * even when the old certificate is still valid: the new names are not issued yet.
 */
export function judgeIssuedLeaf(input: { certPem?: string; caPem?: string; ready?: CertificateCondition; dnsNames: readonly string[]; now: Date }): LeafState {
  const { certPem, caPem, ready, dnsNames, now } = input;
  const pending = ready === undefined ? 'cert-manager has not reported on it yet' : `${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`.trim();
  if (certPem === undefined) return { ok: false, why: `not issued (${pending})` };
  const info = inspectCertificate(certPem);
  if (!info.ok) return { ok: false, why: info.error };
  const { notAfter } = info.value;
  if (notAfter.getTime() <= now.getTime()) return { ok: false, notAfter, why: `expired at ${notAfter.toISOString()} (${pending})` };
  const missing = dnsNames.filter((n) => !info.value.dnsNames.includes(n));
  if (missing.length > 0) return { ok: false, notAfter, why: `certificate lacks DNS names ${missing.join(', ')} (${pending})` };
  if (caPem === undefined || caPem.trim() === '') return { ok: false, notAfter, why: 'the Secret has no ca.crt: the issuer must publish its CA (a CA or Vault issuer does; ACME does not)' };
  if (ready?.status !== 'True') return { ok: false, notAfter, why: `Certificate not Ready (${pending})` };
  return { ok: true, notAfter };
}

const CRDS_MISSING = 'cert-manager is not installed: the API server has no certificates.cert-manager.io resource. Install cert-manager (its CRDs and controller) or use tls.issuer internal';

/** Applies every Certificate and reads back what cert-manager issued. */
export async function ensureCertManagerCertificates(deps: ReconcileDeps, cluster: RedisCRDTCluster, targets: readonly IssuedLeafTarget[], involved: { apiVersion: string; kind: string; name: string; namespace: string; uid: string }): Promise<CertManagerOutcome> {
  const { namespace } = cluster.metadata;
  const leafNotAfter = new Map<string, string>();
  const problems: string[] = [];
  let nextCheck: Date | undefined;
  for (const target of targets) {
    try {
      await deps.kube.apply(buildCertManagerCertificate(cluster, { commonName: target.commonName, secretName: target.secretName, dnsNames: target.dnsNames, secretLabels: target.labels }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      deps.log.warn('cert-manager CRDs missing', { namespace, name: cluster.metadata.name, error: describeError(err) });
      deps.events.record(involved, 'Warning', 'CertManagerMissing', CRDS_MISSING);
      return { ready: false, message: CRDS_MISSING, leafNotAfter };
    }
    const certificate = await deps.kube.get({ apiVersion: CERT_MANAGER_API_VERSION, kind: CERTIFICATE_KIND, namespace, name: target.secretName });
    const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: target.secretName });
    const certPem = secretText(secret, 'tls.crt');
    const caPem = secretText(secret, 'ca.crt');
    const ready = certificateReady(certificate);
    const state = judgeIssuedLeaf({ dnsNames: target.dnsNames, now: deps.now(), ...(certPem !== undefined ? { certPem } : {}), ...(caPem !== undefined ? { caPem } : {}), ...(ready !== undefined ? { ready } : {}) });
    if (state.notAfter !== undefined) {
      leafNotAfter.set(target.commonName, state.notAfter.toISOString());
      // cert-manager renews before this; the operator only needs to notice if it does not.
      if (nextCheck === undefined || state.notAfter < nextCheck) nextCheck = state.notAfter;
    }
    if (!state.ok) problems.push(`${target.commonName}: ${state.why}`);
  }
  const earliest = [...leafNotAfter.values()].sort()[0];
  const issuer = cluster.spec.tls.certManagerIssuerRef;
  const from = issuer === undefined ? 'cert-manager' : `cert-manager ${issuer.kind} ${issuer.name}`;
  const remoteNote = cluster.spec.remoteClusters.length > 0
    ? '; remoteClusters CA bundles are not merged with tls.issuer certManager: every cluster must be issued from the same CA (ca.crt is what cert-manager writes)'
    : '';
  const outcome: CertManagerOutcome = {
    ready: problems.length === 0,
    message: problems.length === 0 ? `${targets.length} certificates issued by ${from}${remoteNote}` : `Waiting for ${from}: ${problems.join('; ')}${remoteNote}`,
    leafNotAfter,
  };
  if (earliest !== undefined) outcome.earliestLeafNotAfter = earliest;
  if (nextCheck !== undefined) outcome.nextCheck = nextCheck;
  return outcome;
}

/** A departed member's Certificate goes with its Secret, or cert-manager would issue the Secret again. */
export async function deleteMemberCertificate(deps: ReconcileDeps, namespace: string, secretName: string): Promise<void> {
  try {
    await deps.kube.delete({ apiVersion: CERT_MANAGER_API_VERSION, kind: CERTIFICATE_KIND, namespace, name: secretName });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
