/**
 * The two containers of a replica pod: the redis-crdt sidecar (the replica itself)
 * and the pod-local redis-server it mirrors values into.
 */
import type { V1Container, V1EnvVar, V1SecurityContext } from '@kubernetes/client-node';
import type { RedisCRDTCluster, ResourceRequirements } from '../api/v1alpha1/index.js';
import { ADMIN_TOKEN_KEY } from './admin-secret.js';
import { namesFor } from './names.js';
import { ADMIN_PORT, MIRROR_PORT, PATHS, PORT_NAMES, REPL_PORT, RESP_PORT } from './ports.js';

/** The pod's own name, from the downward API; `$(POD_NAME)` in args expands to it. */
const POD_NAME_ENV: V1EnvVar = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };

const RESTRICTED: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** Where the replica finds its own certificate (the tls-sync container copies it there). */
export function tlsPath(file: 'ca.crt' | 'tls.crt' | 'tls.key'): string {
  return `${PATHS.tlsDir}/${file}`;
}

/**
 * The TLS copier, a native sidecar (an init container that keeps running): the one
 * container that mounts every replica's TLS Secret (a StatefulSet's single pod template
 * cannot mount only the pod's own). It copies this pod's files into a memory volume the
 * replica reads, atomically and again on every rotation, so the replica never sees a
 * peer's private key. Its startup probe holds the other containers until the first copy.
 */
export function buildTlsSyncContainer(cluster: RedisCRDTCluster): V1Container {
  const { spec } = cluster;
  return {
    name: 'tls-sync',
    image: spec.images.sidecar,
    imagePullPolicy: spec.images.pullPolicy,
    restartPolicy: 'Always',
    args: ['tls-sync', `--from=${PATHS.tlsSourceDir}/$(POD_NAME)`, `--to=${PATHS.tlsDir}`],
    env: [POD_NAME_ENV],
    startupProbe: { exec: { command: ['test', '-s', tlsPath('tls.key')] }, periodSeconds: 1, failureThreshold: 600 },
    resources: { requests: { cpu: '5m', memory: '48Mi' }, limits: { memory: '96Mi' } },
    volumeMounts: [
      { name: 'tls-source', mountPath: PATHS.tlsSourceDir, readOnly: true },
      { name: 'tls', mountPath: PATHS.tlsDir },
    ],
    securityContext: RESTRICTED,
  };
}

function resources(r: ResourceRequirements): { requests?: Record<string, string>; limits?: Record<string, string> } {
  const out: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  if (r.requests !== undefined) out.requests = { ...r.requests };
  if (r.limits !== undefined) out.limits = { ...r.limits };
  return out;
}

function sidecarEnv(cluster: RedisCRDTCluster): V1EnvVar[] {
  const env: V1EnvVar[] = [
    POD_NAME_ENV,
    { name: 'REDIS_CRDT_REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The admin port is open on the pod IP (probes, Prometheus): drain and undrain need this token.
    { name: 'REDIS_CRDT_ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: namesFor(cluster.metadata.name).adminSecret, key: ADMIN_TOKEN_KEY } } },
  ];
  const auth = cluster.spec.auth.secretRef;
  // The password comes from the Secret through the environment, never on the command line.
  if (auth !== undefined) env.push({ name: 'REDIS_CRDT_REQUIREPASS', valueFrom: { secretKeyRef: { name: auth.name, key: auth.key } } });
  return env;
}

export function buildSidecarContainer(cluster: RedisCRDTCluster): V1Container {
  const { spec } = cluster;
  return {
    name: 'sidecar',
    image: spec.images.sidecar,
    imagePullPolicy: spec.images.pullPolicy,
    args: [
      '--replica-id=$(POD_NAME)', `--port=${RESP_PORT}`, '--bind=0.0.0.0', `--data-dir=${PATHS.dataDir}`,
      // The admin server defaults to loopback; the kubelet's probes and the operator reach it on the pod IP.
      `--admin-port=${ADMIN_PORT}`, '--admin-bind=0.0.0.0', `--appendfsync=${spec.persistence.appendfsync}`, `--repl-port=${REPL_PORT}`,
      `--peers-file=${PATHS.peersFile}`, `--tls-ca=${tlsPath('ca.crt')}`, `--tls-cert=${tlsPath('tls.crt')}`,
      `--tls-key=${tlsPath('tls.key')}`, `--mirror=redis://127.0.0.1:${MIRROR_PORT}`,
    ],
    env: sidecarEnv(cluster),
    ports: [
      { name: PORT_NAMES.resp, containerPort: RESP_PORT, protocol: 'TCP' },
      { name: PORT_NAMES.repl, containerPort: REPL_PORT, protocol: 'TCP' },
      { name: PORT_NAMES.admin, containerPort: ADMIN_PORT, protocol: 'TCP' },
    ],
    // Recovery (snapshot + op log replay) can take a while: the startup probe holds liveness off until it is done.
    startupProbe: { httpGet: { path: '/healthz', port: PORT_NAMES.admin }, periodSeconds: 2, failureThreshold: 150 },
    livenessProbe: { httpGet: { path: '/healthz', port: PORT_NAMES.admin }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/readyz', port: PORT_NAMES.admin }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
    resources: resources(spec.resources.sidecar),
    volumeMounts: [
      { name: 'data', mountPath: PATHS.dataDir },
      { name: 'peers', mountPath: PATHS.peersDir, readOnly: true },
      { name: 'tls', mountPath: PATHS.tlsDir, readOnly: true },
      // The root filesystem is read-only; Node and its libraries may still want a scratch /tmp.
      { name: 'tmp', mountPath: '/tmp' },
    ],
    securityContext: RESTRICTED,
  };
}

export function buildRedisContainer(cluster: RedisCRDTCluster): V1Container {
  const { spec } = cluster;
  return {
    name: 'redis',
    image: spec.images.redis,
    imagePullPolicy: spec.images.pullPolicy,
    // A cache of materialised values only: no persistence, reachable from inside the pod only.
    command: ['redis-server'],
    args: ['--port', String(MIRROR_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    // Bound to loopback, so the probe runs inside the container rather than from the kubelet.
    livenessProbe: { exec: { command: ['redis-cli', '-p', String(MIRROR_PORT), 'ping'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    resources: resources(spec.resources.redis),
    volumeMounts: [{ name: 'redis-scratch', mountPath: '/data' }],
    securityContext: { ...RESTRICTED, runAsUser: 999, runAsGroup: 999 },
  };
}
