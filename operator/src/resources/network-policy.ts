/**
 * Ingress policy for the replica pods: the replication port only from this cluster's
 * replica pods, its injected members (app pods labelled `rediscrdt.io/inject: <name>`:
 * they replicate with the replicas too) and the declared remote CIDRs; RESP and the admin
 * port (probes, metrics, the operator) stay open, since clients and scrapers live in
 * other namespaces. Injected app pods are not selected: an ingress policy on them would
 * cut the app's own traffic, which is not ours to decide.
 */
import type { V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { INJECT_LABEL } from './injection.js';
import { objectMeta, selectorLabels } from './meta.js';
import { namesFor } from './names.js';
import { ADMIN_PORT, REPL_PORT, RESP_PORT } from './ports.js';

export function buildNetworkPolicy(cluster: RedisCRDTCluster): V1NetworkPolicy {
  const replicationPeers: V1NetworkPolicyPeer[] = [
    { podSelector: { matchLabels: selectorLabels(cluster) } },
    { podSelector: { matchLabels: { [INJECT_LABEL]: cluster.metadata.name } } },
    ...cluster.spec.remoteClusters.flatMap((c) => c.cidrs.map((cidr): V1NetworkPolicyPeer => ({ ipBlock: { cidr } }))),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).networkPolicy, 'network'),
    spec: {
      podSelector: { matchLabels: selectorLabels(cluster) },
      policyTypes: ['Ingress'],
      ingress: [
        { ports: [{ protocol: 'TCP', port: REPL_PORT }], _from: replicationPeers },
        { ports: [{ protocol: 'TCP', port: RESP_PORT }, { protocol: 'TCP', port: ADMIN_PORT }] },
      ],
    },
  };
}
