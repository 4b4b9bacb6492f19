/** Reads each replica pod and, when it runs, its sidecar's `/v1/status`. */
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { namesFor } from '../resources/names.js';
import type { ReconcileDeps } from './deps.js';
import { podFacts } from './object-facts.js';
import type { PodObservation } from './observe.js';

export async function observePods(deps: ReconcileDeps, cluster: RedisCRDTCluster, count: number): Promise<PodObservation[]> {
  const names = namesFor(cluster.metadata.name);
  const ordinals = Array.from({ length: count }, (_, i) => i);
  return Promise.all(ordinals.map(async (ordinal): Promise<PodObservation> => {
    const name = names.pod(ordinal);
    const pod = await deps.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: cluster.metadata.namespace, name });
    if (pod === undefined) return { name, ordinal, exists: false, ready: false };
    const facts = podFacts(pod);
    if (facts.terminating) return { name, ordinal, exists: true, ready: false };
    const obs: PodObservation = { name, ordinal, exists: true, ready: facts.ready };
    if (facts.revision !== undefined) obs.revision = facts.revision;
    const ip = facts.podIP;
    if (ip === undefined || !facts.running) return obs;
    obs.podIP = ip;
    const status = await deps.admin.status(ip);
    if (status.ok) obs.status = status.value;
    else obs.statusError = status.error;
    return obs;
  }));
}
