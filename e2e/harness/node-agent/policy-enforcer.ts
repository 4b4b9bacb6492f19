// Applies network-policy.ts's tables to the pods this agent runs: one
// `iptables-restore` per pod whose table changed (policies, pods or labels moved).
// Without iptables on the node it says so once and enforces nothing.
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, NetworkingV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { log } from '../log.js';
import { runCommand } from '../run-command.js';
import { ingressTable, type PolicyPod, type PolicyWorld } from './network-policy.js';

export interface EnforcedPod {
  readonly pod: V1Pod;
  readonly netns: string;
  readonly ip: string;
}

function policyPod(pod: V1Pod, ip: string | undefined): PolicyPod {
  const namedPorts = new Map<string, number>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name !== undefined) namedPorts.set(p.name, p.containerPort);
  }
  return { namespace: pod.metadata?.namespace ?? 'default', labels: pod.metadata?.labels ?? {}, ip, namedPorts };
}

export class PolicyEnforcer {
  private readonly networking: NetworkingV1Api;
  private readonly core: CoreV1Api;
  /** The table last applied per network namespace. */
  private readonly applied = new Map<string, string>();
  private unavailable = false;

  constructor(kubeconfig: KubeConfig, private readonly gateway: string, private readonly dir: string) {
    this.networking = kubeconfig.makeApiClient(NetworkingV1Api);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    fs.mkdirSync(dir, { recursive: true });
  }

  async sync(allPods: readonly V1Pod[], running: readonly EnforcedPod[]): Promise<void> {
    if (this.unavailable) return;
    for (const netns of [...this.applied.keys()]) if (!running.some((r) => r.netns === netns)) this.applied.delete(netns);
    const policies = (await this.networking.listNetworkPolicyForAllNamespaces()).items;
    if (policies.length === 0 && this.applied.size === 0) return;
    const namespaces = new Map((await this.core.listNamespace()).items.map((n) => [n.metadata?.name ?? '', n.metadata?.labels ?? {}]));
    const ips = new Map(running.map((r) => [r.pod.metadata?.uid, r.ip]));
    const world: PolicyWorld = {
      policies,
      pods: allPods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => policyPod(p, ips.get(p.metadata?.uid) ?? p.status?.podIP)),
      namespaces,
      gateway: this.gateway,
    };
    for (const r of running) {
      const table = ingressTable(policyPod(r.pod, r.ip), world);
      if (this.applied.get(r.netns) === table) continue;
      const file = path.join(this.dir, `${r.netns}.rules`);
      fs.writeFileSync(file, table);
      let result;
      try {
        result = await runCommand(['ip', 'netns', 'exec', r.netns, 'iptables-restore', file], { timeoutMs: 10_000 });
      } catch (e) {
        result = { code: -1, stdout: '', stderr: (e as Error).message };
      }
      if (result.code === 127 || /iptables-restore.*(not found|No such file)/.test(result.stderr)) {
        this.unavailable = true;
        log.warn('iptables-restore is not installed: NetworkPolicies are not enforced on this node (apt-get install iptables)');
        return;
      }
      if (result.code !== 0) {
        log.warn('Applying NetworkPolicy rules failed', { pod: `${r.pod.metadata?.namespace}/${r.pod.metadata?.name}`, netns: r.netns, error: result.stderr.trim() });
        continue;
      }
      this.applied.set(r.netns, table);
      log.info('Applied NetworkPolicy rules', { pod: `${r.pod.metadata?.namespace}/${r.pod.metadata?.name}`, rules: table.split('\n').filter((l) => l.startsWith('-A')).length });
    }
  }
}
