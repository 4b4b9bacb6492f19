/**
 * Sidecar injection into application pods (issue 8): the containers, volumes and
 * identity an injected pod gets. Pure: the member id's random part comes in.
 *
 * An injected pod is a member of the cluster under a **member id**, not its pod
 * name: pods of a Deployment are named by the API server after admission
 * (`generateName`), so at admission time the name is unknown. The webhook picks
 * `<name or generateName><5 random chars>`, issues that id's certificate into a
 * Secret of its own and records the id in an annotation; the reconciler finds
 * members by the inject label and that annotation.
 */
import type { V1Container, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import type { PeerEntry } from './peers-configmap.js';
import { namesFor, truncateName } from './names.js';
import { ADMIN_PORT, MIRROR_PORT, PATHS, REPL_PORT, RESP_PORT } from './ports.js';
import { buildRedisContainer, buildSidecarContainer } from './sidecar-container.js';

/** The opt-in: a pod labelled `rediscrdt.io/inject: <cluster-name>` joins that cluster (same namespace). */
export const INJECT_LABEL = 'rediscrdt.io/inject';
/** Set by the webhook: the member id the pod's sidecar replicates under. */
export const MEMBER_ID_ANNOTATION = 'rediscrdt.io/member-id';
/** Set by the webhook: the cluster the pod was injected for; its presence makes re-admission a no-op. */
export const INJECTED_ANNOTATION = 'rediscrdt.io/injected';
/** On a member's TLS Secret: whose certificate it holds. */
export const MEMBER_LABEL = 'rediscrdt.io/member';

export const INJECTED_SIDECAR = 'rediscrdt-sidecar';
export const INJECTED_REDIS = 'rediscrdt-redis';
const VOLUME_PREFIX = 'rediscrdt-';

const MEMBER_SUFFIX_LENGTH = 5;
/** Well inside the default 30 s termination grace period, which the app containers share. */
const SHUTDOWN_DRAIN_SECONDS = 20;

/**
 * A member id from the pod's name (or generateName) and random characters: a DNS
 * label of at most 63 characters, as replica ids must be (the sidecar checks that
 * the peer certificate names it).
 */
export function memberIdFor(podNameOrPrefix: string, random: string): string {
  const suffix = random.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, MEMBER_SUFFIX_LENGTH).padEnd(MEMBER_SUFFIX_LENGTH, '0');
  let base = podNameOrPrefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '');
  base = base.slice(0, 63 - MEMBER_SUFFIX_LENGTH - 1);
  if (base === '') base = 'member';
  if (!base.endsWith('-')) base = `${base}-`;
  return `${base}${suffix}`;
}

/** The Secret holding a member's certificate, key and trust bundle. */
export function memberTlsSecretName(cluster: string, memberId: string): string {
  return truncateName(`${cluster}-${memberId}-tls`);
}

/** Names in a member's certificate: the member id (what peers verify) and nothing DNS-routable. */
export function memberDnsNames(memberId: string): string[] {
  return [memberId];
}

/** A member in the peers file: reached at its pod IP, verified by its member id. */
export function memberPeerEntry(memberId: string, podIP: string): PeerEntry {
  const host = podIP.includes(':') ? `[${podIP}]` : podIP;
  return { id: memberId, address: `${host}:${REPL_PORT}`, serverName: memberId };
}

const volumeName = (name: string): string => `${VOLUME_PREFIX}${name}`;
/**
 * Scratch space goes to /var/tmp (with TMPDIR), not over /tmp: the service-account
 * token mount that admission adds to every container of an app pod comes after
 * ours, and a mount over /tmp first hides its host source on runtimes that resolve
 * sources inside the container's mount namespace (the e2e node agent does).
 */
const SCRATCH_DIR = '/var/tmp';
const renameMounts = (mounts: readonly V1VolumeMount[] | undefined): V1VolumeMount[] =>
  (mounts ?? []).map((m) => ({ ...m, name: volumeName(m.name), ...(m.mountPath === '/tmp' ? { mountPath: SCRATCH_DIR } : {}) }));

