/**
 * The RedisCRDTCluster reconciler: the only code that writes to the API server.
 * Level-triggered: for a key it reads the cluster and what exists, computes what
 * should exist with the pure builders and planners, applies it (server-side
 * apply, so an unchanged object is a no-op), acts on the data plane (drain), and
 * publishes a status computed from what the sidecars report.
 */
import { API_VERSION, KIND, PLURAL, GROUP, VERSION, parseRedisCRDTCluster, setCondition, type RedisCRDTCluster } from '../api/v1alpha1/index.js';
import type { ReconcileResult } from '../controller/controller.js';
import type { InvolvedObject } from '../controller/events.js';
import { toWire } from '../controller/wire.js';
import { buildPeersConfigMap, buildStatefulSet, memberTlsSecretName, namesFor, ordinalOf, peersFile } from '../resources/index.js';
import { deleteMemberCertificate } from './cert-manager.js';
import { ensureCertificates } from './certificates.js';
import { ensureAdminToken } from './admin-token.js';
import type { ReconcileDeps } from './deps.js';
import { memberPeers, observeMembers } from './members.js';
import { applyOwnedObjects } from './owned-objects.js';
import { statefulSetFacts } from './object-facts.js';
import { observePods } from './pods.js';
import { planRollout } from './rollout.js';
import { planReplicas, type ScalePlan } from './scale-down.js';
import { computeStatus } from './status.js';
import { deleteRetiredVolume, growVolumes } from './volumes.js';
import type { PodObservation } from './observe.js';

export function involved(c: RedisCRDTCluster): InvolvedObject {
  return { apiVersion: API_VERSION, kind: KIND, name: c.metadata.name, namespace: c.metadata.namespace, uid: c.metadata.uid };
}

export async function reconcileCluster(deps: ReconcileDeps, key: string): Promise<ReconcileResult> {
  const [namespace, name] = key.split('/');
  if (namespace === undefined || name === undefined) return {};
  const raw = await deps.kube.get({ apiVersion: API_VERSION, kind: KIND, namespace, name });
  // Deleted: owner references let the garbage collector remove everything; nothing to clean outside the cluster.
  if (raw === undefined) return {};
  const parsed = parseRedisCRDTCluster(toWire(raw));
  if (!parsed.ok) return reportInvalid(deps, raw.metadata?.generation ?? 0, namespace, name, parsed.error);
  const cluster = parsed.value;
  if (cluster.metadata.deletionTimestamp !== undefined) return {};
  return reconcileValid(deps, cluster);
}

async function reconcileValid(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<ReconcileResult> {
  const { namespace } = cluster.metadata;
  const names = namesFor(cluster.metadata.name);
  const sts = statefulSetFacts(await deps.kube.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name: names.statefulSet }));
  const current = sts?.replicas ?? 0;
  const leavingOrdinal = cluster.status.scaleDown === undefined ? undefined : ordinalOf(cluster.metadata.name, cluster.status.scaleDown.leaving);
  const observed = Math.max(current, cluster.spec.replicas, (leavingOrdinal ?? -1) + 1);
  const pods = await observePods(deps, cluster, observed);
  const plan = planScale(deps, cluster, current, pods);
  const injected = await observeMembers(deps, cluster);
  const removed = [...new Set([...(cluster.status.removedReplicas ?? []), ...(plan.retire !== undefined ? [plan.retire] : []), ...injected.departed])].sort();
  const members = Array.from({ length: Math.max(plan.replicas, current) }, (_, o) => o).filter((o) => !removed.includes(names.pod(o)));
  const adminToken = await ensureAdminToken(deps, cluster);
  const certs = await ensureCertificates(deps, cluster, members, injected.live.map((m) => m.memberId));
  const replicasFile = peersFile(cluster, members, removed, deps.options.clusterDomain);
  const file = { ...replicasFile, peers: [...replicasFile.peers, ...memberPeers(injected.live)] };
  await deps.kube.apply(buildPeersConfigMap(cluster, file));
  await retireMembers(deps, cluster, injected.departed);
  const warnings = await applyOwnedObjects(deps, cluster);
  const claimTemplateSize = sts?.claimTemplateSize ?? cluster.spec.storage.size;
  await deps.kube.apply(buildStatefulSet(cluster, { replicas: plan.replicas, claimTemplateSize }));
  if (plan.replicas !== current) deps.log.info('Scaled StatefulSet', { namespace, name: names.statefulSet, from: current, to: plan.replicas });
  await actOnDataPlane(deps, cluster, plan, pods, adminToken);
  warnings.push(...(await growVolumes(deps, cluster, members)));
  const live = pods.filter((p) => p.ordinal < plan.replicas || p.name === plan.progress?.leaving);
  const rollout = planRollout({ ...(sts?.updateRevision !== undefined ? { updateRevision: sts.updateRevision } : {}), pods: live, scaling: plan.progress !== undefined });
  if (rollout.deletePod !== undefined) {
    await deps.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name: rollout.deletePod });
    deps.events.record(involved(cluster), 'Normal', 'RollingUpdate', rollout.message ?? `Replaced ${rollout.deletePod}`);
  }
  for (const w of warnings) deps.events.record(involved(cluster), 'Warning', 'ReconcileWarning', w);
  const expectedPeers = file.peers.map((p) => p.id);
  const status = computeStatus({ cluster, pods: live.filter((p) => p.exists), members: injected.live, expectedPeers, scale: plan, rollout, certificates: certs, removed, now: deps.now().toISOString() }, cluster.status.conditions ?? []);
  await deps.kube.applyStatus({ group: GROUP, version: VERSION, plural: PLURAL, namespace, name: cluster.metadata.name }, API_VERSION, KIND, status);
  const busy = plan.progress !== undefined || rollout.outdated.length > 0 || status.phase !== 'Running' || (certs.rotationPhase ?? 'Stable') !== 'Stable';
  return { requeueAfterMs: requeueDelay(deps, busy, certs.nextCheck) };
}

