import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import YAML from 'yaml';
import { splitPemBundle } from '../../src/certs/index.js';
import { startPods } from '../fixtures/fake-data-plane.js';
import { Env } from '../fixtures/reconcile-env.js';

const H = 3_600_000;

describe('reconcile: a new cluster', () => {
  it('creates every object, with certificates that chain to the CA and name their pod', async () => {
    const env = new Env();
    const result = await env.reconcile();
    const kinds = env.kube.changes.filter((c) => c.startsWith('create')).map((c) => c.split(' ')[1]?.split('/')[0]);
    assert.deepEqual([...new Set(kinds)].sort(), ['ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Service', 'StatefulSet']);
    assert.equal(env.kube.ofKind('Secret').length, 5, 'CA + admin token + 3 replica secrets');
    // The admin token: 32 random bytes, made once, kept across reconciles, given to the sidecars as env.
    const token = env.secretText('cache-admin', 'token') ?? '';
    assert.match(token, /^[0-9a-f]{64}$/);
    const sidecarEnv = ((env.kube.find('apps/v1', 'StatefulSet', 'prod', 'cache')?.['spec'] as { template: { spec: { containers: Array<{ name: string; env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }> }> } } }).template.spec.containers.find((c) => c.name === 'sidecar')?.env ?? []);
    assert.deepEqual(sidecarEnv.find((e) => e.name === 'REDIS_CRDT_ADMIN_TOKEN')?.valueFrom?.secretKeyRef, { name: 'cache-admin', key: 'token' });
    const ca = new X509Certificate(env.secretText('cache-ca', 'ca.crt') ?? '');
    for (const i of [0, 1, 2]) {
      const leaf = new X509Certificate(env.secretText(`cache-${i}-tls`, 'tls.crt') ?? '');
      assert.ok(leaf.verify(ca.publicKey));
      assert.equal(leaf.checkHost(`cache-${i}.cache-headless.prod.svc.cluster.local`), `cache-${i}.cache-headless.prod.svc.cluster.local`);
      assert.equal(env.secretText(`cache-${i}-tls`, 'ca.crt'), env.secretText('cache-ca', 'ca.crt'));
    }
    const peers = YAML.parse(String((env.kube.find('v1', 'ConfigMap', 'prod', 'cache-peers')?.['data'] as Record<string, string>)['peers.yaml'])) as { peers: Array<{ id: string }>; removed: string[] };
    assert.deepEqual(peers.peers.map((p) => p.id), ['cache-0', 'cache-1', 'cache-2']);
    assert.equal((env.kube.find('apps/v1', 'StatefulSet', 'prod', 'cache')?.['spec'] as { replicas: number }).replicas, 3);
    assert.equal(env.condition('Ready')?.status, 'False');
    assert.equal(env.condition('CertificatesReady')?.status, 'True');
    assert.equal(env.status()['observedGeneration'], 4);
    assert.equal(result.requeueAfterMs, 2000, 'polls fast while pods come up');
    await env.reconcile();
    assert.equal(env.secretText('cache-admin', 'token'), token, 'the token is not regenerated');
  });

  it('is idempotent: a second reconcile writes nothing and issues no certificate', async () => {
    const env = new Env();
    await env.reconcile();
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2]);
    await env.reconcile();
    env.kube.changes = [];
    env.events = [];
    await env.reconcile();
    assert.deepEqual(env.kube.changes, []);
    assert.deepEqual(env.events, []);
  });

  it('reports Ready only when the data plane says every peer is alive', async () => {
    const env = new Env();
    await env.reconcile();
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2]);
    const result = await env.reconcile();
    assert.equal(env.condition('Ready')?.status, 'True');
    assert.equal(env.condition('Replicating')?.status, 'True');
    assert.equal(env.condition('PeersConfigured')?.status, 'True');
    assert.equal(env.status()['phase'], 'Running');
    assert.equal(env.status()['readyReplicas'], 3);
    assert.equal(env.status()['maxLagMs'], 3);
    assert.equal(result.requeueAfterMs, 30_000);
    const s1 = env.sidecars.byIP.get('10.0.0.11');
    const link = s1?.peers[0];
    if (link !== undefined) { link.state = 'suspect'; link.lagMs = 9000; }
    await env.reconcile();
    assert.equal(env.condition('Ready')?.status, 'False');
    assert.equal(env.condition('Replicating')?.reason, 'PeerNotAlive');
    assert.match(env.condition('Replicating')?.message ?? '', /cache-1→cache-0 suspect/);
    assert.equal(env.status()['maxLagMs'], 9000);
  });

  it('rejects an invalid object with a Degraded status instead of acting on it', async () => {
    const env = new Env({ replicas: 99 });
    await env.reconcile();
    assert.equal(env.condition('Degraded')?.reason, 'InvalidSpec');
    assert.match(env.condition('Degraded')?.message ?? '', /spec.replicas/);
    assert.equal(env.kube.ofKind('StatefulSet').length, 0);
  });
});

describe('reconcile: certificates over time', () => {
  it('renews a replica certificate at two thirds of its lifetime, keeping the others', async () => {
    const env = new Env({ tls: { validity: '3h', caValidity: '100h' } });
    await env.reconcile();
    const before = [0, 1, 2].map((i) => env.secretText(`cache-${i}-tls`, 'tls.crt'));
    env.advance(1.9 * H);
    await env.reconcile();
    assert.deepEqual([0, 1, 2].map((i) => env.secretText(`cache-${i}-tls`, 'tls.crt')), before);
    env.advance(0.2 * H);
    await env.reconcile();
    for (const [i, pem] of before.entries()) assert.notEqual(env.secretText(`cache-${i}-tls`, 'tls.crt'), pem);
    assert.equal(env.events.filter((e) => e.includes('CertificateIssued')).length, 6);
  });

  it('rotates the CA through an overlapping trust bundle without a moment where a peer distrusts another', async () => {
    const env = new Env({ tls: { validity: '1h', caValidity: '3h' } });
    await env.reconcile();
    const oldCa = env.secretText('cache-ca', 'ca.crt') ?? '';
    const trusted = (i: number): string[] => splitPemBundle(env.secretText(`cache-${i}-tls`, 'ca.crt') ?? '');
    const issuer = (i: number): X509Certificate => new X509Certificate(env.secretText(`cache-${i}-tls`, 'tls.crt') ?? '');
    /** Every replica's certificate is signed by a CA in every replica's bundle. */
    const consistent = (): boolean => [0, 1, 2].every((i) => [0, 1, 2].every((j) => trusted(j).some((pem) => issuer(i).verify(new X509Certificate(pem).publicKey))));
    const phases: string[] = [];
    for (let step = 0; step < 12; step++) {
      env.advance(0.25 * H);
      await env.reconcile();
      phases.push(String((env.status()['certificates'] as Record<string, string>)['caRotationPhase']));
      assert.ok(consistent(), `a peer would refuse another at step ${step} (phase ${phases[phases.length - 1]})`);
    }
    assert.ok(['Distributing', 'Reissuing', 'Retiring', 'Stable'].every((p) => phases.includes(p)), phases.join(','));
    const newCa = env.secretText('cache-ca', 'ca.crt') ?? '';
    assert.notEqual(newCa, oldCa);
    assert.deepEqual(trusted(0), [newCa], 'the old CA is dropped once the rotation is over');
  });
});
