/**
 * CA rotation without breaking a single peer link. Peers only trust what is in
 * their mounted `ca.crt`, and mounted Secrets reach pods with a delay (the
 * kubelet's sync period), so rotation moves through phases, each held for at
 * least `propagationDelayMs`:
 *
 *   Stable       trust {current}; leaves signed by current.
 *   Distributing a new CA exists; trust {new, old}; leaves still signed by old.
 *   Reissuing    trust {new, old}; leaves are reissued by new as they come up.
 *   Retiring     every leaf is on new; trust {new, old} until the last leaf has
 *                propagated, then Stable with trust {new}.
 *
 * At every instant each pod's certificate is signed by a CA that every peer trusts.
 */
import { renewalTime } from './renewal.js';

export type CaPhase = 'Stable' | 'Distributing' | 'Reissuing' | 'Retiring';

export interface CaState {
  phase: CaPhase;
  /** When the current phase began. */
  since: Date;
  /** Validity of the current CA; undefined when there is no (parseable) CA yet. */
  current?: { notBefore: Date; notAfter: Date };
  /** True when every replica certificate is signed by the current CA. */
  allLeavesOnCurrent: boolean;
}

export type CaAction =
  | { kind: 'create' }
  | { kind: 'startRotation' }
  | { kind: 'advance'; to: CaPhase }
  | { kind: 'wait'; until?: Date };

/** The next step of the CA's life, given its state and the time. */
export function planCa(state: CaState, now: Date, propagationDelayMs: number): CaAction {
  if (state.current === undefined) return { kind: 'create' };
  const held = new Date(state.since.getTime() + propagationDelayMs);
  const holdOver = now.getTime() >= held.getTime();
  switch (state.phase) {
    case 'Stable': {
      const renewAt = renewalTime(state.current.notBefore, state.current.notAfter);
      return now.getTime() >= renewAt.getTime() ? { kind: 'startRotation' } : { kind: 'wait', until: renewAt };
    }
    case 'Distributing':
      return holdOver ? { kind: 'advance', to: 'Reissuing' } : { kind: 'wait', until: held };
    case 'Reissuing':
      // Leaves move over as they are reissued; the reconciler re-plans after each pass.
      return state.allLeavesOnCurrent ? { kind: 'advance', to: 'Retiring' } : { kind: 'wait' };
    case 'Retiring':
      return holdOver ? { kind: 'advance', to: 'Stable' } : { kind: 'wait', until: held };
  }
}

/** Which CA signs leaves in a phase: the old one until peers trust the new one. */
export function signingCa(phase: CaPhase): 'current' | 'previous' {
  return phase === 'Distributing' ? 'previous' : 'current';
}

/** Whether the previous CA still belongs in the trust bundle. */
export function trustsPrevious(phase: CaPhase): boolean {
  return phase !== 'Stable';
}
