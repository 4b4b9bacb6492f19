// Registers the bed's single Node and keeps it Ready. The node lifecycle
// controller is not enabled, so no heartbeat is needed for the Node to stay Ready.
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { isNotFound } from './kube-objects.js';

export interface NodeSpec {
  readonly name: string;
  readonly address: string;
  readonly kubeletVersion: string;
}

/** Creates the Node (replacing a stale one of the same name) and marks it Ready. */
export async function registerNode(core: CoreV1Api, spec: NodeSpec): Promise<void> {
  try {
    await core.deleteNode({ name: spec.name });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels: { 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
  };
  await core.createNode({ body: node });
  const now = new Date().toISOString();
  const resources = { cpu: '8', memory: '32Gi', pods: '250', 'ephemeral-storage': '100Gi' };
  const status = {
    status: {
      capacity: resources,
      allocatable: resources,
      addresses: [{ type: 'InternalIP', address: spec.address }, { type: 'Hostname', address: spec.name }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'redis-crdt e2e node agent is ready', lastHeartbeatTime: now, lastTransitionTime: now }],
      nodeInfo: {
        kubeletVersion: spec.kubeletVersion, kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
        containerRuntimeVersion: 'redis-crdt-e2e://0.1.0', osImage: 'local processes', kernelVersion: '', machineID: '', systemUUID: '', bootID: '',
      },
    },
  };
  await core.patchNodeStatus({ name: spec.name, body: status }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}
