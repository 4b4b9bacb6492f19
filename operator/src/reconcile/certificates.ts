/**
 * Issues, renews and rotates the cluster's certificates (internal issuer), writing
 * the CA Secret and one TLS Secret per member pod; with tls.issuer certManager it
 * hands the leaves to cert-manager instead (cert-manager.ts). Decisions come from certs/
 * (pure); this file only reads and writes Secrets. Every pass is idempotent: a
 * certificate is reissued only when the renewal rule says so.
 */
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import {
  createCa, inspectCertificate, isSignedBy, issueLeaf, joinPemBundle, leafDecision, planCa, podDnsNames,
  signingCa, trustsPrevious, type CaPhase, type IssuedPem,
} from '../certs/index.js';
import type { V1Secret } from '@kubernetes/client-node';
import {
  CA_PHASE_ANNOTATION, CA_PHASE_SINCE_ANNOTATION, MEMBER_LABEL, buildCaSecret, buildMemberTlsSecret, buildPodTlsSecret, memberDnsNames, memberTlsSecretName, namesFor, type CaMaterial,
} from '../resources/index.js';
import { parseDuration } from '../util/duration.js';
import { ensureCertManagerCertificates } from './cert-manager.js';
import type { ReconcileDeps } from './deps.js';
import { annotation, secretText } from './secret-data.js';

export interface CertificatesOutcome {
  ready: boolean;
  message: string;
  caNotAfter?: string;
  earliestLeafNotAfter?: string;
  rotationPhase?: CaPhase;
  leafNotAfter: Map<string, string>;
  /** When the next certificate action is due, so the reconciler requeues in time. */
  nextCheck?: Date;
}

const PHASES: readonly CaPhase[] = ['Stable', 'Distributing', 'Reissuing', 'Retiring'];
const ms = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const d = parseDuration(text);
  return d.ok ? d.value : undefined;
};

export async function readCa(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<CaMaterial | undefined> {
  const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: cluster.metadata.namespace, name: namesFor(cluster.metadata.name).caSecret });
  const certPem = secretText(secret, 'ca.crt');
  const keyPem = secretText(secret, 'ca.key');
  if (certPem === undefined || keyPem === undefined || !inspectCertificate(certPem).ok) return undefined;
  const phase = PHASES.find((p) => p === annotation(secret, CA_PHASE_ANNOTATION)) ?? 'Stable';
  const ca: CaMaterial = { certPem, keyPem, phase, since: annotation(secret, CA_PHASE_SINCE_ANNOTATION) ?? deps.now().toISOString() };
  const prevCert = secretText(secret, 'previous.crt');
  const prevKey = secretText(secret, 'previous.key');
  if (prevCert !== undefined && prevKey !== undefined) ca.previous = { certPem: prevCert, keyPem: prevKey };
  return ca;
}

async function newCa(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<IssuedPem> {
  const validityMs = ms(cluster.spec.tls.caValidity) ?? 87600 * 3_600_000;
  return createCa({ commonName: `${cluster.metadata.name}.${cluster.metadata.namespace} redis-crdt CA`, keys: await deps.newKeys(), serialHex: deps.newSerial(), now: deps.now(), validityMs, crypto: deps.crypto });
}

/** Moves the CA one step along its life (create, start rotation, advance a phase). */
async function stepCa(deps: ReconcileDeps, cluster: RedisCRDTCluster, ca: CaMaterial | undefined, allLeavesOnCurrent: boolean): Promise<CaMaterial> {
  const now = deps.now();
  const info = ca === undefined ? undefined : inspectCertificate(ca.certPem);
  const current = info?.ok === true ? { notBefore: info.value.notBefore, notAfter: info.value.notAfter } : undefined;
  const state = { phase: ca?.phase ?? 'Stable', since: new Date(ca?.since ?? now.toISOString()), allLeavesOnCurrent, ...(current !== undefined ? { current } : {}) };
  const action = planCa(state, now, deps.options.certPropagationDelayMs);
  const ref = { apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, namespace: cluster.metadata.namespace, uid: cluster.metadata.uid };
  switch (action.kind) {
    case 'create':
      deps.events.record(ref, 'Normal', 'CACreated', 'Created the cluster CA');
      return { ...(await newCa(deps, cluster)), phase: 'Stable', since: now.toISOString() };
    case 'startRotation':
      if (ca === undefined) throw new Error('unreachable: rotation without a CA');
      deps.events.record(ref, 'Normal', 'CARotationStarted', 'New CA created; distributing the combined trust bundle');
      return { ...(await newCa(deps, cluster)), previous: { certPem: ca.certPem, keyPem: ca.keyPem }, phase: 'Distributing', since: now.toISOString() };
    case 'advance': {
      if (ca === undefined) throw new Error('unreachable: advance without a CA');
      deps.events.record(ref, 'Normal', 'CARotation', `CA rotation phase ${action.to}`);
      const next: CaMaterial = { certPem: ca.certPem, keyPem: ca.keyPem, phase: action.to, since: now.toISOString() };
      if (action.to !== 'Stable' && ca.previous !== undefined) next.previous = ca.previous;
      return next;
    }
    case 'wait':
      if (ca === undefined) throw new Error('unreachable: wait without a CA');
      return ca;
  }
}

async function remoteBundles(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<{ pems: string[]; missing: string[] }> {
  const pems: string[] = [];
  const missing: string[] = [];
  for (const remote of cluster.spec.remoteClusters) {
    const ref = remote.caSecretRef;
    const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: cluster.metadata.namespace, name: ref.name });
    const pem = secretText(secret, ref.key);
    if (pem === undefined) missing.push(`${ref.name}/${ref.key}`);
    else pems.push(pem);
  }
  return { pems, missing };
}

