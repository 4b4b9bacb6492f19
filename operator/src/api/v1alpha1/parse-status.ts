/**
 * Parses `status`. Status is our own output, but it is still outside data (a user
 * or an older operator may have written it), so unknown or malformed entries are
 * dropped rather than trusted; only the scale-down record drives decisions.
 */
import { Reader } from './reader.js';
import type { Condition, ConditionType, Phase, RedisCRDTClusterStatus, ScaleDownPhase, ScaleDownStatus } from './types.js';

const CONDITION_TYPES: readonly ConditionType[] = ['Ready', 'CertificatesReady', 'PeersConfigured', 'Replicating', 'Progressing', 'Degraded'];
const PHASES: readonly Phase[] = ['Pending', 'Creating', 'Running', 'Scaling', 'Upgrading', 'Degraded'];
const SCALE_DOWN_PHASES: readonly ScaleDownPhase[] = ['Draining', 'WaitingForAcks', 'RemovingPeer', 'Shrinking'];

export function parseStatus(raw: unknown): RedisCRDTClusterStatus {
  // A private reader: problems in status never reject the object.
  const r = new Reader();
  const o = r.object(raw, 'status');
  const status: RedisCRDTClusterStatus = {};
  if (typeof o['observedGeneration'] === 'number') status.observedGeneration = o['observedGeneration'];
  const conditions = r.array(o['conditions'], 'status.conditions').map(parseCondition).filter((c): c is Condition => c !== undefined);
  if (conditions.length > 0) status.conditions = conditions;
  const scaleDown = parseScaleDown(o['scaleDown']);
  if (scaleDown !== undefined) status.scaleDown = scaleDown;
  const removed = r.array(o['removedReplicas'], 'status.removedReplicas').filter((x): x is string => typeof x === 'string');
  if (removed.length > 0) status.removedReplicas = removed;
  if (typeof o['updateRevision'] === 'string') status.updateRevision = o['updateRevision'];
  const phase = PHASES.find((p) => p === o['phase']);
  if (phase !== undefined) status.phase = phase;
  return status;
}

function parseCondition(raw: unknown): Condition | undefined {
  const r = new Reader();
  const o = r.object(raw, 'condition');
  const type = CONDITION_TYPES.find((t) => t === o['type']);
  const status = (['True', 'False', 'Unknown'] as const).find((s) => s === o['status']);
  if (type === undefined || status === undefined) return undefined;
  return {
    type,
    status,
    reason: r.string(o['reason'], 'reason', ''),
    message: r.string(o['message'], 'message', ''),
    observedGeneration: r.integer(o['observedGeneration'], 'observedGeneration', 0, 0, Number.MAX_SAFE_INTEGER),
    lastTransitionTime: r.string(o['lastTransitionTime'], 'lastTransitionTime', ''),
  };
}

function parseScaleDown(raw: unknown): ScaleDownStatus | undefined {
  const r = new Reader();
  const o = r.object(raw, 'scaleDown');
  const phase = SCALE_DOWN_PHASES.find((p) => p === o['phase']);
  const leaving = o['leaving'];
  if (phase === undefined || typeof leaving !== 'string' || leaving.length === 0) return undefined;
  const out: ScaleDownStatus = { leaving, phase, startedAt: r.string(o['startedAt'], 'startedAt', '') };
  if (typeof o['leavingSeq'] === 'number') out.leavingSeq = o['leavingSeq'];
  return out;
}
