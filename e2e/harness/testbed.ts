// The testbed: a real control plane plus the node agent on this machine, as a
// Cluster. startTestbed() does, in order: binaries (cached build), a network
// slot and bridge, PKI, etcd + kube-apiserver + kube-controller-manager, a
// loopback forwarder, the admin kubeconfig, the node agent. stop() undoes it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { claimSlot, sweepSlot, type BedSlot } from './bed-slot.js';
import { ensureBinaries } from './binaries.js';
import { createBridge, deleteBridge } from './bridge.js';
import type { Cluster } from './cluster.js';
import { KUBERNETES_SERVICE_IP, startControlPlane, stopProcesses, type ControlPlane } from './control-plane.js';
import { freePort } from './free-port.js';
import { writeKubeconfig } from './kubeconfig.js';
import { log } from './log.js';
import { tailFile } from './managed-process.js';
import { NodeAgent } from './node-agent/node-agent.js';
import { createPki } from './pki.js';
import { forwardLoopback, type Forwarder } from './tcp-forward.js';
import { waitFor } from './wait-for.js';
import type { CommandResult } from './run-command.js';

export interface Testbed extends Cluster {
  readonly kind: 'testbed';
  /** The bed's temp directory: logs/, pods/<ns>_<name>_<uid>/logs/, pki/, kubeconfig. */
  readonly dir: string;
  /** Where pods reach the apiserver (also KUBERNETES_SERVICE_HOST/PORT in every container). */
  readonly apiserverFromPods: { readonly host: string; readonly port: number };
  readonly nodeName: string;
  readonly agent: NodeAgent;
  /** A pod's IP on the bed's bridge, reachable from this process. */
  podIP(namespace: string, name: string): string | undefined;
  /** A pod's network namespace name, for `ip netns exec <netns> ...`. */
  podNetns(namespace: string, name: string): string | undefined;
  /** A container's output so far (there is no kubelet API, so no `kubectl logs`). */
  podLog(namespace: string, name: string, container: string): string;
}

export const NODE_NAME = 'redis-crdt-e2e-node';

/** Starts the bed. Needs root (network namespaces, bind mounts) and Go for the first build. */
export async function startTestbed(): Promise<Testbed> {
  if (process.getuid?.() !== 0) throw new Error('The e2e testbed needs root: it creates network namespaces, a bridge and bind mounts');
  const binDir = await ensureBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-crdt-e2e-'));
  const slot = await claimSlot();
  const cleanups: (() => Promise<void>)[] = [() => sweepSlot(slot.index), () => Promise.resolve(slot.release())];
  let controlPlane: ControlPlane | undefined;
  try {
    await createBridge(slot);
    cleanups.unshift(() => deleteBridge(slot));
    const pki = await createPki({ dir: path.join(dir, 'pki'), ips: ['127.0.0.1', slot.gateway, KUBERNETES_SERVICE_IP] });
    const apiserverPort = await freePort();
    const kubeconfigFor = (file: string, host: string): string =>
      writeKubeconfig({ file: path.join(dir, file), server: `https://${host}:${apiserverPort}`, caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
    const internalKubeconfig = kubeconfigFor('controller-manager.kubeconfig', slot.gateway);
    controlPlane = await startControlPlane({
      binDir, dir, pki, apiserverAddress: slot.gateway, apiserverPort, kubeconfig: internalKubeconfig, onStarted: (pid) => slot.recordPid(pid),
    });
    const processes = controlPlane.processes;
    cleanups.unshift(() => stopProcesses(processes));
    const forwarder: Forwarder = await forwardLoopback(apiserverPort, { host: slot.gateway, port: apiserverPort });
    cleanups.unshift(() => forwarder.close());
    const kubeconfigPath = kubeconfigFor('admin.kubeconfig', '127.0.0.1');
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(kubeconfigPath);
    await waitForControllers(kubeconfig);
    const agent = new NodeAgent({
      kubeconfig, slot, nodeName: NODE_NAME, apiserver: { host: slot.gateway, port: apiserverPort }, bedDir: dir, kubeletVersion: (await kubeconfig.makeApiClient(VersionApi).getCode()).gitVersion,
    });
    await agent.start();
    cleanups.unshift(() => agent.stop());
    log.info('Testbed ready', { kubeconfig: kubeconfigPath, slot: slot.index });
    return makeTestbed({ dir, binDir, slot, kubeconfig, kubeconfigPath, agent, apiserverPort, cleanups });
  } catch (e) {
    const report = diagnosticsOf(dir);
    await runCleanups(cleanups);
    throw new Error(`${(e as Error).message}\n${report}`);
  }
}

interface Parts {
  readonly dir: string;
  readonly binDir: string;
  readonly slot: BedSlot;
  readonly kubeconfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly agent: NodeAgent;
  readonly apiserverPort: number;
  readonly cleanups: (() => Promise<void>)[];
}

function makeTestbed(p: Parts): Testbed {
  let stopping: Promise<void> | undefined;
  return {
    kind: 'testbed',
    kubeconfig: p.kubeconfig,
    kubeconfigPath: p.kubeconfigPath,
    binDir: p.binDir,
    podNetworkReachable: true,
    dir: p.dir,
    apiserverFromPods: { host: p.slot.gateway, port: p.apiserverPort },
    nodeName: NODE_NAME,
    agent: p.agent,
    podIP: (namespace, name) => p.agent.podIP(namespace, name),
    podNetns: (namespace, name) => p.agent.podNetns(namespace, name),
    podLog: (namespace, name, container) => {
      const podDir = p.agent.podDir(namespace, name);
      return podDir ? tailFile(path.join(podDir, 'logs', `${container}.log`), 10_000) : '';
    },
    exec: (namespace, pod, argv, container): Promise<CommandResult> => p.agent.exec(namespace, pod, container, argv),
    diagnostics: () => diagnosticsOf(p.dir),
    stop: () => (stopping ??= runCleanups(p.cleanups).then(() => {
      // Keep logs for a post-mortem; drop the bulky data.
      fs.rmSync(path.join(p.dir, 'etcd'), { recursive: true, force: true });
      fs.rmSync(path.join(p.dir, 'pvs'), { recursive: true, force: true });
    })),
  };
}

/** The controller manager is up once it has published the root CA and created the default ServiceAccount. */
async function waitForControllers(kubeconfig: KubeConfig): Promise<void> {
  const core = kubeconfig.makeApiClient(CoreV1Api);
  await waitFor('kube-controller-manager (default ServiceAccount and kube-root-ca.crt)', 60_000, async () => {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    await core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'default' });
    return true;
  });
}

async function runCleanups(cleanups: readonly (() => Promise<void>)[]): Promise<void> {
  for (const c of cleanups) {
    try {
      await c();
    } catch (e) {
      log.warn('Testbed cleanup step failed', { error: (e as Error).message });
    }
  }
}

/** The tail of every control-plane log and every container log in the bed's directory. */
export function diagnosticsOf(dir: string): string {
  const files: string[] = [];
  const logs = path.join(dir, 'logs');
  if (fs.existsSync(logs)) files.push(...fs.readdirSync(logs).map((f) => path.join(logs, f)));
  const pods = path.join(dir, 'pods');
  if (fs.existsSync(pods)) {
    for (const pod of fs.readdirSync(pods)) {
      const podLogs = path.join(pods, pod, 'logs');
      if (fs.existsSync(podLogs)) files.push(...fs.readdirSync(podLogs).map((f) => path.join(podLogs, f)));
    }
  }
  return files.map((f) => `==> ${f} <==\n${tailFile(f, 25)}`).join('\n');
}