function planScale(deps: ReconcileDeps, cluster: RedisCRDTCluster, current: number, pods: readonly PodObservation[]): ScalePlan {
  const statuses = new Map(pods.flatMap((p) => (p.status === undefined ? [] : [[p.name, p.status] as const])));
  const plan = planReplicas({
    clusterName: cluster.metadata.name,
    desired: cluster.spec.replicas,
    current,
    ...(cluster.status.scaleDown !== undefined ? { progress: cluster.status.scaleDown } : {}),
    removed: cluster.status.removedReplicas ?? [],
    statuses,
    existingPods: new Set(pods.filter((p) => p.exists).map((p) => p.name)),
    now: deps.now().toISOString(),
  });
  const before = cluster.status.scaleDown?.phase;
  if (plan.progress !== undefined && plan.progress.phase !== before) {
    deps.events.record(involved(cluster), 'Normal', `ScaleDown${plan.progress.phase}`, plan.message ?? plan.progress.phase);
    deps.log.info('Scale-down step', { namespace: cluster.metadata.namespace, name: cluster.metadata.name, leaving: plan.progress.leaving, phase: plan.progress.phase });
  }
  if (plan.blocked !== undefined) deps.events.record(involved(cluster), 'Warning', plan.blocked.reason, plan.blocked.message);
  return plan;
}

async function actOnDataPlane(deps: ReconcileDeps, cluster: RedisCRDTCluster, plan: ScalePlan, pods: readonly PodObservation[], adminToken: string): Promise<void> {
  const ip = (pod: string | undefined): string | undefined => pods.find((p) => p.name === pod)?.podIP;
  const drainIP = ip(plan.drain);
  if (drainIP !== undefined) {
    const r = await deps.admin.drain(drainIP, adminToken);
    if (!r.ok) deps.log.warn('Drain request failed', { namespace: cluster.metadata.namespace, pod: plan.drain, error: r.error });
  }
  const undrainIP = ip(plan.undrain);
  if (undrainIP !== undefined) {
    const r = await deps.admin.undrain(undrainIP, adminToken);
    if (!r.ok) deps.log.warn('Undrain request failed', { namespace: cluster.metadata.namespace, pod: plan.undrain, error: r.error });
  }
  if (plan.deleteVolumeOf !== undefined) await deleteRetiredVolume(deps, cluster, plan.deleteVolumeOf);
}

/** Members whose pod is gone: already under `removed` in the applied peers file; their Secrets go now. */
async function retireMembers(deps: ReconcileDeps, cluster: RedisCRDTCluster, departed: readonly string[]): Promise<void> {
  const { namespace, name } = cluster.metadata;
  for (const memberId of departed) {
    if (cluster.spec.tls.issuer === 'certManager') await deleteMemberCertificate(deps, namespace, memberTlsSecretName(name, memberId));
    await deps.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: memberTlsSecretName(name, memberId) });
    deps.log.info('Retired injected member', { namespace, name, member: memberId });
    deps.events.record(involved(cluster), 'Normal', 'MemberRetired', `Injected member ${memberId} left the cluster (its pod is gone)`);
  }
}

function requeueDelay(deps: ReconcileDeps, busy: boolean, nextCertCheck: Date | undefined): number {
  const base = busy ? deps.options.busyPollIntervalMs : deps.options.pollIntervalMs;
  if (nextCertCheck === undefined) return base;
  return Math.max(1000, Math.min(base, nextCertCheck.getTime() - deps.now().getTime()));
}

async function reportInvalid(deps: ReconcileDeps, generation: number, namespace: string, name: string, errors: string[]): Promise<ReconcileResult> {
  const message = errors.join('; ');
  deps.log.warn('Invalid RedisCRDTCluster', { namespace, name, errors });
  const now = deps.now().toISOString();
  const conditions = setCondition(
    setCondition([], { type: 'Ready', status: 'False', reason: 'InvalidSpec', message }, generation, now),
    { type: 'Degraded', status: 'True', reason: 'InvalidSpec', message }, generation, now);
  await deps.kube.applyStatus({ group: GROUP, version: VERSION, plural: PLURAL, namespace, name }, API_VERSION, KIND, { observedGeneration: generation, phase: 'Degraded', conditions });
  return {};
}
