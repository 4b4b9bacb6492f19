// Pods for the pod-features e2e test: each exercises manifest features an
// operator-built StatefulSet relies on, with images the bed maps and any real
// cluster can pull.
import type { V1Pod, V1Secret } from '@kubernetes/client-node';

export const SECRET_NAME = 'feature-secret';

export function featureSecret(): V1Secret {
  return { metadata: { name: SECRET_NAME }, stringData: { password: 'hunter2', 'tls.crt': 'CERT' } };
}

/**
 * An init container that writes into an emptyDir, a native sidecar that must
 * pass its startup probe before the app starts, and a redis app container with
 * env from a Secret, $(VAR) expansion, a Secret volume with items and a
 * downward-API volume.
 */
export function initAndSidecarPod(name: string): V1Pod {
  return {
    metadata: { name, labels: { role: 'features' } },
    spec: {
      terminationGracePeriodSeconds: 2,
      initContainers: [
        { name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'echo initialised > /work/marker'], volumeMounts: [{ name: 'scratch', mountPath: '/work' }] },
        {
          name: 'helper', image: 'node:20', restartPolicy: 'Always',
          command: ['node', '-e', 'require("http").createServer((q, s) => s.end("helper-ok")).listen(8080)'],
          startupProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, failureThreshold: 30 },
        },
      ],
      containers: [{
        name: 'app',
        image: 'redis:7.2',
        args: ['--port', '7000', '--protected-mode', 'no'],
        env: [
          { name: 'PW', valueFrom: { secretKeyRef: { name: SECRET_NAME, key: 'password' } } },
          { name: 'DERIVED', value: '$(PW)-derived' },
        ],
        volumeMounts: [
          { name: 'scratch', mountPath: '/work' },
          { name: 'tls', mountPath: '/etc/feature-tls', readOnly: true },
          { name: 'info', mountPath: '/etc/podinfo' },
        ],
        readinessProbe: { exec: { command: ['redis-cli', '-p', '7000', 'ping'] }, periodSeconds: 1 },
      }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'tls', secret: { secretName: SECRET_NAME, items: [{ key: 'tls.crt', path: 'server.crt' }] } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
    },
  };
}

/** A container that exits 3 after a second, under restartPolicy Always. */
export function crashingPod(name: string): V1Pod {
  return {
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'crasher', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1; exit 3'] }] },
  };
}
