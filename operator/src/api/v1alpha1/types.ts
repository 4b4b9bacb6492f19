/**
 * RedisCRDTCluster (rediscrdt.io/v1alpha1): the typed shape of the custom resource.
 * `crds/rediscrdt.io_rediscrdtclusters.yaml` is the API server's copy of the same
 * schema; a test keeps the two (and their defaults) in step.
 */

export const GROUP = 'rediscrdt.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'RedisCRDTCluster';
export const PLURAL = 'rediscrdtclusters';

/** Max replicas: the CRD's CEL bound; the pod template mounts one TLS source per possible ordinal. */
export const MAX_REPLICAS = 15;

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export type AppendFsync = 'always' | 'everysec' | 'no';
export type Issuer = 'internal' | 'certManager';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Kubernetes quantities kept as strings (e.g. `{ cpu: '500m', memory: '256Mi' }`). */
export interface ResourceRequirements {
  requests?: Readonly<Record<string, string>>;
  limits?: Readonly<Record<string, string>>;
}

export interface Images {
  sidecar: string;
  redis: string;
  pullPolicy: PullPolicy;
  pullSecrets: readonly string[];
}

export interface Storage {
  /** Op log + snapshots volume size; may grow, never shrink. */
  size: string;
  /** StorageClass; immutable once set. */
  className?: string;
}

export interface TlsSpec {
  issuer: Issuer;
  /** Leaf certificate lifetime (Go duration). */
  validity: string;
  /** Renew this long before expiry; default one third of `validity` (renew at 2/3 of lifetime). */
  renewBefore?: string;
  /** CA certificate lifetime (Go duration). */
  caValidity: string;
  /** Extra SANs per pod; `{pod}` is replaced by the pod name (e.g. `{pod}.east.example.com`). */
  extraDNSNames: readonly string[];
  /** With issuer certManager: the cert-manager Issuer/ClusterIssuer to use. */
  certManagerIssuerRef?: { name: string; kind: 'Issuer' | 'ClusterIssuer' };
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface AuthSpec {
  /** Secret holding the requirepass password; unset means no AUTH. */
  secretRef?: SecretKeyRef;
}

export interface PersistenceSpec {
  appendfsync: AppendFsync;
}

export interface GcSpec {
  /** Bound on tombstone age when a peer stays unreachable (Go duration). */
  tombstoneMaxAge: string;
}

/** Pod template overrides. Opaque Kubernetes sub-objects stay `unknown` and are copied as given. */
export interface PodTemplateOverrides {
  annotations: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  nodeSelector: Readonly<Record<string, string>>;
  affinity?: unknown;
  tolerations: readonly unknown[];
  topologySpreadConstraints: readonly unknown[];
  priorityClassName?: string;
}

export interface ServiceSpec {
  type: ServiceType;
  annotations: Readonly<Record<string, string>>;
}

export interface RemotePeer {
  id: string;
  /** host:port of the remote replica's replication endpoint. */
  address: string;
  serverName?: string;
}

/** Another cluster of the same active-active database. */
export interface RemoteCluster {
  name: string;
  peers: readonly RemotePeer[];
  /** Secret with the remote cluster's CA certificate(s), appended to our trust bundle. */
  caSecretRef: SecretKeyRef;
  /** Source ranges allowed to reach the replication port (NetworkPolicy ipBlocks). */
  cidrs: readonly string[];
}

export interface MonitoringSpec {
  serviceMonitor: { enabled: boolean; interval: string; labels: Readonly<Record<string, string>> };
}

export interface NetworkPolicySpec {
  enabled: boolean;
}

export interface RedisCRDTClusterSpec {
  replicas: number;
  images: Images;
  resources: { sidecar: ResourceRequirements; redis: ResourceRequirements };
  storage: Storage;
  tls: TlsSpec;
  auth: AuthSpec;
  persistence: PersistenceSpec;
  gc: GcSpec;
  podTemplate: PodTemplateOverrides;
  service: ServiceSpec;
  remoteClusters: readonly RemoteCluster[];
  monitoring: MonitoringSpec;
  networkPolicy: NetworkPolicySpec;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  resourceVersion?: string;
  labels: Readonly<Record<string, string>>;
  deletionTimestamp?: string;
}

export type ConditionType = 'Ready' | 'CertificatesReady' | 'PeersConfigured' | 'Replicating' | 'Progressing' | 'Degraded';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

export type Phase = 'Pending' | 'Creating' | 'Running' | 'Scaling' | 'Upgrading' | 'Degraded';

export interface PodStatus {
  name: string;
  ready: boolean;
  draining: boolean;
  /** Largest lag of any peer towards this replica, in ms (from the sidecar's `/v1/status`). */
  maxLagMs?: number;
  opsOriginated?: number;
  oplogBytes?: number;
  certificateNotAfter?: string;
  error?: string;
}

/** An application pod the webhook injected with the sidecar (issue 8); `name` is its member (replica) id. */
export interface MemberStatus extends PodStatus {
  pod: string;
  terminating: boolean;
}

export type ScaleDownPhase = 'Draining' | 'WaitingForAcks' | 'RemovingPeer' | 'Shrinking';

/** The resumable scale-down state machine (one replica leaves at a time, highest ordinal first). */
export interface ScaleDownStatus {
  leaving: string;
  phase: ScaleDownPhase;
  /** The leaving replica's version-vector entry when it stopped taking writes. */
  leavingSeq?: number;
  startedAt: string;
}

export interface CertificatesStatus {
  caNotAfter?: string;
  /** Set while a CA rotation is in progress. */
  caRotationPhase?: string;
  earliestLeafNotAfter?: string;
}

export interface RedisCRDTClusterStatus {
  observedGeneration?: number;
  phase?: Phase;
  replicas?: number;
  readyReplicas?: number;
  /** Label selector string, for the scale subresource (HPA / kubectl scale). */
  selector?: string;
  maxLagMs?: number;
  conditions?: Condition[];
  pods?: PodStatus[];
  certificates?: CertificatesStatus;
  scaleDown?: ScaleDownStatus;
  /** Injected application pods replicating as members of this cluster. */
  members?: MemberStatus[];
  /** Replica ids permanently removed; the peers file lists them under `removed`. */
  removedReplicas?: string[];
  /** Pod template revision the rollout has reached (one pod at a time). */
  updateRevision?: string;
}

export interface RedisCRDTCluster {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: RedisCRDTClusterSpec;
  status: RedisCRDTClusterStatus;
}
