/**
 * The sidecar's peers file, as a ConfigMap every pod mounts. Each pod finds itself
 * in the list too (one file serves all pods); the sidecar skips its own id.
 * `removed` lists replicas that left for good: peers stop waiting for them in
 * garbage collection and refuse them if they come back.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { podServerName } from '../certs/sans.js';
import { objectMeta } from './meta.js';
import { namesFor } from './names.js';
import { PEERS_KEY, REPL_PORT } from './ports.js';

export interface PeerEntry {
  id: string;
  address: string;
  serverName?: string;
}

export interface PeersFile {
  peers: PeerEntry[];
  removed: string[];
}

/** The peers file for local members (by ordinal) plus every declared remote replica. */
export function peersFile(cluster: RedisCRDTCluster, memberOrdinals: readonly number[], removed: readonly string[], clusterDomain: string): PeersFile {
  const names = namesFor(cluster.metadata.name);
  const local = memberOrdinals.map((ordinal): PeerEntry => {
    const serverName = podServerName({ pod: names.pod(ordinal), headlessService: names.headlessService, namespace: cluster.metadata.namespace, clusterDomain });
    return { id: names.pod(ordinal), address: `${serverName}:${REPL_PORT}`, serverName };
  });
  const remote = cluster.spec.remoteClusters.flatMap((c) => c.peers.map((p): PeerEntry => ({ ...p })));
  return { peers: [...local, ...remote], removed: [...new Set(removed)].sort() };
}

export function buildPeersConfigMap(cluster: RedisCRDTCluster, file: PeersFile): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).peersConfigMap, 'peers'),
    data: { [PEERS_KEY]: YAML.stringify(file) },
  };
}
