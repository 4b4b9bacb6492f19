/**
 * The injection patch, applied to real-shaped pods: native sidecars first and
 * ready before the app, every mount backed by a volume, the member's own TLS
 * Secret, idempotence on re-admission, and refusal of clashing names.
 */
import assert from 'node:assert/strict';
import type { V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';
import { parseRedisCRDTCluster, type RedisCRDTCluster } from '../../src/api/v1alpha1/index.js';
import { INJECTED_REDIS, INJECTED_SIDECAR, MEMBER_ID_ANNOTATION, memberIdFor, memberPeerEntry } from '../../src/resources/injection.js';
import { buildInjectionPatch, isInjected, podFacts, requestedCluster } from '../../src/webhook/inject-patch.js';
import { rawCluster } from '../fixtures/cluster.js';
import { applyPatch } from './json-patch.js';

function cluster(): RedisCRDTCluster {
  const parsed = parseRedisCRDTCluster(rawCluster({ spec: { replicas: 0 } }));
  if (!parsed.ok) throw new Error(parsed.error.join('; '));
  return parsed.value;
}

function appPod(extra: { initContainers?: V1Container[]; annotations?: Record<string, string>; volumes?: V1Volume[] } = {}): V1Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { generateName: 'counter-6d8f9c-', namespace: 'prod', labels: { app: 'counter', 'rediscrdt.io/inject': 'cache' }, ...(extra.annotations !== undefined ? { annotations: extra.annotations } : {}) },
    spec: {
      containers: [{ name: 'app', image: 'node:20', args: ['app.js'] }],
      ...(extra.initContainers !== undefined ? { initContainers: extra.initContainers } : {}),
      ...(extra.volumes !== undefined ? { volumes: extra.volumes } : {}),
    },
  };
}

function inject(pod: V1Pod, memberId = 'counter-6d8f9c-ab12z'): V1Pod {
  const result = buildInjectionPatch(podFacts(pod), cluster(), memberId);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return applyPatch(pod, result.patch);
}

describe('sidecar injection patch', () => {
  it('adds the local redis and the sidecar as native sidecars, the sidecar Ready (startup probe /readyz) before the app', () => {
    const pod = inject(appPod());
    const init = pod.spec?.initContainers ?? [];
    assert.deepEqual(init.map((c) => c.name), [INJECTED_REDIS, INJECTED_SIDECAR]);
    assert.ok(init.every((c) => c.restartPolicy === 'Always'), 'native sidecars: restartPolicy Always');
    const sidecar = init[1];
    assert.equal(sidecar?.startupProbe?.httpGet?.path, '/readyz');
    assert.equal(sidecar?.readinessProbe?.httpGet?.path, '/readyz');
    assert.deepEqual(pod.spec?.containers.map((c) => c.name), ['app'], 'the app container is untouched');
  });

  it('runs the sidecar under the member id with the member Secret, and every mount has a volume', () => {
    const pod = inject(appPod());
    const sidecar = pod.spec?.initContainers?.find((c) => c.name === INJECTED_SIDECAR);
    const args = sidecar?.args ?? [];
    assert.ok(args.includes('--replica-id=counter-6d8f9c-ab12z'));
    assert.ok(args.includes('--tls-cert=/etc/redis-crdt/tls/tls.crt') && args.includes('--tls-ca=/etc/redis-crdt/tls/ca.crt'));
    assert.ok(!args.some((a) => a.includes('$(POD_NAME)')), 'no per-ordinal paths');
    assert.ok(args.includes('--shutdown-drain-timeout=20s'), 'drains its ops to the peers on SIGTERM');
    assert.deepEqual(sidecar?.env?.find((e) => e.name === 'REDIS_CRDT_REPLICA_ID'), { name: 'REDIS_CRDT_REPLICA_ID', value: 'counter-6d8f9c-ab12z' });
    const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    for (const c of pod.spec?.initContainers ?? []) for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `${c.name} mounts ${m.name}`);
    assert.equal(volumes.get('rediscrdt-tls')?.secret?.secretName, 'cache-counter-6d8f9c-ab12z-tls');
    assert.equal(volumes.get('rediscrdt-peers')?.configMap?.name, 'cache-peers');
    assert.equal(pod.metadata?.annotations?.[MEMBER_ID_ANNOTATION], 'counter-6d8f9c-ab12z');
  });

  it('puts the native sidecars before the app\'s own init containers and keeps its annotations and volumes', () => {
    const pod = inject(appPod({
      initContainers: [{ name: 'migrate', image: 'node:20' }],
      annotations: { 'example.com/owner': 'team-a' },
      volumes: [{ name: 'config', emptyDir: {} }],
    }));
    assert.deepEqual(pod.spec?.initContainers?.map((c) => c.name), [INJECTED_REDIS, INJECTED_SIDECAR, 'migrate']);
    assert.equal(pod.metadata?.annotations?.['example.com/owner'], 'team-a');
    assert.equal(pod.metadata?.annotations?.['rediscrdt.io/injected'], 'cache');
    assert.equal(pod.spec?.volumes?.[0]?.name, 'config');
    assert.equal(pod.spec?.volumes?.length, 6);
  });

  it('recognises an injected pod, so re-admission changes nothing', () => {
    const fresh = appPod();
    assert.equal(requestedCluster(podFacts(fresh)), 'cache');
    assert.equal(isInjected(podFacts(fresh)), false);
    assert.equal(isInjected(podFacts(inject(fresh))), true);
    // Only the containers left (annotations stripped by someone): still recognised.
    const stripped = inject(fresh);
    delete stripped.metadata?.annotations;
    assert.equal(isInjected(podFacts(stripped)), true);
  });

  it('refuses a pod whose volumes use the reserved names, saying which', () => {
    const result = buildInjectionPatch(podFacts(appPod({ volumes: [{ name: 'rediscrdt-data', emptyDir: {} }] })), cluster(), 'm-00000');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /rediscrdt-data.*reserved/);
  });

  it('makes member ids that are DNS labels of at most 63 characters, from the name or generateName', () => {
    assert.equal(memberIdFor('counter-6d8f9c-', 'AB12Z'), 'counter-6d8f9c-ab12z');
    assert.equal(memberIdFor('worker', 'x9'), 'worker-x9000');
    const long = memberIdFor(`${'a'.repeat(80)}-`, 'qwert');
    assert.ok(long.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(long), long);
  });

  it('lists a member in the peers file at its pod IP, verified by its member id', () => {
    assert.deepEqual(memberPeerEntry('counter-6d8f9c-ab12z', '10.88.0.7'), { id: 'counter-6d8f9c-ab12z', address: '10.88.0.7:7379', serverName: 'counter-6d8f9c-ab12z' });
    assert.equal(memberPeerEntry('m-1', 'fd00::7').address, '[fd00::7]:7379');
  });
});
