// Builds each pod's /etc/hosts. The bed has no cluster DNS, so the stable names
// a headless Service gives StatefulSet pods are written into every pod's hosts
// file instead: `<hostname>.<subdomain>.<ns>.svc.cluster.local` and its shorter
// forms, the short `<hostname>.<subdomain>` only for pods in the same namespace
// (that is what the pod's DNS search path would resolve).

export interface HostsPod {
  readonly ip: string;
  readonly namespace: string;
  readonly hostname: string;
  readonly subdomain: string | undefined;
}

export const CLUSTER_DOMAIN = 'cluster.local';

/** The hosts file content for `self`, listing `pods` (self may be among them). */
export function buildHostsFile(self: HostsPod, pods: readonly HostsPod[]): string {
  const lines = ['# Written by the redis-crdt e2e node agent', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  lines.push(`${self.ip}\t${[...namesOf(self, self.namespace), self.hostname].join(' ')}`);
  const sorted = [...pods].sort((a, b) => `${a.namespace}/${a.hostname}`.localeCompare(`${b.namespace}/${b.hostname}`));
  for (const pod of sorted) {
    if (pod.ip === self.ip || pod.subdomain === undefined) continue;
    lines.push(`${pod.ip}\t${namesOf(pod, self.namespace).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function namesOf(pod: HostsPod, viewerNamespace: string): string[] {
  if (pod.subdomain === undefined) return [];
  const base = `${pod.hostname}.${pod.subdomain}`;
  const names = [`${base}.${pod.namespace}.svc.${CLUSTER_DOMAIN}`, `${base}.${pod.namespace}.svc`, `${base}.${pod.namespace}`];
  if (pod.namespace === viewerNamespace) names.push(base);
  return names;
}

/** The pod's resolv.conf: the search path a cluster pod gets, and no reachable nameserver (names come from /etc/hosts). */
export function buildResolvConf(namespace: string): string {
  return `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver 127.0.0.1\noptions ndots:5 attempts:1 timeout:1\n`;
}
