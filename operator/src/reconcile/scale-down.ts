/**
 * The replica-count plan, including the resumable scale-down state machine whose
 * state lives in `status.scaleDown` (so an operator restart resumes it). One
 * replica leaves at a time, highest ordinal first:
 *
 *   Draining       POST /v1/drain: the replica stops taking client writes (readiness
 *                  goes false, so the client Service drops it) but keeps replicating.
 *   WaitingForAcks every remaining peer has the leaving replica's ops: its own
 *                  version vector, or the leaving replica's acked VV for it, covers
 *                  the leaving replica's last sequence number.
 *   RemovingPeer   the replica is added to `removed` in the peers file.
 *   Shrinking      the StatefulSet shrinks; once the pod is gone its volume is deleted.
 *
 * Replicas 0 is a pause, not a removal: pods stop, volumes and ids stay.
 * Pure: statuses and time come in, a plan comes out.
 */
import type { ScaleDownStatus } from '../api/v1alpha1/index.js';
import { namesFor, ordinalOf } from '../resources/names.js';
import type { SidecarStatus } from './sidecar-status.js';

export interface ScaleInput {
  clusterName: string;
  desired: number;
  /** The StatefulSet's replicas as last applied (0 when it does not exist yet). */
  current: number;
  progress?: ScaleDownStatus;
  removed: readonly string[];
  statuses: ReadonlyMap<string, SidecarStatus>;
  existingPods: ReadonlySet<string>;
  now: string;
}

export interface ScalePlan {
  replicas: number;
  progress?: ScaleDownStatus;
  /** Pod to send POST /v1/drain (idempotent) or /v1/undrain. */
  drain?: string;
  undrain?: string;
  /** Replica id to add to `removed` before the StatefulSet shrinks. */
  retire?: string;
  /** Pod whose volume can go: it has left for good. */
  deleteVolumeOf?: string;
  /** Why the plan is not simply `desired`, for conditions and events. */
  blocked?: { reason: string; message: string };
  message?: string;
}

export function planReplicas(input: ScaleInput): ScalePlan {
  const { progress } = input;
  if (progress !== undefined) return continueScaleDown(input, progress);
  if (input.desired === 0) return { replicas: 0, message: 'Paused: replicas is 0; volumes and replica ids are kept' };
  if (input.desired >= input.current) return planScaleUp(input);
  const leaving = namesFor(input.clusterName).pod(input.current - 1);
  return continueScaleDown(input, { leaving, phase: 'Draining', startedAt: input.now });
}

function planScaleUp(input: ScaleInput): ScalePlan {
  const names = namesFor(input.clusterName);
  for (let o = input.current; o < input.desired; o++) {
    // A retired id must never come back: its old ops would collide with the new replica's sequence numbers.
    if (input.removed.includes(names.pod(o))) {
      return {
        replicas: o,
        blocked: { reason: 'ReplicaIdRetired', message: `cannot scale past ${o}: replica id ${names.pod(o)} was removed permanently and cannot rejoin` },
      };
    }
  }
  return { replicas: input.desired };
}

function continueScaleDown(input: ScaleInput, progress: ScaleDownStatus): ScalePlan {
  const ordinal = ordinalOf(input.clusterName, progress.leaving);
  if (ordinal === undefined) return { replicas: input.current, blocked: { reason: 'InvalidScaleDownState', message: `status.scaleDown.leaving ${progress.leaving} is not a pod of this cluster` } };
  const st = input.statuses.get(progress.leaving);
  // Cancelled before the replica was retired: take it back into service.
  if (input.desired > ordinal && (progress.phase === 'Draining' || progress.phase === 'WaitingForAcks')) {
    return { replicas: Math.max(input.desired, ordinal + 1), undrain: progress.leaving, message: `Scale-down of ${progress.leaving} cancelled` };
  }
  switch (progress.phase) {
    case 'Draining':
      if (st?.draining !== true) return { replicas: ordinal + 1, progress, drain: progress.leaving, message: `Draining ${progress.leaving}` };
      return waitForAcks(input, { ...progress, phase: 'WaitingForAcks', leavingSeq: ownSeq(st) }, ordinal);
    case 'WaitingForAcks':
      return waitForAcks(input, progress, ordinal);
    case 'RemovingPeer':
      return { replicas: ordinal, progress: { ...progress, phase: 'Shrinking' }, retire: progress.leaving, message: `Removed ${progress.leaving} from the peers file` };
    case 'Shrinking':
      if (input.existingPods.has(progress.leaving)) return { replicas: ordinal, progress, retire: progress.leaving, message: `Waiting for pod ${progress.leaving} to terminate` };
      return { replicas: ordinal, retire: progress.leaving, deleteVolumeOf: progress.leaving, message: `${progress.leaving} left the cluster` };
  }
}

/** The leaving replica's own highest sequence number. */
function ownSeq(st: SidecarStatus): number {
  return Math.max(st.versionVector[st.originId] ?? 0, st.opsOriginated);
}

function waitForAcks(input: ScaleInput, progress: ScaleDownStatus, ordinal: number): ScalePlan {
  const st = input.statuses.get(progress.leaving);
  const stay = { replicas: ordinal + 1, progress };
  if (st === undefined) return { ...stay, message: `Waiting for ${progress.leaving} to answer on its admin port` };
  // A restarted sidecar forgets it was draining; drain again (idempotent).
  const drain = st.draining ? {} : { drain: progress.leaving };
  const seq = Math.max(progress.leavingSeq ?? 0, ownSeq(st));
  const next = { ...progress, leavingSeq: seq };
  const missing = peersMissingOps(input, st, progress.leaving, ordinal, seq);
  if (missing.length > 0) return { ...stay, progress: next, ...drain, message: `Waiting for ${missing.join(', ')} to acknowledge ${progress.leaving}'s ${seq} ops` };
  return { replicas: ordinal + 1, progress: { ...next, phase: 'RemovingPeer' }, ...drain, message: `All peers acknowledged ${progress.leaving}'s ${seq} ops` };
}

/**
 * The version-vector entries that hold the leaving replica's ops. The sidecar
 * stamps ops with `<pod>~<incarnation>` (a fresh suffix per data directory), so
 * every entry of the leaving pod counts, each up to the value the leaving replica holds.
 */
export function leavingOrigins(leavingStatus: SidecarStatus, leaving: string): Array<[string, number]> {
  return Object.entries(leavingStatus.versionVector).filter(([id]) => id === leaving || id.startsWith(`${leaving}~`) || id === leavingStatus.originId);
}

/** Peers (local and remote) not yet known to hold every op `leaving` originated. */
function peersMissingOps(input: ScaleInput, leavingStatus: SidecarStatus, leaving: string, ordinal: number, seq: number): string[] {
  const names = namesFor(input.clusterName);
  const local = Array.from({ length: ordinal }, (_, o) => names.pod(o)).filter((p) => !input.removed.includes(p));
  const remote = leavingStatus.peers.map((p) => p.id).filter((id) => ordinalOf(input.clusterName, id) === undefined && !input.removed.includes(id));
  const origins = leavingOrigins(leavingStatus, leaving);
  // Ops counted by opsOriginated but not (yet) in the version vector still have to be covered.
  if (!origins.some(([id]) => id === leavingStatus.originId)) origins.push([leavingStatus.originId, seq]);
  return [...local, ...remote].filter((peer) => origins.some(([origin, needed]) => {
    const own = input.statuses.get(peer)?.versionVector[origin] ?? 0;
    const acked = leavingStatus.peers.find((p) => p.id === peer)?.ackedVersionVector[origin] ?? 0;
    return Math.max(own, acked) < needed;
  }));
}
