/**
 * Names of every object the operator creates for a cluster. Kubernetes names and
 * label values are limited to 63 characters; longer results are cut and suffixed
 * with a hash of the full name so two long names never collide.
 */

export const MAX_NAME = 63;

/** FNV-1a 32-bit: a tiny, stable hash for name suffixes (no crypto needed). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Truncates to 63 characters, keeping names unique with a hash suffix and ending alphanumeric. */
export function truncateName(name: string, max = MAX_NAME): string {
  if (name.length <= max) return name;
  const suffix = fnv1a(name);
  const head = name.slice(0, max - suffix.length - 1).replace(/[-.]+$/, '');
  return `${head}-${suffix}`;
}

export interface Names {
  statefulSet: string;
  headlessService: string;
  clientService: string;
  caSecret: string;
  /** The bearer token the operator sends with POST /v1/drain (the sidecars get it as env). */
  adminSecret: string;
  peersConfigMap: string;
  pdb: string;
  networkPolicy: string;
  serviceMonitor: string;
  /** Name of the PVC template; PVCs are `data-<pod>`. */
  dataVolume: 'data';
  pod(ordinal: number): string;
  podTlsSecret(ordinal: number): string;
  pvc(ordinal: number): string;
}

export function namesFor(cluster: string): Names {
  const pod = (ordinal: number): string => truncateName(`${cluster}-${ordinal}`);
  return {
    statefulSet: truncateName(cluster),
    headlessService: truncateName(`${cluster}-headless`),
    clientService: truncateName(cluster),
    caSecret: truncateName(`${cluster}-ca`),
    adminSecret: truncateName(`${cluster}-admin`),
    peersConfigMap: truncateName(`${cluster}-peers`),
    pdb: truncateName(cluster),
    networkPolicy: truncateName(cluster),
    serviceMonitor: truncateName(cluster),
    dataVolume: 'data',
    pod,
    podTlsSecret: (ordinal) => truncateName(`${cluster}-${ordinal}-tls`),
    pvc: (ordinal) => truncateName(`data-${pod(ordinal)}`),
  };
}

/** The ordinal of a pod name of this cluster, or undefined for a foreign name. */
export function ordinalOf(cluster: string, pod: string): number | undefined {
  const prefix = `${cluster}-`;
  if (!pod.startsWith(prefix)) return undefined;
  const rest = pod.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}
