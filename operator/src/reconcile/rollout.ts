/**
 * Rolling upgrades under operator control (StatefulSet `OnDelete`): replace one
 * outdated pod at a time, highest ordinal first, and only when every replica is
 * ready and replication has caught up, so no replica leaves while it still holds
 * ops its peers have not seen. Pure.
 */
import { caughtUp, type PodObservation } from './observe.js';

export interface RolloutInput {
  updateRevision?: string;
  pods: readonly PodObservation[];
  /** A scale-down in progress takes precedence over upgrades. */
  scaling: boolean;
}

export interface RolloutPlan {
  outdated: string[];
  deletePod?: string;
  message?: string;
}

export function planRollout(input: RolloutInput): RolloutPlan {
  const { updateRevision, pods } = input;
  if (updateRevision === undefined) return { outdated: [] };
  const outdated = pods.filter((p) => p.exists && p.revision !== undefined && p.revision !== updateRevision).map((p) => p.name);
  if (outdated.length === 0) return { outdated };
  if (input.scaling) return { outdated, message: 'Upgrade waits for the scale-down to finish' };
  const unready = pods.filter((p) => !p.exists || !p.ready);
  if (unready.length > 0) {
    const only = unready.length === 1 ? unready[0] : undefined;
    // A lone broken pod on the old template is not serving anyway; replacing it is how a bad release is fixed.
    if (only !== undefined && outdated.includes(only.name)) return { outdated, deletePod: only.name, message: `Replacing unready outdated pod ${only.name}` };
    return { outdated, message: `Upgrade waits for ${unready.map((p) => p.name).join(', ')} to be ready` };
  }
  const behind = pods.filter((p) => !caughtUp(p.status)).map((p) => p.name);
  if (behind.length > 0) return { outdated, message: `Upgrade waits for replication to catch up on ${behind.join(', ')}` };
  const next = [...pods].filter((p) => outdated.includes(p.name)).sort((a, b) => b.ordinal - a.ordinal)[0];
  return next === undefined ? { outdated } : { outdated, deletePod: next.name, message: `Replacing ${next.name} with the new revision` };
}
