// The smoke test's workload: a plain StatefulSet of redis-server pods behind a
// headless Service, with the manifest features the node agent must honour —
// a ConfigMap volume for redis.conf, a volumeClaimTemplate for /data, env from
// the downward API, and a readiness probe.
import type { V1ConfigMap, V1Service, V1StatefulSet } from '@kubernetes/client-node';

export const REDIS_IMAGE = 'redis:7.2';
export const CONF_PATH = '/etc/redis-e2e/redis.conf';

export interface RedisSet {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
}

export function redisConfig(set: RedisSet): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${set.name}-config`, namespace: set.namespace },
    // protected-mode off: pods are reached from other pods, not only over loopback.
    data: { 'redis.conf': 'protected-mode no\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\ndir /data\n' },
  };
}

export function headlessService(set: RedisSet): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: set.name, namespace: set.namespace },
    spec: { clusterIP: 'None', selector: { app: set.name }, ports: [{ name: 'redis', port: 6379 }] },
  };
}

export function redisStatefulSet(set: RedisSet): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: set.name, namespace: set.namespace },
    spec: {
      serviceName: set.name,
      replicas: set.replicas,
      selector: { matchLabels: { app: set.name } },
      template: {
        metadata: { labels: { app: set.name } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{
            name: 'redis',
            image: REDIS_IMAGE,
            // The official image's entrypoint runs `redis-server <conf> ...` for these args.
            args: [CONF_PATH, '--port', '6379'],
            ports: [{ name: 'redis', containerPort: 6379 }],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'GREETING', value: 'hello from $(POD_NAME)' },
            ],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/redis-e2e' },
              { name: 'data', mountPath: '/data' },
            ],
            readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 1, failureThreshold: 2 },
            livenessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5, initialDelaySeconds: 2 },
          }],
          volumes: [{ name: 'config', configMap: { name: `${set.name}-config` } }],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } },
      }],
    },
  };
}
