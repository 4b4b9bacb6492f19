// The downward API: the pod fields a container may read through env
// (`valueFrom.fieldRef`) or files (`downwardAPI` volumes). Field paths follow
// https://kubernetes.io/docs/concepts/workloads/pods/downward-api/
import type { V1Container, V1Pod } from '@kubernetes/client-node';

export interface PodFacts {
  readonly pod: V1Pod;
  readonly podIP: string;
  readonly hostIP: string;
}

/** The value of `fieldPath` for the pod, or undefined for a path the agent does not know. */
export function fieldValue(facts: PodFacts, fieldPath: string): string | undefined {
  const { pod } = facts;
  const meta = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (keyed) {
    const map = keyed[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[keyed[2] ?? ''] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP': case 'status.podIPs': return facts.podIP;
    case 'status.hostIP': case 'status.hostIPs': return facts.hostIP;
    default: return undefined;
  }
}

/**
 * A container resource as the downward API reports it. Simplified: the quantity
 * string as written in the manifest (no divisor arithmetic), or "0" when unset.
 */
export function resourceValue(container: V1Container | undefined, resource: string): string {
  const [kind, name] = resource.split('.');
  const table = kind === 'limits' ? container?.resources?.limits : container?.resources?.requests;
  return table?.[name ?? ''] ?? '0';
}

/** `key="value"` lines, sorted, as the kubelet writes labels and annotations files. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n');
}
