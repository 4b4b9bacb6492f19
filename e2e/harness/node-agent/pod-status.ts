// The pod's phase and conditions, derived from its containers' states. Pure:
// the pod runner gathers the facts, this decides what the API should say.
// Source: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
import type { ContainerStatusJson } from './container-state.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface ContainerFacts {
  readonly status: ContainerStatusJson;
  /** Still running or going to be restarted; false once the runner has given up or finished. */
  readonly active: boolean;
  readonly everStarted: boolean;
  readonly exitCode: number | undefined;
}

export interface PodFactsForStatus {
  readonly fatal: { readonly reason: string; readonly message: string } | undefined;
  readonly initDone: boolean;
  readonly initFailed: boolean;
  readonly sidecars: readonly ContainerFacts[];
  readonly apps: readonly ContainerFacts[];
}

export function podPhase(f: PodFactsForStatus): PodPhase {
  if (f.fatal || f.initFailed) return 'Failed';
  if (!f.initDone || f.apps.some((c) => !c.everStarted)) return 'Pending';
  if (f.apps.some((c) => c.active)) return 'Running';
  return f.apps.every((c) => c.exitCode === 0) ? 'Succeeded' : 'Failed';
}

export interface ConditionJson {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
}

/** Remembers when each condition last changed, so lastTransitionTime is stable across patches. */
export class ConditionClock {
  private readonly since = new Map<string, { status: boolean; at: string }>();

  condition(type: string, status: boolean, now: Date, reason?: string): ConditionJson {
    const prev = this.since.get(type);
    const at = prev && prev.status === status ? prev.at : now.toISOString();
    this.since.set(type, { status, at });
    return { type, status: status ? 'True' : 'False', lastTransitionTime: at, ...(status || !reason ? {} : { reason }) };
  }
}

/** PodScheduled, Initialized, ContainersReady and Ready, in the kubelet's order. */
export function podConditions(f: PodFactsForStatus, clock: ConditionClock, now: Date): ConditionJson[] {
  const containersReady = f.apps.length > 0 && f.apps.every((c) => c.status.ready);
  const ready = containersReady && f.sidecars.every((c) => c.status.ready);
  return [
    clock.condition('Initialized', f.initDone, now, 'ContainersNotInitialized'),
    clock.condition('Ready', ready, now, 'ContainersNotReady'),
    clock.condition('ContainersReady', containersReady, now, 'ContainersNotReady'),
    clock.condition('PodScheduled', true, now),
  ];
}
