/**
 * The injection as an RFC 6902 JSONPatch against the pod the API server sent,
 * and the rules around it: which pods are injected, that re-admission of an
 * injected pod changes nothing, and that a pod cannot be injected when its own
 * containers or volumes already use our names. Pure.
 */
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { INJECTED_ANNOTATION, INJECTED_REDIS, INJECTED_SIDECAR, INJECT_LABEL, MEMBER_ID_ANNOTATION, buildInjection } from '../resources/injection.js';

export type JsonPatchOp = { op: 'add'; path: string; value: unknown };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** The facts of a pod the injector needs, read from `unknown`. */
export interface PodFacts {
  name: string;
  generateName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hasAnnotations: boolean;
  initContainerNames: string[];
  containerNames: string[];
  hasInitContainers: boolean;
  volumeNames: string[];
  hasVolumes: boolean;
}

export function podFacts(pod: unknown): PodFacts {
  const meta = obj(obj(pod)['metadata']);
  const spec = obj(obj(pod)['spec']);
  const names = (v: unknown): string[] => list(v).map((c) => (typeof c['name'] === 'string' ? c['name'] : ''));
  return {
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    generateName: typeof meta['generateName'] === 'string' ? meta['generateName'] : '',
    labels: strings(meta['labels']),
    annotations: strings(meta['annotations']),
    hasAnnotations: typeof meta['annotations'] === 'object' && meta['annotations'] !== null,
    initContainerNames: names(spec['initContainers']),
    containerNames: names(spec['containers']),
    hasInitContainers: Array.isArray(spec['initContainers']),
    volumeNames: names(spec['volumes']),
    hasVolumes: Array.isArray(spec['volumes']),
  };
}

/** The cluster a pod asks to join, or undefined when it did not opt in. */
export function requestedCluster(pod: PodFacts): string | undefined {
  const value = pod.labels[INJECT_LABEL];
  return value === undefined || value === '' ? undefined : value;
}

/** An injected pod carries our annotation or containers; admitting it again must change nothing. */
export function isInjected(pod: PodFacts): boolean {
  return pod.annotations[INJECTED_ANNOTATION] !== undefined || pod.annotations[MEMBER_ID_ANNOTATION] !== undefined
    || [...pod.initContainerNames, ...pod.containerNames].some((n) => n === INJECTED_SIDECAR || n === INJECTED_REDIS);
}

/** JSON Pointer escaping (RFC 6901): `~` → `~0`, `/` → `~1`. */
export const pointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function appendAll<T>(path: string, exists: boolean, items: readonly T[], atFront: boolean): JsonPatchOp[] {
  if (!exists) return [{ op: 'add', path, value: items }];
  // Inserting at index 0 in reverse keeps the given order at the front.
  if (atFront) return [...items].reverse().map((value) => ({ op: 'add', path: `${path}/0`, value }));
  return items.map((value) => ({ op: 'add', path: `${path}/-`, value }));
}

export type PatchResult = { ok: true; patch: JsonPatchOp[] } | { ok: false; message: string };

/**
 * The patch that injects `cluster`'s sidecar under `memberId`. The native sidecars
 * go first among the init containers, so the app's own init containers can use
 * Redis on localhost as well.
 */
export function buildInjectionPatch(pod: PodFacts, cluster: RedisCRDTCluster, memberId: string): PatchResult {
  const injection = buildInjection(cluster, memberId);
  const ours = new Set(injection.volumes.map((v: V1Volume) => v.name));
  const clash = pod.volumeNames.filter((n) => ours.has(n));
  if (clash.length > 0) return { ok: false, message: `pod volumes ${clash.join(', ')} use names reserved for the redis-crdt sidecar; rename them` };
  const annotations: JsonPatchOp[] = pod.hasAnnotations
    ? Object.entries(injection.annotations).map(([k, value]) => ({ op: 'add', path: `/metadata/annotations/${pointer(k)}`, value }))
    : [{ op: 'add', path: '/metadata/annotations', value: injection.annotations }];
  return {
    ok: true,
    patch: [
      ...annotations,
      ...appendAll<V1Container>('/spec/initContainers', pod.hasInitContainers, injection.initContainers, true),
      ...appendAll<V1Volume>('/spec/volumes', pod.hasVolumes, injection.volumes, false),
    ],
  };
}
