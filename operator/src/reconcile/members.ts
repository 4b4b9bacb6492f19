/**
 * Injected members (issue 8): application pods that the webhook gave a sidecar
 * for this cluster. They are found by the inject label and the member-id
 * annotation; each one joins the peers file at its pod IP once it has one, stays
 * while its pod terminates (the sidecar drains its ops to the peers on SIGTERM),
 * and is retired (listed under `removed`, its Secret deleted) once the pod is gone.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import {
  INJECTED_ANNOTATION, INJECT_LABEL, MEMBER_ID_ANNOTATION, MEMBER_LABEL, memberPeerEntry, selectorLabels, type PeerEntry,
} from '../resources/index.js';
import type { ReconcileDeps } from './deps.js';
import { podFacts } from './object-facts.js';
import type { SidecarStatus } from './sidecar-status.js';

/**
 * How long a member Secret may exist without its pod: the webhook issues it while
 * admitting the pod, before the API server stores the pod (which other admission
 * plugins may still refuse). After this the Secret is an orphan.
 */
export const ORPHAN_GRACE_MS = 2 * 60_000;

export interface MemberObservation {
  memberId: string;
  pod: string;
  terminating: boolean;
  podIP?: string;
  /** The sidecar's own answer: recovered and not draining. */
  ready: boolean;
  status?: SidecarStatus;
  statusError?: string;
}

export interface MembersView {
  live: MemberObservation[];
  /** Member ids whose pod is gone: to retire. */
  departed: string[];
}

interface MemberPod { memberId: string; pod: string; terminating: boolean; running: boolean; podIP?: string }
interface MemberSecret { memberId: string; createdAt?: string }

const meta = (o: KubernetesObject): { name: string; labels: Record<string, string>; annotations: Record<string, string>; created?: string } => ({
  name: o.metadata?.name ?? '',
  labels: o.metadata?.labels ?? {},
  annotations: o.metadata?.annotations ?? {},
  ...(o.metadata?.creationTimestamp !== undefined ? { created: new Date(o.metadata.creationTimestamp).toISOString() } : {}),
});

/** Member pods of `cluster` among pods carrying the inject label. */
export function memberPods(clusterName: string, pods: readonly KubernetesObject[]): MemberPod[] {
  return pods.flatMap((p): MemberPod[] => {
    const m = meta(p);
    const memberId = m.annotations[MEMBER_ID_ANNOTATION];
    if (memberId === undefined || m.annotations[INJECTED_ANNOTATION] !== clusterName) return [];
    const facts = podFacts(p);
    return [{ memberId, pod: m.name, terminating: facts.terminating, running: facts.running, ...(facts.podIP !== undefined ? { podIP: facts.podIP } : {}) }];
  });
}

/** Member ids whose Secret outlived its pod (past the admission grace). Pure. */
export function departedMembers(secrets: readonly MemberSecret[], pods: readonly MemberPod[], now: Date): string[] {
  const present = new Set(pods.map((p) => p.memberId));
  return secrets
    .filter((s) => !present.has(s.memberId))
    .filter((s) => s.createdAt === undefined || now.getTime() - new Date(s.createdAt).getTime() >= ORPHAN_GRACE_MS)
    .map((s) => s.memberId)
    .sort();
}

export async function observeMembers(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<MembersView> {
  const { lister } = deps;
  if (lister === undefined) return { live: [], departed: [] };
  const { namespace, name } = cluster.metadata;
  const pods = memberPods(name, await lister.list('v1', 'Pod', namespace, `${INJECT_LABEL}=${name}`));
  const instance = selectorLabels(cluster)['app.kubernetes.io/instance'] ?? name;
  const secrets = (await lister.list('v1', 'Secret', namespace, `app.kubernetes.io/instance=${instance},${MEMBER_LABEL}`))
    .map(meta)
    .flatMap((m): MemberSecret[] => {
      const memberId = m.labels[MEMBER_LABEL];
      return memberId === undefined ? [] : [{ memberId, ...(m.created !== undefined ? { createdAt: m.created } : {}) }];
    });
  const live = await Promise.all(pods.map(async (p): Promise<MemberObservation> => {
    const obs: MemberObservation = { memberId: p.memberId, pod: p.pod, terminating: p.terminating, ready: false };
    if (p.podIP === undefined) return obs;
    obs.podIP = p.podIP;
    if (!p.running) return obs;
    const status = await deps.admin.status(p.podIP);
    if (status.ok) {
      obs.status = status.value;
      obs.ready = status.value.ready && !p.terminating;
    } else {
      obs.statusError = status.error;
    }
    return obs;
  }));
  return { live, departed: departedMembers(secrets, pods, deps.now()) };
}

/** Peers file entries for members that have an address. */
export function memberPeers(live: readonly MemberObservation[]): PeerEntry[] {
  return live.flatMap((m) => (m.podIP === undefined ? [] : [memberPeerEntry(m.memberId, m.podIP)]));
}
