// What every pod runner shares with the node agent: the bed's network slot,
// address pool, mountpoint registry, API reads, and where files live.
import type { BedSlot } from '../bed-slot.js';
import type { ApiserverEndpoint } from './container-env.js';
import type { ObjectSource } from './kube-objects.js';
import type { Mountpoints } from './mountpoints.js';
import type { IpPool } from './pod-network.js';
import type { PodRunner } from './pod-runner.js';

export interface NodeContext {
  readonly nodeName: string;
  readonly slot: BedSlot;
  /** The node's address: the bridge gateway, where the apiserver also listens. */
  readonly hostIP: string;
  readonly apiserver: ApiserverEndpoint;
  readonly bedDir: string;
  /** Root of the directories that back PersistentVolumeClaims, by namespace and claim name. */
  readonly pvRoot: string;
  readonly objects: ObjectSource;
  readonly mountpoints: Mountpoints;
  readonly ipPool: IpPool;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** The hosts file content for a pod at `ip`, from the pods the agent runs now. */
  hostsFor(runner: PodRunner, ip: string): string;
  /** Asks the agent to push status soon (a container changed state). */
  requestSync(): void;
}
