/** Optional Prometheus Operator ServiceMonitor scraping every sidecar's `/metrics` through the headless Service. */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta, standardLabels } from './meta.js';
import { namesFor } from './names.js';
import { PORT_NAMES } from './ports.js';

export interface ServiceMonitor extends KubernetesObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: Array<{ port: string; path: string; interval: string }>;
  };
}

export function buildServiceMonitor(cluster: RedisCRDTCluster): ServiceMonitor {
  const names = namesFor(cluster.metadata.name);
  const meta = objectMeta(cluster, names.serviceMonitor, 'monitoring');
  meta.labels = { ...cluster.spec.monitoring.serviceMonitor.labels, ...meta.labels };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: meta,
    spec: {
      // Select the headless Service: it lists every pod, ready or not, so lagging replicas are still scraped.
      selector: { matchLabels: standardLabels(cluster, 'database') },
      endpoints: [{ port: PORT_NAMES.admin, path: '/metrics', interval: cluster.spec.monitoring.serviceMonitor.interval }],
    },
  };
}
