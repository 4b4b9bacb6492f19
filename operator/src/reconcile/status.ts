/**
 * The status the operator publishes, computed from observations only (pure). Ready
 * means the data plane says so: every replica ready, every peer link alive, peers
 * configured and certificates valid, not merely "the pods are running".
 */
import {
  setCondition, type Condition, type ConditionInput, type MemberStatus, type Phase, type PodStatus, type RedisCRDTCluster, type RedisCRDTClusterStatus,
} from '../api/v1alpha1/index.js';
import type { MemberObservation } from './members.js';
import { selectorString } from '../resources/meta.js';
import type { PodObservation } from './observe.js';
import type { RolloutPlan } from './rollout.js';
import type { ScalePlan } from './scale-down.js';

export interface StatusInput {
  cluster: RedisCRDTCluster;
  pods: readonly PodObservation[];
  /** Replica ids every sidecar should list as peers (local members and remote peers). */
  expectedPeers: readonly string[];
  scale: ScalePlan;
  rollout: RolloutPlan;
  certificates: { ready: boolean; message: string; caNotAfter?: string; earliestLeafNotAfter?: string; rotationPhase?: string; leafNotAfter: ReadonlyMap<string, string> };
  removed: readonly string[];
  now: string;
  /** Injected application pods (issue 8); terminating ones are leaving and not required to be ready. */
  members?: readonly MemberObservation[];
}

function podStatus(p: PodObservation, certNotAfter: string | undefined): PodStatus {
  const out: PodStatus = { name: p.name, ready: p.ready, draining: p.status?.draining ?? false };
  if (p.status !== undefined) {
    out.maxLagMs = Math.max(0, ...p.status.peers.map((x) => x.lagMs));
    out.opsOriginated = p.status.opsOriginated;
    out.oplogBytes = p.status.oplogBytes;
  }
  if (certNotAfter !== undefined) out.certificateNotAfter = certNotAfter;
  if (p.statusError !== undefined) out.error = p.statusError;
  return out;
}

/** Replicas and staying members as one list: both are peers that must replicate. */
function replicating(input: StatusInput): Array<Pick<PodObservation, 'name' | 'status'>> {
  const members = (input.members ?? []).filter((m) => !m.terminating).map((m) => ({ name: m.memberId, ...(m.status !== undefined ? { status: m.status } : {}) }));
  return [...input.pods, ...members];
}

function memberStatus(m: MemberObservation, certNotAfter: string | undefined): MemberStatus {
  const base = podStatus({ name: m.memberId, ordinal: -1, exists: true, ready: m.ready, ...(m.status !== undefined ? { status: m.status } : {}), ...(m.statusError !== undefined ? { statusError: m.statusError } : {}) }, certNotAfter);
  return { ...base, pod: m.pod, terminating: m.terminating };
}

function replication(input: StatusInput): ConditionInput {
  const all = replicating(input);
  const unreachable = all.filter((p) => p.status === undefined).map((p) => p.name);
  if (all.length === 0) return { type: 'Replicating', status: 'False', reason: 'NoReplicas', message: 'No replica is running' };
  if (unreachable.length > 0) return { type: 'Replicating', status: 'False', reason: 'SidecarUnreachable', message: `No status from ${unreachable.join(', ')}` };
  const broken = all.flatMap((p) => (p.status?.peers ?? []).filter((x) => x.state !== 'alive' && !input.removed.includes(x.id)).map((x) => `${p.name}→${x.id} ${x.state}`));
  if (broken.length > 0) return { type: 'Replicating', status: 'False', reason: 'PeerNotAlive', message: broken.join(', ') };
  return { type: 'Replicating', status: 'True', reason: 'AllPeersAlive', message: 'Every replica reaches every peer' };
}

function peersConfigured(input: StatusInput): ConditionInput {
  const wrong = replicating(input).filter((p) => p.status !== undefined).filter((p) => {
    const seen = new Set(p.status?.peers.map((x) => x.id));
    return input.expectedPeers.some((id) => id !== p.name && !seen.has(id));
  }).map((p) => p.name);
  if (wrong.length > 0) return { type: 'PeersConfigured', status: 'False', reason: 'PeersFilePending', message: `Not yet using the current peers file: ${wrong.join(', ')}` };
  return { type: 'PeersConfigured', status: 'True', reason: 'PeersFileApplied', message: `${input.expectedPeers.length} peers configured` };
}

