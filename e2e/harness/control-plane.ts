// Starts the real control plane: etcd on loopback, kube-apiserver on the bridge
// gateway (reachable from pods) with RBAC and service-account token signing, and
// kube-controller-manager with the controllers a StatefulSet-based operator needs.
import fs from 'node:fs';
import path from 'node:path';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './free-port.js';
import type { Pki } from './pki.js';
import { waitFor } from './wait-for.js';
import { log } from './log.js';
import { httpStatus } from './http-status.js';

/** kube-controller-manager's controllers the bed enables (names as of Kubernetes 1.33). */
export const CONTROLLERS: readonly string[] = [
  'statefulset-controller', 'garbage-collector-controller', 'endpoints-controller', 'endpointslice-controller',
  'endpointslice-mirroring-controller', 'serviceaccount-token-controller', 'serviceaccount-controller',
  'namespace-controller', 'deployment-controller', 'replicaset-controller', 'job-controller',
  'disruption-controller', 'root-ca-certificate-publisher-controller', 'clusterrole-aggregation-controller',
  // PVCs from volumeClaimTemplates are bound by the binder to the PVs the node agent creates;
  // the protection controllers release the finalizers that admission adds.
  'persistentvolume-binder-controller', 'persistentvolumeclaim-protection-controller', 'persistentvolume-protection-controller',
];

/** The `kubernetes` Service's ClusterIP: first address of the service range. Never routed; only in the serving cert. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface ControlPlaneSpec {
  readonly binDir: string;
  readonly dir: string;
  readonly pki: Pki;
  /** Address the apiserver binds and advertises (the bridge gateway). */
  readonly apiserverAddress: string;
  readonly apiserverPort: number;
  /** kubeconfig for the controller manager (it talks to the gateway address directly). */
  readonly kubeconfig: string;
  /** Called with each started PID, so a crashed run's processes can be swept later. */
  readonly onStarted: (pid: number) => void;
}

export interface ControlPlane {
  readonly processes: readonly ManagedProcess[];
}

/** Starts etcd, then kube-apiserver, then kube-controller-manager, each once the previous is healthy. */
export async function startControlPlane(spec: ControlPlaneSpec): Promise<ControlPlane> {
  const processes: ManagedProcess[] = [];
  const logs = path.join(spec.dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  try {
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = await ManagedProcess.start({
      name: 'etcd',
      logFile: path.join(logs, 'etcd.log'),
      argv: [
        path.join(spec.binDir, 'etcd'), '--name=default', `--data-dir=${path.join(spec.dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=default=${peerUrl}`,
        // A throwaway store: durability costs seconds per test and buys nothing here.
        '--unsafe-no-fsync', '--log-level=warn',
      ],
    });
    processes.push(etcd);
    spec.onStarted(etcd.pid);
    await waitFor('etcd health', 30_000, async () => ((await httpStatus(`${etcdUrl}/health`)) === 200 ? true : undefined));
    log.info('Started etcd', { pid: etcd.pid, url: etcdUrl });

    const { apiserverPort } = spec;
    const apiserver = await ManagedProcess.start({
      name: 'kube-apiserver',
      logFile: path.join(logs, 'kube-apiserver.log'),
      argv: apiserverArgs(spec, etcdUrl, apiserverPort),
    });
    processes.push(apiserver);
    spec.onStarted(apiserver.pid);
    await waitFor('kube-apiserver /readyz', 90_000, async () => {
      if (!apiserver.running) throw new Error(`kube-apiserver exited:\n${apiserver.tail()}`);
      return (await httpStatus(`https://${spec.apiserverAddress}:${apiserverPort}/readyz`, tlsFiles(spec.pki))) === 200 ? true : undefined;
    });
    log.info('Started kube-apiserver', { pid: apiserver.pid, address: spec.apiserverAddress, port: apiserverPort });

    const kcm = await ManagedProcess.start({
      name: 'kube-controller-manager',
      logFile: path.join(logs, 'kube-controller-manager.log'),
      argv: [
        path.join(spec.binDir, 'kube-controller-manager'), `--kubeconfig=${spec.kubeconfig}`,
        `--controllers=${CONTROLLERS.join(',')}`, '--leader-elect=false', '--secure-port=0',
        `--root-ca-file=${spec.pki.caCert}`, `--service-account-private-key-file=${spec.pki.saPrivateKey}`,
        '--use-service-account-credentials=false', `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // StatefulSet pods are created in a burst; the defaults are tuned for big clusters.
        '--concurrent-statefulset-syncs=5', '--v=1',
      ],
    });
    processes.push(kcm);
    spec.onStarted(kcm.pid);
    log.info('Started kube-controller-manager', { pid: kcm.pid });
    return { processes };
  } catch (e) {
    await stopProcesses(processes);
    throw e;
  }
}

function apiserverArgs(spec: ControlPlaneSpec, etcdUrl: string, port: number): string[] {
  const { pki } = spec;
  return [
    path.join(spec.binDir, 'kube-apiserver'), `--etcd-servers=${etcdUrl}`,
    `--bind-address=${spec.apiserverAddress}`, `--advertise-address=${spec.apiserverAddress}`, `--secure-port=${port}`,
    `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`, `--client-ca-file=${pki.caCert}`,
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${pki.saPublicKey}`, `--service-account-signing-key-file=${pki.saPrivateKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`, '--authorization-mode=Node,RBAC', '--allow-privileged=true',
    '--enable-priority-and-fairness=false', '--profiling=false', '--v=1',
  ];
}

/** Stops processes in reverse start order (controller manager, apiserver, etcd). */
export async function stopProcesses(processes: readonly ManagedProcess[]): Promise<void> {
  for (const p of [...processes].reverse()) await p.stop(10_000);
}

function tlsFiles(pki: Pki): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: fs.readFileSync(pki.caCert), cert: fs.readFileSync(pki.adminCert), key: fs.readFileSync(pki.adminKey) };
}
