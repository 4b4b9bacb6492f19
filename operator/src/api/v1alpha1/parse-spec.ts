/**
 * Parses `spec` of a RedisCRDTCluster from `unknown`, applying defaults. Shape
 * errors come from the Reader; cross-field rules live in validate.ts.
 */
import { DEFAULTS } from './defaults.js';
import { Reader, type Json } from './reader.js';
import type {
  GcSpec, Images, MonitoringSpec, PodTemplateOverrides, RedisCRDTClusterSpec, RemoteCluster, RemotePeer,
  ResourceRequirements, SecretKeyRef, ServiceSpec, Storage, TlsSpec,
} from './types.js';
import { MAX_REPLICAS } from './types.js';

export function parseSpec(r: Reader, raw: unknown): RedisCRDTClusterSpec {
  const s = r.object(raw, 'spec');
  const resources = r.object(s['resources'], 'spec.resources');
  return {
    replicas: r.integer(s['replicas'], 'spec.replicas', DEFAULTS.replicas, 0, MAX_REPLICAS),
    images: parseImages(r, s['images']),
    resources: {
      sidecar: parseResources(r, resources['sidecar'], 'spec.resources.sidecar'),
      redis: parseResources(r, resources['redis'], 'spec.resources.redis'),
    },
    storage: parseStorage(r, s['storage']),
    tls: parseTls(r, s['tls']),
    auth: parseAuth(r, s['auth']),
    persistence: {
      appendfsync: r.oneOf(r.object(s['persistence'], 'spec.persistence')['appendfsync'], 'spec.persistence.appendfsync',
        ['always', 'everysec', 'no'], DEFAULTS.persistence.appendfsync),
    },
    gc: parseGc(r, s['gc']),
    podTemplate: parsePodTemplate(r, s['podTemplate']),
    service: parseService(r, s['service']),
    remoteClusters: r.array(s['remoteClusters'], 'spec.remoteClusters').map((c, i) => parseRemoteCluster(r, c, `spec.remoteClusters[${i}]`)),
    monitoring: parseMonitoring(r, s['monitoring']),
    networkPolicy: { enabled: r.boolean(r.object(s['networkPolicy'], 'spec.networkPolicy')['enabled'], 'spec.networkPolicy.enabled', true) },
  };
}

function parseImages(r: Reader, raw: unknown): Images {
  const o = r.object(raw, 'spec.images');
  const d = DEFAULTS.images;
  return {
    sidecar: r.string(o['sidecar'], 'spec.images.sidecar', d.sidecar),
    redis: r.string(o['redis'], 'spec.images.redis', d.redis),
    pullPolicy: r.oneOf(o['pullPolicy'], 'spec.images.pullPolicy', ['Always', 'IfNotPresent', 'Never'], d.pullPolicy),
    pullSecrets: r.stringArray(o['pullSecrets'], 'spec.images.pullSecrets'),
  };
}

function parseResources(r: Reader, raw: unknown, path: string): ResourceRequirements {
  const o = r.object(raw, path);
  const out: ResourceRequirements = {};
  // Integers are legal quantities in Kubernetes (cpu: 1); keep them as strings.
  const quantities = (v: unknown, p: string): Record<string, string> => {
    const m: Record<string, string> = {};
    for (const [k, q] of Object.entries(r.object(v, p))) {
      if (typeof q === 'string' || typeof q === 'number') m[k] = String(q);
      else r.fail(`${p}.${k}`, 'must be a quantity');
    }
    return m;
  };
  if (o['requests'] !== undefined) out.requests = quantities(o['requests'], `${path}.requests`);
  if (o['limits'] !== undefined) out.limits = quantities(o['limits'], `${path}.limits`);
  return out;
}

function parseStorage(r: Reader, raw: unknown): Storage {
  const o = r.object(raw, 'spec.storage');
  const size = r.string(o['size'], 'spec.storage.size', DEFAULTS.storage.size);
  const className = r.optionalString(o['className'], 'spec.storage.className');
  return className === undefined ? { size } : { size, className };
}

function parseTls(r: Reader, raw: unknown): TlsSpec {
  const o = r.object(raw, 'spec.tls');
  const d = DEFAULTS.tls;
  const tls: TlsSpec = {
    issuer: r.oneOf(o['issuer'], 'spec.tls.issuer', ['internal', 'certManager'], d.issuer),
    validity: r.string(o['validity'], 'spec.tls.validity', d.validity),
    caValidity: r.string(o['caValidity'], 'spec.tls.caValidity', d.caValidity),
    extraDNSNames: r.stringArray(o['extraDNSNames'], 'spec.tls.extraDNSNames'),
  };
  const renewBefore = r.optionalString(o['renewBefore'], 'spec.tls.renewBefore');
  if (renewBefore !== undefined) tls.renewBefore = renewBefore;
  if (o['certManagerIssuerRef'] !== undefined) {
    const ref = r.object(o['certManagerIssuerRef'], 'spec.tls.certManagerIssuerRef');
    tls.certManagerIssuerRef = {
      name: r.requiredString(ref['name'], 'spec.tls.certManagerIssuerRef.name'),
      kind: r.oneOf(ref['kind'], 'spec.tls.certManagerIssuerRef.kind', ['Issuer', 'ClusterIssuer'], 'Issuer'),
    };
  }
  return tls;
}