/**
 * The CA that signs leaves now and the trust bundle every leaf Secret carries, for an
 * existing CA (the webhook issues a member's first certificate with these; it never
 * creates or rotates the CA, the reconciler does). Undefined while the cluster has no CA yet.
 */
export async function signingMaterial(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<{ signer: IssuedPem; trust: string } | undefined> {
  const ca = await readCa(deps, cluster);
  if (ca === undefined) return undefined;
  return trustAndSigner(ca, (await remoteBundles(deps, cluster)).pems);
}

function trustAndSigner(ca: CaMaterial, remotePems: readonly string[]): { signer: IssuedPem; trust: string } {
  const trust = joinPemBundle([ca.certPem, ...(trustsPrevious(ca.phase) && ca.previous !== undefined ? [ca.previous.certPem] : []), ...remotePems]);
  const signer = signingCa(ca.phase) === 'previous' && ca.previous !== undefined ? ca.previous : ca;
  return { signer, trust };
}

export async function ensureCertificates(deps: ReconcileDeps, cluster: RedisCRDTCluster, ordinals: readonly number[], memberIds: readonly string[] = []): Promise<CertificatesOutcome> {
  const targets = [...ordinals.map((o) => replicaTarget(deps, cluster, o)), ...memberIds.map((m) => memberTarget(cluster, m))];
  if (cluster.spec.tls.issuer === 'certManager') {
    // cert-manager issues and renews; the operator never creates a CA in this mode.
    const ref = { apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, namespace: cluster.metadata.namespace, uid: cluster.metadata.uid };
    return ensureCertManagerCertificates(deps, cluster, targets, ref);
  }
  const existing = await readCa(deps, cluster);
  const leavesOnCurrent = existing === undefined ? false : await allSignedBy(deps, cluster, targets, existing.certPem);
  const ca = await stepCa(deps, cluster, existing, leavesOnCurrent);
  await deps.kube.apply(buildCaSecret(cluster, ca));
  const remotes = await remoteBundles(deps, cluster);
  const { trust, signer } = trustAndSigner(ca, remotes.pems);
  const leafNotAfter = new Map<string, string>();
  let nextCheck: Date | undefined;
  for (const target of targets) {
    const { notAfter, renewAt } = await ensureLeaf(deps, cluster, target, signer, trust);
    leafNotAfter.set(target.commonName, notAfter.toISOString());
    if (renewAt !== undefined && (nextCheck === undefined || renewAt < nextCheck)) nextCheck = renewAt;
  }
  const caInfo = inspectCertificate(ca.certPem);
  const earliest = [...leafNotAfter.values()].sort()[0];
  const outcome: CertificatesOutcome = {
    ready: remotes.missing.length === 0,
    message: remotes.missing.length === 0 ? `CA and ${ordinals.length} replica certificates valid` : `Remote CA Secrets missing: ${remotes.missing.join(', ')}`,
    rotationPhase: ca.phase,
    leafNotAfter,
  };
  if (caInfo.ok) outcome.caNotAfter = caInfo.value.notAfter.toISOString();
  if (earliest !== undefined) outcome.earliestLeafNotAfter = earliest;
  if (nextCheck !== undefined) outcome.nextCheck = nextCheck;
  return outcome;
}

/** One leaf certificate the cluster keeps: a StatefulSet replica's or an injected member's. */
export interface LeafTarget {
  /** The replica id: certificate CN, and the key of `leafNotAfter`. */
  commonName: string;
  secretName: string;
  dnsNames: string[];
  /** The label that ties the Secret to its pod (also copied onto cert-manager's Secret). */
  labels: Record<string, string>;
  build(material: { certPem: string; keyPem: string; trustBundlePem: string }): V1Secret;
}

function replicaTarget(deps: ReconcileDeps, cluster: RedisCRDTCluster, ordinal: number): LeafTarget {
  const names = namesFor(cluster.metadata.name);
  const pod = names.pod(ordinal);
  return {
    commonName: pod,
    secretName: names.podTlsSecret(ordinal),
    dnsNames: podDnsNames({ pod, headlessService: names.headlessService, namespace: cluster.metadata.namespace, clusterDomain: deps.options.clusterDomain, extraDNSNames: cluster.spec.tls.extraDNSNames }),
    labels: { 'rediscrdt.io/pod': pod },
    build: (m) => buildPodTlsSecret(cluster, { ordinal, ...m }),
  };
}

export function memberTarget(cluster: RedisCRDTCluster, memberId: string): LeafTarget {
  return {
    commonName: memberId,
    secretName: memberTlsSecretName(cluster.metadata.name, memberId),
    dnsNames: memberDnsNames(memberId),
    labels: { [MEMBER_LABEL]: memberId },
    build: (m) => buildMemberTlsSecret(cluster, { memberId, ...m }),
  };
}

async function allSignedBy(deps: ReconcileDeps, cluster: RedisCRDTCluster, targets: readonly LeafTarget[], caPem: string): Promise<boolean> {
  for (const target of targets) {
    const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: cluster.metadata.namespace, name: target.secretName });
    const cert = secretText(secret, 'tls.crt');
    if (cert === undefined || !(await isSignedBy(cert, caPem, deps.crypto))) return false;
  }
  return true;
}

