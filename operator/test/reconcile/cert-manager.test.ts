/**
 * Reconcile decisions with tls.issuer certManager, on the in-memory API server. cert-manager
 * itself cannot run in a unit test: where a test needs issued Secrets it writes what
 * cert-manager writes (tls.crt/tls.key/ca.crt from a real test CA, and the Certificate's Ready
 * condition) and says so; the real controller is exercised in operator/test/e2e/cert-manager.e2e.ts.
 */
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { judgeIssuedLeaf } from '../../src/reconcile/cert-manager.js';
import type { ObjectLister } from '../../src/reconcile/deps.js';
import { admitPod } from '../../src/webhook/injector.js';
import { applyPatch } from '../webhook/json-patch.js';
import { startPods } from '../fixtures/fake-data-plane.js';
import { Env } from '../fixtures/reconcile-env.js';
import { DAY, names, testCa, testLeaf } from '../fixtures/pki.js';

const CERT_MANAGER = { issuer: 'certManager', certManagerIssuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' } };
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Plays cert-manager's part for one Certificate: the Secret it writes and its Ready condition. */
async function issueAsCertManager(env: Env, ordinal: number, ca: { certPem: string; keyPem: string }, validityMs = 90 * DAY): Promise<void> {
  const leaf = await testLeaf(ca, `cache-${ordinal}`, env.now, validityMs);
  env.kube.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `cache-${ordinal}-tls`, namespace: 'prod' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.certPem) } });
  const cert = env.kube.find('cert-manager.io/v1', 'Certificate', 'prod', `cache-${ordinal}-tls`);
  assert.ok(cert !== undefined, `Certificate cache-${ordinal}-tls applied`);
  env.kube.put({ ...cert, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }] } });
}

/** Label-selector listing over the in-memory API server (`k=v` and bare `k` terms), as the informers' lister answers. */
function lister(env: Env): ObjectLister {
  return {
    list: (apiVersion, kind, namespace, selector) => Promise.resolve(env.kube.ofKind(kind).filter((o) => {
      const meta = o['metadata'] as { namespace?: string; labels?: Record<string, string> };
      return o['apiVersion'] === apiVersion && meta.namespace === namespace && selector.split(',').every((term) => {
        const [k = '', v] = term.split('=');
        return v === undefined ? meta.labels?.[k] !== undefined : meta.labels?.[k] === v;
      });
    }) as KubernetesObject[]),
  };
}

