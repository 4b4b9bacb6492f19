// What an e2e test sees of "the cluster", whether the bed started it or
// KUBECONFIG names a real one: a kubeconfig, a way to run a command in a pod,
// and a way to reach a pod's IP. Tests written against this run on both.
import type { KubeConfig } from '@kubernetes/client-node';
import type { CommandResult } from './run-command.js';

export interface Cluster {
  /** 'testbed' when this process started the control plane and node agent, 'external' for KUBECONFIG. */
  readonly kind: 'testbed' | 'external';
  readonly kubeconfig: KubeConfig;
  readonly kubeconfigPath: string;
  /** Directory with kubectl and helm matching the bed's Kubernetes version (undefined: use PATH). */
  readonly binDir: string | undefined;
  /** Runs `argv` in a pod's container, like `kubectl exec`. */
  exec(namespace: string, pod: string, argv: readonly string[], container?: string): Promise<CommandResult>;
  /**
   * Whether this process can open TCP connections to pod IPs directly (the bed:
   * yes, through its bridge; an external cluster: usually not, so use exec).
   */
  readonly podNetworkReachable: boolean;
  /** Recent control-plane and pod logs, for a failure report. */
  diagnostics(): string;
  /** Stops what this process started (nothing for an external cluster). */
  stop(): Promise<void>;
}
