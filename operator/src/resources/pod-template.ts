/**
 * The replica pod template. It does not depend on the replica count: the TLS source
 * volume projects every possible ordinal's Secret (optional), so scaling never
 * changes the template and never triggers a rollout. Only the tls-sync container
 * mounts that volume; the replica reads its own copy (sidecar-container.ts).
 */
import type { V1Affinity, V1PodTemplateSpec, V1Toleration, V1TopologySpreadConstraint, V1Volume, V1VolumeProjection } from '@kubernetes/client-node';
import { MAX_REPLICAS, type RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { selectorLabels, standardLabels } from './meta.js';
import { namesFor } from './names.js';
import { buildRedisContainer, buildSidecarContainer, buildTlsSyncContainer } from './sidecar-container.js';

/** The image's `node` user; the data volume is group-owned by it through fsGroup. */
const NODE_UID = 1000;

function tlsSourceVolume(cluster: RedisCRDTCluster): V1Volume {
  const names = namesFor(cluster.metadata.name);
  const sources = Array.from({ length: MAX_REPLICAS }, (_, ordinal): V1VolumeProjection => ({
    secret: {
      name: names.podTlsSecret(ordinal),
      optional: true,
      items: (['tls.crt', 'tls.key', 'ca.crt'] as const).map((key) => ({ key, path: `${names.pod(ordinal)}/${key}` })),
    },
  }));
  return { name: 'tls-source', projected: { sources, defaultMode: 0o440 } };
}

function defaultAffinity(cluster: RedisCRDTCluster): V1Affinity {
  // Preferred, not required: a small cluster on one node still comes up.
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(cluster) } },
      }],
    },
  };
}

function defaultSpread(cluster: RedisCRDTCluster): V1TopologySpreadConstraint[] {
  return [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels(cluster) } }];
}

export function buildPodTemplate(cluster: RedisCRDTCluster): V1PodTemplateSpec {
  const { podTemplate: o, images } = cluster.spec;
  const names = namesFor(cluster.metadata.name);
  const template: V1PodTemplateSpec = {
    // The operator's labels win over user labels so the selector always matches.
    metadata: { labels: { ...o.labels, ...standardLabels(cluster, 'database') } },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 30,
      securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, fsGroup: NODE_UID, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [buildTlsSyncContainer(cluster)],
      containers: [buildSidecarContainer(cluster), buildRedisContainer(cluster)],
      volumes: [
        { name: 'peers', configMap: { name: names.peersConfigMap } },
        tlsSourceVolume(cluster),
        // This pod's own certificate and key only, in memory (never on the node's disk).
        { name: 'tls', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        { name: 'redis-scratch', emptyDir: {} },
        { name: 'tmp', emptyDir: {} },
      ],
      affinity: (o.affinity as V1Affinity | undefined) ?? defaultAffinity(cluster),
      topologySpreadConstraints: o.topologySpreadConstraints.length > 0 ? (o.topologySpreadConstraints as V1TopologySpreadConstraint[]) : defaultSpread(cluster),
    },
  };
  const spec = template.spec;
  if (spec === undefined) throw new Error('unreachable');
  if (Object.keys(o.annotations).length > 0 && template.metadata !== undefined) template.metadata.annotations = { ...o.annotations };
  if (Object.keys(o.nodeSelector).length > 0) spec.nodeSelector = { ...o.nodeSelector };
  if (o.tolerations.length > 0) spec.tolerations = o.tolerations as V1Toleration[];
  if (o.priorityClassName !== undefined) spec.priorityClassName = o.priorityClassName;
  if (images.pullSecrets.length > 0) spec.imagePullSecrets = images.pullSecrets.map((name) => ({ name }));
  return template;
}