describe('reconcile: tls.issuer certManager', () => {
  it('applies one Certificate per replica, creates no CA and no leaf Secret, and waits for issuance', async () => {
    const env = new Env({ tls: CERT_MANAGER });
    await env.reconcile();
    const certs = env.kube.ofKind('Certificate');
    assert.deepEqual(certs.map((c) => (c['metadata'] as { name: string }).name).sort(), ['cache-0-tls', 'cache-1-tls', 'cache-2-tls']);
    assert.deepEqual(env.kube.ofKind('Secret').map((o) => (o['metadata'] as { name?: string } | undefined)?.name), ['cache-admin'], 'neither the CA nor any leaf is issued by the operator (only the admin token Secret exists)');
    const spec = certs[0]?.['spec'] as { issuerRef: unknown; dnsNames: string[] };
    assert.deepEqual(spec.issuerRef, { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'corp-ca' });
    const ready = env.condition('CertificatesReady');
    assert.equal(ready?.status, 'False');
    assert.match(ready?.message ?? '', /Waiting for cert-manager ClusterIssuer corp-ca: cache-0: not issued/);
    assert.equal(env.condition('Degraded')?.reason, 'CertificatesNotReady');
  });

  it('is Ready from the Secrets cert-manager wrote, reports the earliest expiry, and writes nothing on the next pass', async () => {
    const env = new Env({ tls: CERT_MANAGER });
    await env.reconcile();
    const ca = await testCa(env.now);
    for (const o of [0, 1, 2]) await issueAsCertManager(env, o, ca, (30 + o) * DAY);
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2]);
    await env.reconcile();
    assert.equal(env.condition('CertificatesReady')?.status, 'True', env.condition('CertificatesReady')?.message);
    assert.equal(env.condition('Ready')?.status, 'True', env.condition('Ready')?.message);
    assert.equal(env.condition('CertificatesReady')?.message, '3 certificates issued by cert-manager ClusterIssuer corp-ca');
    const certs = env.status()['certificates'] as { earliestLeafNotAfter?: string; caNotAfter?: string };
    assert.equal(certs.earliestLeafNotAfter, new Date(env.now.getTime() + 30 * DAY).toISOString());
    assert.equal(certs.caNotAfter, undefined, 'the operator has no CA in this mode');
    const pods = env.status()['pods'] as Array<{ name: string; certificateNotAfter?: string }>;
    assert.equal(pods.find((p) => p.name === 'cache-2')?.certificateNotAfter, new Date(env.now.getTime() + 32 * DAY).toISOString());
    env.kube.changes = [];
    await env.reconcile();
    assert.deepEqual(env.kube.changes, [], 'a second reconcile changes nothing');
  });

  it('says plainly, in the condition and an event, when the cert-manager CRDs are not installed', async () => {
    const env = new Env({ tls: CERT_MANAGER });
    const real = env.kube;
    // The API server answers 404 for an unknown resource type; the in-memory one accepts any kind, so this test answers for it.
    env.deps.kube = Object.assign(Object.create(real) as typeof real, {
      apply: <T extends KubernetesObject>(obj: T): Promise<KubernetesObject> =>
        obj.apiVersion === 'cert-manager.io/v1' ? Promise.reject(Object.assign(new Error('the server could not find the requested resource'), { code: 404 })) : real.apply(obj),
    });
    await env.reconcile();
    const ready = env.condition('CertificatesReady');
    assert.equal(ready?.status, 'False');
    assert.match(ready?.message ?? '', /cert-manager is not installed: the API server has no certificates\.cert-manager\.io resource/);
    assert.ok(env.events.some((e) => e.startsWith('Warning CertManagerMissing: cert-manager is not installed')), env.events.join('\n'));
    assert.ok(env.kube.find('apps/v1', 'StatefulSet', 'prod', 'cache') !== undefined, 'the rest of the cluster is still reconciled');
  });

  it('notes in the status that remote clusters CA bundles are not merged', async () => {
    const env = new Env({ tls: CERT_MANAGER, remoteClusters: [{ name: 'east', caSecretRef: { name: 'east-ca' }, peers: [{ id: 'east-0', address: 'east-0.redis.east.example.com:7379' }] }] });
    await env.reconcile();
    assert.match(env.condition('CertificatesReady')?.message ?? '', /remoteClusters CA bundles are not merged with tls\.issuer certManager/);
  });

  it('judges an issued Secret by its certificate and the Certificate condition', async () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const ca = await testCa(now);
    const leaf = await testLeaf(ca, 'cache-0', now, 10 * DAY);
    const ready = { type: 'Ready', status: 'True' };
    const base = { certPem: leaf.certPem, caPem: ca.certPem, ready, dnsNames: names('cache-0'), now };
    assert.deepEqual(judgeIssuedLeaf(base), { ok: true, notAfter: new Date(now.getTime() + 10 * DAY) });
    const expired = judgeIssuedLeaf({ ...base, now: new Date(now.getTime() + 11 * DAY) });
    assert.ok(!expired.ok && /^expired at/.test(expired.why));
    const renamed = judgeIssuedLeaf({ ...base, dnsNames: [...names('cache-0'), 'cache-0.west.example.com'], ready: { type: 'Ready', status: 'False', reason: 'Issuing', message: 'Issuing certificate as Secret was previously issued by a different spec' } });
    assert.ok(!renamed.ok && renamed.why === 'certificate lacks DNS names cache-0.west.example.com (Issuing: Issuing certificate as Secret was previously issued by a different spec)', renamed.ok ? '' : renamed.why);
    const noCa = judgeIssuedLeaf({ ...base, caPem: '' });
    assert.ok(!noCa.ok && /has no ca\.crt/.test(noCa.why));
    const notReady = judgeIssuedLeaf({ ...base, ready: { type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuer corp-ca not found' } });
    assert.ok(!notReady.ok && notReady.why === 'Certificate not Ready (DoesNotExist: Issuer corp-ca not found)');
    const garbage = judgeIssuedLeaf({ ...base, certPem: 'not a certificate' });
    assert.ok(!garbage.ok && /Unparseable certificate/.test(garbage.why));
  });

  it('injected members: admission issues nothing, the reconciler applies the member Certificate and deletes it when the member departs', async () => {
    const env = new Env({ replicas: 0, tls: CERT_MANAGER });
    env.deps.lister = lister(env);
    await env.reconcile();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'counter-1', namespace: 'prod', labels: { 'rediscrdt.io/inject': 'cache' } }, spec: { containers: [{ name: 'app', image: 'node:20' }] } };
    const decision = await admitPod({ reconcile: env.deps, randomSuffix: () => 'ab12z' }, { uid: 'u-1', namespace: 'prod', operation: 'CREATE', kind: '/v1/Pod', dryRun: false, object: pod });
    assert.equal(decision.kind, 'patch', decision.kind === 'deny' ? decision.message : '');
    assert.deepEqual(env.kube.ofKind('Secret').map((o) => (o['metadata'] as { name?: string } | undefined)?.name), ['cache-admin'], 'cert-manager cannot issue inside the admission call; nothing is issued there');
    env.kube.put({ ...applyPatch(pod, decision.kind === 'patch' ? decision.patch : []), status: { phase: 'Pending' } });
    await env.reconcile();
    const [cert] = env.kube.ofKind('Certificate');
    const name = String((cert?.['metadata'] as { name: string }).name);
    assert.equal(name, 'cache-counter-1-ab12z-tls');
    assert.deepEqual((cert?.['spec'] as { dnsNames: string[]; secretTemplate: { labels: Record<string, string> } }).dnsNames, ['counter-1-ab12z']);
    assert.equal((cert?.['spec'] as { secretTemplate: { labels: Record<string, string> } }).secretTemplate.labels['rediscrdt.io/member'], 'counter-1-ab12z');
    // The pod is gone and cert-manager had written the Secret (with the secretTemplate labels) before.
    assert.ok(await env.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'prod', name: 'counter-1' }));
    env.kube.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'prod', labels: (cert?.['spec'] as { secretTemplate: { labels: Record<string, string> } }).secretTemplate.labels, creationTimestamp: '2026-02-01T00:00:00Z' }, data: {} });
    await env.reconcile();
    assert.deepEqual(env.kube.ofKind('Certificate'), [], 'the departed member\'s Certificate is deleted, so cert-manager does not recreate its Secret');
    assert.deepEqual(env.kube.ofKind('Secret').map((o) => (o['metadata'] as { name?: string } | undefined)?.name), ['cache-admin'], 'the member Secret is gone');
  });
});
