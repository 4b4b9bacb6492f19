/**
 * Where `redis-crdt status` gets its reports: the admin endpoints of a local cluster
 * (`npm start` puts them at the RESP base port + 200), or a RedisCRDTCluster on
 * Kubernetes (the resource's status, then each pod's admin endpoint on its pod IP).
 */
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION, KIND } from '../api/v1alpha1/types.js';
import { parseStatus } from '../api/v1alpha1/parse-status.js';
import { HttpAdminClient } from '../reconcile/admin-client.js';
import { ADMIN_PORT } from '../resources/ports.js';
import type { ClusterSummary, ReplicaReport } from './status-report.js';

export interface AdminTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Reads every target's `/v1/status` at once; an unreachable one is reported, not fatal. */
export async function readReports(targets: readonly AdminTarget[], timeoutMs: number): Promise<ReplicaReport[]> {
  return Promise.all(targets.map(async (target) => {
    const admin = `${target.host}:${target.port}`;
    const result = await new HttpAdminClient(timeoutMs, target.port).status(target.host);
    if (!result.ok) return { name: target.name, admin, error: result.error };
    // The replica names itself; the target's name is only a guess (r1.. locally).
    return { name: result.value.replicaId, admin, status: result.value };
  }));
}

/** The local cluster of `npm start`: replicas r1..rN with admin ports base+200.. */
export function localTargets(basePort: number, replicas: number): AdminTarget[] {
  return Array.from({ length: replicas }, (_, i) => ({ name: `r${i + 1}`, host: '127.0.0.1', port: basePort + 200 + i }));
}

/** `host:port,host:port` as given to --admin. */
export function parseAdminList(text: string): AdminTarget[] {
  return text.split(',').filter((s) => s.trim() !== '').map((entry) => {
    const at = entry.lastIndexOf(':');
    const port = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--admin: '${entry}' is not host:port`);
    return { name: entry, host: entry.slice(0, at), port };
  });
}

export interface KubernetesTarget {
  readonly kubeconfig: string | undefined;
  readonly namespace: string;
  readonly name: string;
}

/** The cluster resource's summary and its pods' admin endpoints (pods without an IP yet are reported). */
export async function kubernetesTargets(target: KubernetesTarget): Promise<{ summary: ClusterSummary; targets: AdminTarget[]; pending: ReplicaReport[] }> {
  const kc = new KubeConfig();
  if (target.kubeconfig !== undefined) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  const api = KubernetesObjectApi.makeApiClient(kc);
  let raw: KubernetesObject;
  try {
    raw = await api.read({ apiVersion: API_VERSION, kind: KIND, metadata: { name: target.name, namespace: target.namespace } });
  } catch (error) {
    throw new Error(`cannot read ${KIND} ${target.namespace}/${target.name}: ${(error as Error).message.split('\n')[0] ?? ''} (check --name, --namespace and --kubeconfig)`);
  }
  const status = parseStatus((raw as { status?: unknown }).status);
  const summary: ClusterSummary = {
    namespace: target.namespace, name: target.name, phase: status.phase ?? 'Unknown',
    replicas: status.replicas ?? 0, readyReplicas: status.readyReplicas ?? 0,
    conditions: (status.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
  };
  const selector = status.selector ?? `app.kubernetes.io/instance=${target.name}`;
  const pods = await api.list<PodLike>('v1', 'Pod', target.namespace, undefined, undefined, undefined, undefined, selector);
  const targets: AdminTarget[] = [];
  const pending: ReplicaReport[] = [];
  for (const pod of pods.items) {
    const name = pod.metadata?.name ?? '?';
    const ip = pod.status?.podIP;
    if (ip === undefined || ip === '') pending.push({ name, admin: '-', error: `pod has no IP yet (phase ${pod.status?.phase ?? 'unknown'})` });
    else targets.push({ name, host: ip, port: ADMIN_PORT });
  }
  return { summary, targets, pending };
}

interface PodLike extends KubernetesObject {
  status?: { podIP?: string; phase?: string };
}
