// NetworkPolicy ingress enforcement for the pods this agent runs, as a CNI with policy
// support (Calico, Cilium) does: a pod that some policy selects for Ingress accepts only
// what a rule of those policies allows; others accept everything. Enforced with an
// iptables filter table inside each pod's network namespace. This file is the pure
// part: from policies, pods and namespaces to one pod's `iptables-restore` input.
// Traffic from the node itself (the bridge gateway: probes, the apiserver's side, the
// tests) is always allowed, as kubelet probes are under real CNIs; egress is not
// enforced (no policy of ours has egress rules).
import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';

export interface PolicyPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string | undefined;
  /** Container ports by name, for policies that name a port. */
  readonly namedPorts: ReadonlyMap<string, number>;
}

export interface PolicyWorld {
  readonly policies: readonly V1NetworkPolicy[];
  readonly pods: readonly PolicyPod[];
  /** Namespace labels by namespace name. */
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The node's address on the pod bridge. */
  readonly gateway: string;
}

/** Whether a label selector matches labels (matchLabels and matchExpressions, as the API defines them). */
export function selectorMatches(selector: V1LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value ?? ''))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value ?? '')) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Policies of the pod's namespace that select it for ingress (policyTypes defaults to Ingress). */
function isolating(pod: PolicyPod, policies: readonly V1NetworkPolicy[]): V1NetworkPolicy[] {
  return policies.filter((p) => p.metadata?.namespace === pod.namespace
    && (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress')
    && selectorMatches(p.spec?.podSelector ?? {}, pod.labels));
}

/** Source CIDRs a peer stands for; `except` lists what an ipBlock carves out. */
function peerSources(peer: V1NetworkPolicyPeer, policyNamespace: string, world: PolicyWorld): { cidr: string; except: string[] }[] {
  if (peer.ipBlock !== undefined) return [{ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] }];
  const inNamespace = (ns: string): boolean => (peer.namespaceSelector === undefined ? ns === policyNamespace : selectorMatches(peer.namespaceSelector, world.namespaces.get(ns) ?? {}));
  return world.pods
    .filter((p) => p.ip !== undefined && inNamespace(p.namespace) && (peer.podSelector === undefined || selectorMatches(peer.podSelector, p.labels)))
    .map((p) => ({ cidr: `${p.ip}/32`, except: [] }));
}

/** `-p proto --dport n[:m]` matches for a rule's ports; [''] when the rule allows every port. */
function portMatches(ports: readonly V1NetworkPolicyPort[] | undefined, pod: PolicyPod): string[] {
  if (ports === undefined || ports.length === 0) return [''];
  const out: string[] = [];
  for (const port of ports) {
    const protocol = (port.protocol ?? 'TCP').toLowerCase();
    if (port.port === undefined) {
      out.push(` -p ${protocol}`);
      continue;
    }
    const number = typeof port.port === 'number' ? port.port : /^\d+$/.test(port.port) ? Number(port.port) : pod.namedPorts.get(port.port);
    if (number === undefined) continue; // a named port this pod does not have allows nothing here
    out.push(` -p ${protocol} -m ${protocol} --dport ${number}${port.endPort !== undefined ? `:${port.endPort}` : ''}`);
  }
  return out;
}

/** The filter table for one pod's network namespace, in `iptables-restore` format. */
export function ingressTable(pod: PolicyPod, world: PolicyWorld): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  const policies = isolating(pod, world.policies);
  if (policies.length > 0) {
    lines.push('-A INPUT -i lo -j ACCEPT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', `-A INPUT -s ${world.gateway}/32 -j ACCEPT`);
    let chains = 0;
    for (const policy of policies) {
      for (const rule of policy.spec?.ingress ?? []) {
        const sources = rule._from === undefined || rule._from.length === 0
          ? [{ cidr: '0.0.0.0/0', except: [] as string[] }]
          : rule._from.flatMap((peer) => peerSources(peer, policy.metadata?.namespace ?? '', world));
        for (const ports of portMatches(rule.ports, pod)) {
          for (const source of sources) {
            if (source.except.length === 0) {
              lines.push(`-A INPUT -s ${source.cidr}${ports} -j ACCEPT`);
              continue;
            }
            const chain = `NP-EXCEPT-${chains++}`;
            lines.splice(4, 0, `:${chain} - [0:0]`);
            for (const except of source.except) lines.push(`-A ${chain} -s ${except} -j RETURN`);
            lines.push(`-A ${chain} -j ACCEPT`, `-A INPUT -s ${source.cidr}${ports} -j ${chain}`);
          }
        }
      }
    }
    lines.push('-A INPUT -j DROP');
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}
