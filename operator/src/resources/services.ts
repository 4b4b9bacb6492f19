/**
 * The two Services. The headless one gives each pod its stable DNS name and
 * publishes not-ready pods too: a replica that is recovering or draining is not
 * ready for clients but must still be reachable by its peers for replication.
 * The client Service carries RESP traffic to ready (not draining) pods only.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { objectMeta, selectorLabels } from './meta.js';
import { namesFor } from './names.js';
import { ADMIN_PORT, PORT_NAMES, REPL_PORT, RESP_PORT } from './ports.js';

export function buildHeadlessService(cluster: RedisCRDTCluster): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).headlessService, 'database'),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(cluster),
      ports: [
        { name: PORT_NAMES.resp, port: RESP_PORT, targetPort: PORT_NAMES.resp, protocol: 'TCP' },
        { name: PORT_NAMES.repl, port: REPL_PORT, targetPort: PORT_NAMES.repl, protocol: 'TCP' },
        { name: PORT_NAMES.admin, port: ADMIN_PORT, targetPort: PORT_NAMES.admin, protocol: 'TCP' },
      ],
    },
  };
}

export function buildClientService(cluster: RedisCRDTCluster): V1Service {
  const { type, annotations } = cluster.spec.service;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).clientService, 'client', { annotations: { ...annotations } }),
    spec: {
      type,
      selector: selectorLabels(cluster),
      ports: [{ name: PORT_NAMES.resp, port: RESP_PORT, targetPort: PORT_NAMES.resp, protocol: 'TCP' }],
    },
  };
}