/** Issues or renews one leaf when the renewal rule says so; otherwise refreshes only its trust bundle. */
export async function ensureLeaf(deps: ReconcileDeps, cluster: RedisCRDTCluster, target: LeafTarget, signer: IssuedPem, trust: string): Promise<{ notAfter: Date; renewAt?: Date }> {
  const pod = target.commonName;
  const { dnsNames } = target;
  const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: cluster.metadata.namespace, name: target.secretName });
  const certPem = secretText(secret, 'tls.crt');
  const keyPem = secretText(secret, 'tls.key');
  const info = certPem === undefined || keyPem === undefined ? undefined : inspectCertificate(certPem);
  const signed = certPem !== undefined && (await isSignedBy(certPem, signer.certPem, deps.crypto));
  const renewBeforeMs = ms(cluster.spec.tls.renewBefore);
  const decision = leafDecision({ cert: info === undefined ? undefined : info.ok ? info.value : info.error, signedBySigningCa: signed, wantedDnsNames: dnsNames, now: deps.now(), ...(renewBeforeMs !== undefined ? { renewBeforeMs } : {}) });
  if (!decision.renew && info?.ok === true && certPem !== undefined && keyPem !== undefined) {
    // Same certificate; the apply refreshes the trust bundle when it changed and is a no-op otherwise.
    await deps.kube.apply(target.build({ certPem, keyPem, trustBundlePem: trust }));
    return { notAfter: info.value.notAfter, renewAt: decision.renewAt };
  }
  const validityMs = ms(cluster.spec.tls.validity) ?? 2160 * 3_600_000;
  const leaf = await issueLeaf({ ca: signer, commonName: pod, dnsNames, keys: await deps.newKeys(), serialHex: deps.newSerial(), now: deps.now(), validityMs, crypto: deps.crypto });
  await deps.kube.apply(target.build({ certPem: leaf.certPem, keyPem: leaf.keyPem, trustBundlePem: trust }));
  const reason = decision.renew ? decision.reason : 'Missing';
  deps.log.info('Issued replica certificate', { namespace: cluster.metadata.namespace, pod, reason });
  deps.events.record({ apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, namespace: cluster.metadata.namespace, uid: cluster.metadata.uid }, 'Normal', 'CertificateIssued', `Issued certificate for ${pod} (${reason})`);
  const issued = inspectCertificate(leaf.certPem);
  return { notAfter: issued.ok ? issued.value.notAfter : deps.now() };
}
