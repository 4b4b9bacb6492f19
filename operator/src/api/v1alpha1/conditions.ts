/**
 * Status conditions with Kubernetes semantics (metav1.Condition): the transition
 * time changes only when the status value changes, so watchers can tell how long
 * a condition has held.
 */
import type { Condition, ConditionStatus, ConditionType } from './types.js';

export interface ConditionInput {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** Returns `conditions` with `next` set; `now` is an RFC 3339 timestamp from the caller. */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, generation: number, now: string): Condition[] {
  const previous = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now;
  const updated: Condition = { ...next, observedGeneration: generation, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== next.type), updated].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
}

export function findCondition(conditions: readonly Condition[] | undefined, type: ConditionType): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

const ORDER: readonly ConditionType[] = ['Ready', 'CertificatesReady', 'PeersConfigured', 'Replicating', 'Progressing', 'Degraded'];
