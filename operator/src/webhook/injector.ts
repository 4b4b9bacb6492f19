/**
 * Admission of one pod: the decision behind the mutating webhook. Pods that did
 * not opt in, or were injected already, pass unchanged; a label naming no cluster
 * is refused with what to do; otherwise the pod gets the injection patch and,
 * unless the request is a dry run, its member certificate (a Secret issued now,
 * so the sidecar can start with it; the reconciler renews it later).
 */
import { API_VERSION, KIND, parseRedisCRDTCluster } from '../api/v1alpha1/index.js';
import { toWire } from '../controller/wire.js';
import { ensureLeaf, memberTarget, signingMaterial } from '../reconcile/certificates.js';
import type { ReconcileDeps } from '../reconcile/deps.js';
import { INJECT_LABEL, memberIdFor } from '../resources/injection.js';
import type { AdmissionDecision, AdmissionRequest } from './admission-review.js';
import { buildInjectionPatch, isInjected, podFacts, requestedCluster } from './inject-patch.js';

export interface InjectorDeps {
  reconcile: ReconcileDeps;
  /** Random characters for the member id (the edge supplies randomness). */
  randomSuffix(): string;
}

export async function admitPod(deps: InjectorDeps, request: AdmissionRequest): Promise<AdmissionDecision> {
  if (request.kind !== '/v1/Pod' || request.operation !== 'CREATE') return { kind: 'allow' };
  const pod = podFacts(request.object);
  const clusterName = requestedCluster(pod);
  if (clusterName === undefined || isInjected(pod)) return { kind: 'allow' };
  const { namespace } = request;
  const kube = deps.reconcile.kube;
  const raw = await kube.get({ apiVersion: API_VERSION, kind: KIND, namespace, name: clusterName });
  if (raw === undefined) {
    return {
      kind: 'deny', code: 404,
      message: `${INJECT_LABEL}: "${clusterName}" names no RedisCRDTCluster in namespace "${namespace}"; create the cluster first (it may have replicas: 0) or correct the label (kubectl get rcc -n ${namespace})`,
    };
  }
  const parsed = parseRedisCRDTCluster(toWire(raw));
  if (!parsed.ok) return { kind: 'deny', code: 422, message: `RedisCRDTCluster ${namespace}/${clusterName} is invalid, so pods cannot join it: ${parsed.error.join('; ')}` };
  const cluster = parsed.value;
  const memberId = memberIdFor(pod.name !== '' ? pod.name : pod.generateName !== '' ? pod.generateName : 'pod-', deps.randomSuffix());
  const patch = buildInjectionPatch(pod, cluster, memberId);
  if (!patch.ok) return { kind: 'deny', code: 422, message: `cannot inject the redis-crdt sidecar: ${patch.message}` };
  // A dry run must have no side effects (the configuration declares sideEffects: NoneOnDryRun).
  if (request.dryRun) return { kind: 'patch', patch: patch.patch };
  // cert-manager cannot issue within an admission call: the reconciler applies the member's
  // Certificate once it sees the pod, and the kubelet holds the pod until the Secret exists.
  if (cluster.spec.tls.issuer === 'certManager') return { kind: 'patch', patch: patch.patch };
  const material = await signingMaterial(deps.reconcile, cluster);
  if (material === undefined) {
    return { kind: 'deny', code: 503, message: `RedisCRDTCluster ${namespace}/${clusterName} has no CA yet (the operator is still creating it); the pod's controller retries` };
  }
  await ensureLeaf(deps.reconcile, cluster, memberTarget(cluster, memberId), material.signer, material.trust);
  deps.reconcile.log.info('Injected sidecar', { namespace, cluster: clusterName, member: memberId, pod: pod.name !== '' ? pod.name : `${pod.generateName}*` });
  return { kind: 'patch', patch: patch.patch };
}
