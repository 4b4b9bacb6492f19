/** Everything the reconciler needs from outside: API, sidecars, time, randomness, events, logs. */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventRecorder } from '../controller/events.js';
import type { KubeClient } from '../controller/kube-client.js';
import type { Crypto, CryptoKeyPair } from '../certs/index.js';
import type { AdminClient } from './admin-client.js';

export interface ReconcileLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export interface ReconcileOptions {
  clusterDomain: string;
  /** How long a trust-bundle change is given to reach every pod before the next rotation step. */
  certPropagationDelayMs: number;
  /** How often a cluster is re-read while nothing changes (data-plane status, lag). */
  pollIntervalMs: number;
  /** Faster polling while something is in progress (scale-down, rollout, pods starting). */
  busyPollIntervalMs: number;
}

/** Lists objects by label (injected members' pods and Secrets); see reconcile/members.ts. */
export interface ObjectLister {
  list(apiVersion: string, kind: string, namespace: string, labelSelector: string): Promise<KubernetesObject[]>;
}

export interface ReconcileDeps {
  kube: KubeClient;
  /** Absent: the cluster has StatefulSet replicas only (no injected members are looked for). */
  lister?: ObjectLister;
  admin: AdminClient;
  events: EventRecorder;
  log: ReconcileLogger;
  now(): Date;
  crypto: Crypto;
  newKeys(): Promise<CryptoKeyPair>;
  newSerial(): string;
  options: ReconcileOptions;
}