function parseSecretKeyRef(r: Reader, raw: unknown, path: string, defaultKey: string): SecretKeyRef {
  const o = r.object(raw, path);
  return { name: r.requiredString(o['name'], `${path}.name`), key: r.string(o['key'], `${path}.key`, defaultKey) };
}

function parseAuth(r: Reader, raw: unknown): { secretRef?: SecretKeyRef } {
  const o = r.object(raw, 'spec.auth');
  if (o['secretRef'] === undefined) return {};
  return { secretRef: parseSecretKeyRef(r, o['secretRef'], 'spec.auth.secretRef', 'password') };
}

function parseGc(r: Reader, raw: unknown): GcSpec {
  const o = r.object(raw, 'spec.gc');
  return { tombstoneMaxAge: r.string(o['tombstoneMaxAge'], 'spec.gc.tombstoneMaxAge', DEFAULTS.gc.tombstoneMaxAge) };
}

function parsePodTemplate(r: Reader, raw: unknown): PodTemplateOverrides {
  const o = r.object(raw, 'spec.podTemplate');
  const out: PodTemplateOverrides = {
    annotations: r.stringMap(o['annotations'], 'spec.podTemplate.annotations'),
    labels: r.stringMap(o['labels'], 'spec.podTemplate.labels'),
    nodeSelector: r.stringMap(o['nodeSelector'], 'spec.podTemplate.nodeSelector'),
    tolerations: r.array(o['tolerations'], 'spec.podTemplate.tolerations'),
    topologySpreadConstraints: r.array(o['topologySpreadConstraints'], 'spec.podTemplate.topologySpreadConstraints'),
  };
  // Affinity is passed through verbatim: the API server validates it when the StatefulSet is applied.
  if (o['affinity'] !== undefined) out.affinity = r.object(o['affinity'], 'spec.podTemplate.affinity');
  const priority = r.optionalString(o['priorityClassName'], 'spec.podTemplate.priorityClassName');
  if (priority !== undefined) out.priorityClassName = priority;
  return out;
}

function parseService(r: Reader, raw: unknown): ServiceSpec {
  const o = r.object(raw, 'spec.service');
  return {
    type: r.oneOf(o['type'], 'spec.service.type', ['ClusterIP', 'NodePort', 'LoadBalancer'], DEFAULTS.service.type),
    annotations: r.stringMap(o['annotations'], 'spec.service.annotations'),
  };
}

function parseRemotePeer(r: Reader, raw: unknown, path: string): RemotePeer {
  const o: Json = r.object(raw, path);
  const peer: RemotePeer = { id: r.requiredString(o['id'], `${path}.id`), address: r.requiredString(o['address'], `${path}.address`) };
  const serverName = r.optionalString(o['serverName'], `${path}.serverName`);
  if (serverName !== undefined) peer.serverName = serverName;
  return peer;
}

function parseRemoteCluster(r: Reader, raw: unknown, path: string): RemoteCluster {
  const o = r.object(raw, path);
  return {
    name: r.requiredString(o['name'], `${path}.name`),
    peers: r.array(o['peers'], `${path}.peers`).map((p, i) => parseRemotePeer(r, p, `${path}.peers[${i}]`)),
    caSecretRef: parseSecretKeyRef(r, o['caSecretRef'], `${path}.caSecretRef`, 'ca.crt'),
    cidrs: r.stringArray(o['cidrs'], `${path}.cidrs`),
  };
}

function parseMonitoring(r: Reader, raw: unknown): MonitoringSpec {
  const sm = r.object(r.object(raw, 'spec.monitoring')['serviceMonitor'], 'spec.monitoring.serviceMonitor');
  const d = DEFAULTS.monitoring.serviceMonitor;
  return {
    serviceMonitor: {
      enabled: r.boolean(sm['enabled'], 'spec.monitoring.serviceMonitor.enabled', d.enabled),
      interval: r.string(sm['interval'], 'spec.monitoring.serviceMonitor.interval', d.interval),
      labels: r.stringMap(sm['labels'], 'spec.monitoring.serviceMonitor.labels'),
    },
  };
}