function progressing(input: StatusInput): { condition: ConditionInput; phase?: Phase } {
  const { scale, rollout } = input;
  if (scale.progress !== undefined) return { condition: { type: 'Progressing', status: 'True', reason: 'ScalingDown', message: scale.message ?? '' }, phase: 'Scaling' };
  if (input.pods.length < scale.replicas) return { condition: { type: 'Progressing', status: 'True', reason: 'ScalingUp', message: `${input.pods.length}/${scale.replicas} pods exist` }, phase: 'Creating' };
  if (rollout.outdated.length > 0) return { condition: { type: 'Progressing', status: 'True', reason: 'RollingUpdate', message: rollout.message ?? `${rollout.outdated.length} pods outdated` }, phase: 'Upgrading' };
  return { condition: { type: 'Progressing', status: 'False', reason: 'Stable', message: 'Desired state reached' } };
}

export function computeStatus(input: StatusInput, previous: readonly Condition[]): RedisCRDTClusterStatus {
  const { cluster, now } = input;
  const gen = cluster.metadata.generation;
  const readyReplicas = input.pods.filter((p) => p.ready).length;
  const repl = replication(input);
  const peers = peersConfigured(input);
  const prog = progressing(input);
  const certs: ConditionInput = input.certificates.ready
    ? { type: 'CertificatesReady', status: 'True', reason: 'Valid', message: input.certificates.message }
    : { type: 'CertificatesReady', status: 'False', reason: 'NotReady', message: input.certificates.message };
  const degradedBy = input.scale.blocked ?? (input.certificates.ready ? undefined : { reason: 'CertificatesNotReady', message: input.certificates.message });
  const degraded: ConditionInput = degradedBy !== undefined
    ? { type: 'Degraded', status: 'True', ...degradedBy }
    : { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' };
  const staying = (input.members ?? []).filter((m) => !m.terminating);
  const membersReady = staying.every((m) => m.ready);
  const allReady = readyReplicas === cluster.spec.replicas && membersReady && repl.status === 'True' && peers.status === 'True' && input.certificates.ready && degradedBy === undefined;
  const ready: ConditionInput = allReady
    ? { type: 'Ready', status: 'True', reason: 'Replicating', message: `${readyReplicas} replicas ready and replicating` }
    : { type: 'Ready', status: 'False', reason: 'NotReady', message: `${readyReplicas}/${cluster.spec.replicas} ready${staying.length > 0 ? `, ${staying.filter((m) => m.ready).length}/${staying.length} members ready` : ''}; ${repl.message}` };
  let conditions = [...previous];
  for (const c of [ready, certs, peers, repl, prog.condition, degraded]) conditions = setCondition(conditions, c, gen, now);
  // A cluster that has never been Running is still being created, not degraded.
  const starting = cluster.status.phase === undefined || cluster.status.phase === 'Pending' || cluster.status.phase === 'Creating';
  const phase: Phase = degradedBy !== undefined ? 'Degraded' : prog.phase ?? (cluster.spec.replicas === 0 && staying.length === 0 ? 'Pending' : allReady ? 'Running' : starting ? 'Creating' : 'Degraded');
  const lags = replicating(input).flatMap((p) => p.status?.peers.map((x) => x.lagMs) ?? []);
  const status: RedisCRDTClusterStatus = {
    observedGeneration: gen,
    phase,
    replicas: input.pods.length,
    readyReplicas,
    selector: selectorString(cluster),
    maxLagMs: Math.max(0, ...lags),
    conditions,
    pods: input.pods.map((p) => podStatus(p, input.certificates.leafNotAfter.get(p.name))),
    certificates: {},
    removedReplicas: [...input.removed],
  };
  if (input.members !== undefined && input.members.length > 0) status.members = input.members.map((m) => memberStatus(m, input.certificates.leafNotAfter.get(m.memberId)));
  if (input.certificates.caNotAfter !== undefined) status.certificates = { ...status.certificates, caNotAfter: input.certificates.caNotAfter };
  if (input.certificates.earliestLeafNotAfter !== undefined) status.certificates = { ...status.certificates, earliestLeafNotAfter: input.certificates.earliestLeafNotAfter };
  if (input.certificates.rotationPhase !== undefined) status.certificates = { ...status.certificates, caRotationPhase: input.certificates.rotationPhase };
  if (input.scale.progress !== undefined) status.scaleDown = input.scale.progress;
  return status;
}
