/** What the reconciler observed of each replica pod: the Pod object and its sidecar's own report. */
import type { SidecarStatus } from './sidecar-status.js';

export interface PodObservation {
  name: string;
  ordinal: number;
  exists: boolean;
  ready: boolean;
  podIP?: string;
  /** The pod's controller-revision-hash label (StatefulSet template revision). */
  revision?: string;
  status?: SidecarStatus;
  /** Why the sidecar could not be read, when it could not. */
  statusError?: string;
}

/** True when this sidecar sees every peer alive with nothing left to send. */
export function caughtUp(status: SidecarStatus | undefined): boolean {
  return status !== undefined && status.peers.every((p) => p.state === 'alive' && p.lagOps === 0);
}
