/**
 * Applies the cluster's Services, PodDisruptionBudget, NetworkPolicy and
 * ServiceMonitor. Optional objects that were switched off are deleted; a
 * ServiceMonitor without the Prometheus Operator CRD is reported, not fatal.
 */
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { describeError, isNotFound } from '../controller/api-errors.js';
import {
  buildClientService, buildHeadlessService, buildNetworkPolicy, buildPodDisruptionBudget, buildServiceMonitor, namesFor,
} from '../resources/index.js';
import type { ReconcileDeps } from './deps.js';

export async function applyOwnedObjects(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<string[]> {
  const warnings: string[] = [];
  const { namespace } = cluster.metadata;
  const names = namesFor(cluster.metadata.name);
  await deps.kube.apply(buildHeadlessService(cluster));
  await deps.kube.apply(buildClientService(cluster));
  await deps.kube.apply(buildPodDisruptionBudget(cluster));
  if (cluster.spec.networkPolicy.enabled) await deps.kube.apply(buildNetworkPolicy(cluster));
  else await deps.kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace, name: names.networkPolicy });
  const sm = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace, name: names.serviceMonitor };
  try {
    if (cluster.spec.monitoring.serviceMonitor.enabled) await deps.kube.apply(buildServiceMonitor(cluster));
    else await deps.kube.delete(sm);
  } catch (err) {
    // Without the monitoring.coreos.com CRD the API answers 404; disabled monitoring needs nothing.
    if (!isNotFound(err) || cluster.spec.monitoring.serviceMonitor.enabled) warnings.push(`ServiceMonitor: ${describeError(err)}`);
  }
  return warnings;
}