/** The flags that differ from a StatefulSet replica: the id and the single TLS Secret mount. */
function injectedArgs(args: readonly string[], memberId: string): string[] {
  const replaced = new Map<string, string>([
    ['--replica-id=', `--replica-id=${memberId}`],
    ['--tls-ca=', `--tls-ca=${PATHS.tlsDir}/ca.crt`],
    ['--tls-cert=', `--tls-cert=${PATHS.tlsDir}/tls.crt`],
    ['--tls-key=', `--tls-key=${PATHS.tlsDir}/tls.key`],
  ]);
  return args.map((arg) => [...replaced].find(([prefix]) => arg.startsWith(prefix))?.[1] ?? arg);
}

/**
 * The sidecar as a Kubernetes native sidecar (an init container with
 * `restartPolicy: Always`): the kubelet starts it before the app containers and
 * waits for its startup probe, which asks `/readyz` (recovered, serving RESP), so
 * the app's first connection to localhost:6379 succeeds. It stops after them.
 */
function injectedSidecar(cluster: RedisCRDTCluster, memberId: string): V1Container {
  const base = buildSidecarContainer(cluster);
  const adminProbe = (path: string): { httpGet: { path: string; port: number } } => ({ httpGet: { path, port: ADMIN_PORT } });
  return {
    ...base,
    name: INJECTED_SIDECAR,
    restartPolicy: 'Always',
    // A member leaves for good when its pod goes: on SIGTERM its ops reach the peers first.
    args: [...injectedArgs(base.args ?? [], memberId), `--shutdown-drain-timeout=${SHUTDOWN_DRAIN_SECONDS}s`],
    env: [...(base.env ?? []).map((e) => (e.name === 'REDIS_CRDT_REPLICA_ID' ? { name: e.name, value: memberId } : e)), { name: 'TMPDIR', value: SCRATCH_DIR }],
    // Port names are unique within a pod; the app's own may be called resp or admin.
    ports: [
      { name: 'rcrdt-resp', containerPort: RESP_PORT, protocol: 'TCP' },
      { name: 'rcrdt-repl', containerPort: REPL_PORT, protocol: 'TCP' },
      { name: 'rcrdt-admin', containerPort: ADMIN_PORT, protocol: 'TCP' },
    ],
    startupProbe: { ...adminProbe('/readyz'), periodSeconds: 1, failureThreshold: 300 },
    livenessProbe: { ...adminProbe('/healthz'), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    readinessProbe: { ...adminProbe('/readyz'), periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
    volumeMounts: renameMounts(base.volumeMounts),
    // The app's pod securityContext is the app's; the sidecar states its own user (the image's node user).
    securityContext: { ...base.securityContext, runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
  };
}

function injectedRedis(cluster: RedisCRDTCluster): V1Container {
  const base = buildRedisContainer(cluster);
  return { ...base, name: INJECTED_REDIS, restartPolicy: 'Always', volumeMounts: renameMounts(base.volumeMounts) };
}

function injectedVolumes(cluster: RedisCRDTCluster, memberId: string): V1Volume[] {
  const names = namesFor(cluster.metadata.name);
  return [
    // The op log lives as long as the pod: a new pod is a new member with a new id.
    { name: volumeName('data'), emptyDir: {} },
    { name: volumeName('peers'), configMap: { name: names.peersConfigMap } },
    // 0444: the sidecar's user must read the key without an fsGroup (the pod's securityContext is the app's).
    { name: volumeName('tls'), secret: { secretName: memberTlsSecretName(cluster.metadata.name, memberId), defaultMode: 0o444 } },
    { name: volumeName('redis-scratch'), emptyDir: {} },
    { name: volumeName('tmp'), emptyDir: {} },
  ];
}

export interface Injection {
  /** In start order: the local redis first (the sidecar mirrors into it), then the sidecar. */
  initContainers: V1Container[];
  volumes: V1Volume[];
  annotations: Record<string, string>;
}

export function buildInjection(cluster: RedisCRDTCluster, memberId: string): Injection {
  return {
    initContainers: [injectedRedis(cluster), injectedSidecar(cluster, memberId)],
    volumes: injectedVolumes(cluster, memberId),
    annotations: { [INJECTED_ANNOTATION]: cluster.metadata.name, [MEMBER_ID_ANNOTATION]: memberId },
  };
}

/** Ports an injected pod uses inside its network namespace; an app container listening on one would clash. */
export const INJECTED_PORTS: readonly number[] = [RESP_PORT, REPL_PORT, ADMIN_PORT, MIRROR_PORT];
