/**
 * Defaults for every optional spec field. The CRD declares the same defaults so the
 * API server fills them in; the parser applies them too, because objects stored
 * before a default existed never got it (a test checks the two lists agree).
 */
import type { RedisCRDTClusterSpec } from './types.js';

/** The release these defaults belong to; images are tagged with it. */
export const OPERATOR_VERSION = '0.1.0';
export const DEFAULT_SIDECAR_IMAGE = `ghcr.io/redis-crdt/redis-crdt-sidecar:${OPERATOR_VERSION}`;
export const DEFAULT_REDIS_IMAGE = 'redis:7.2';

export const DEFAULTS: RedisCRDTClusterSpec = {
  replicas: 3,
  images: { sidecar: DEFAULT_SIDECAR_IMAGE, redis: DEFAULT_REDIS_IMAGE, pullPolicy: 'IfNotPresent', pullSecrets: [] },
  resources: { sidecar: {}, redis: {} },
  storage: { size: '1Gi' },
  tls: { issuer: 'internal', validity: '2160h', caValidity: '87600h', extraDNSNames: [] },
  auth: {},
  persistence: { appendfsync: 'everysec' },
  gc: { tombstoneMaxAge: '168h' },
  podTemplate: { annotations: {}, labels: {}, nodeSelector: {}, tolerations: [], topologySpreadConstraints: [] },
  service: { type: 'ClusterIP', annotations: {} },
  remoteClusters: [],
  monitoring: { serviceMonitor: { enabled: false, interval: '30s', labels: {} } },
  networkPolicy: { enabled: true },
};
