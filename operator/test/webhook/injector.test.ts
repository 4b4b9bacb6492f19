/**
 * Admission decisions end to end inside the operator (API server faked, real
 * PKI): an unknown cluster is refused with what to do, a dry run has no side
 * effects, a real admission issues the member's certificate, an injected pod is
 * admitted unchanged, and the AdmissionReview wire format round-trips.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { admissionResponse, parseAdmissionReview, type AdmissionRequest } from '../../src/webhook/admission-review.js';
import { admitPod } from '../../src/webhook/injector.js';
import { Env } from '../fixtures/reconcile-env.js';
import { applyPatch } from './json-patch.js';

const pod = (cluster: string): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: 'counter-6d8f9c-', namespace: 'prod', labels: { 'rediscrdt.io/inject': cluster } },
  spec: { containers: [{ name: 'app', image: 'node:20' }] },
});

const request = (object: unknown, dryRun = false): AdmissionRequest => ({ uid: 'u-1', namespace: 'prod', operation: 'CREATE', kind: '/v1/Pod', dryRun, object });

async function env(): Promise<Env> {
  const e = new Env({ replicas: 0 });
  await e.reconcile();
  return e;
}

const memberSecrets = (e: Env): string[] => e.kube.ofKind('Secret').map((s) => String((s['metadata'] as Record<string, unknown>)['name'])).filter((n) => n.startsWith('cache-counter'));

describe('injection webhook admission', () => {
  it('refuses a pod whose label names no cluster, saying how to fix it', async () => {
    const e = await env();
    const decision = await admitPod({ reconcile: e.deps, randomSuffix: () => 'ab12z' }, request(pod('nope')));
    assert.equal(decision.kind, 'deny');
    assert.match(decision.kind === 'deny' ? decision.message : '', /"nope" names no RedisCRDTCluster in namespace "prod".*kubectl get rcc -n prod/);
  });

  it('answers a dry run with the patch and writes nothing', async () => {
    const e = await env();
    const before = e.kube.changes.length;
    const decision = await admitPod({ reconcile: e.deps, randomSuffix: () => 'ab12z' }, request(pod('cache'), true));
    assert.equal(decision.kind, 'patch');
    assert.equal(e.kube.changes.length, before, 'no API writes on dry run');
    assert.deepEqual(memberSecrets(e), []);
  });

  it('issues the member certificate (signed by the cluster CA, naming the member id) on a real admission', async () => {
    const e = await env();
    const decision = await admitPod({ reconcile: e.deps, randomSuffix: () => 'ab12z' }, request(pod('cache')));
    assert.equal(decision.kind, 'patch');
    assert.deepEqual(memberSecrets(e), ['cache-counter-6d8f9c-ab12z-tls']);
    const cert = new X509Certificate(e.secretText('cache-counter-6d8f9c-ab12z-tls', 'tls.crt') ?? '');
    assert.ok(cert.checkIssued(new X509Certificate(e.secretText('cache-ca', 'ca.crt') ?? '')));
    assert.match(cert.subjectAltName ?? '', /DNS:counter-6d8f9c-ab12z/);
  });

  it('admits an already injected pod unchanged (idempotent re-admission)', async () => {
    const e = await env();
    const first = await admitPod({ reconcile: e.deps, randomSuffix: () => 'ab12z' }, request(pod('cache')));
    assert.equal(first.kind, 'patch');
    const injected = applyPatch(pod('cache'), first.kind === 'patch' ? first.patch : []);
    const again = await admitPod({ reconcile: e.deps, randomSuffix: () => 'zzzzz' }, request(injected));
    assert.deepEqual(again, { kind: 'allow' });
    assert.deepEqual(memberSecrets(e), ['cache-counter-6d8f9c-ab12z-tls'], 'no second member');
  });

  it('refuses while the cluster has no CA yet (the ReplicaSet retries)', async () => {
    const e = new Env({ replicas: 0 });
    const decision = await admitPod({ reconcile: e.deps, randomSuffix: () => 'ab12z' }, request(pod('cache')));
    assert.equal(decision.kind, 'deny');
    assert.match(decision.kind === 'deny' ? decision.message : '', /no CA yet/);
  });

  it('lets pods without the label, and other operations, through untouched', async () => {
    const e = await env();
    const plain = { ...pod('cache'), metadata: { name: 'plain', namespace: 'prod' } };
    assert.deepEqual(await admitPod({ reconcile: e.deps, randomSuffix: () => 'x' }, request(plain)), { kind: 'allow' });
    assert.deepEqual(await admitPod({ reconcile: e.deps, randomSuffix: () => 'x' }, { ...request(pod('cache')), operation: 'UPDATE' }), { kind: 'allow' });
  });

  it('parses AdmissionReview v1 and answers with a base64 JSONPatch or a status', () => {
    const parsed = parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'abc', namespace: 'prod', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, dryRun: true, object: {} } });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.ok && { uid: parsed.value.uid, kind: parsed.value.kind, dryRun: parsed.value.dryRun }, { uid: 'abc', kind: '/v1/Pod', dryRun: true });
    const old = parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } });
    assert.match(old.ok ? '' : old.error, /admissionReviewVersions \[v1\]/);
    const patched = admissionResponse('abc', { kind: 'patch', patch: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }] });
    assert.equal(patched.response.patchType, 'JSONPatch');
    assert.deepEqual(JSON.parse(Buffer.from(patched.response.patch ?? '', 'base64').toString('utf8')), [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }]);
    assert.deepEqual(admissionResponse('abc', { kind: 'deny', code: 404, message: 'm' }).response, { uid: 'abc', allowed: false, status: { code: 404, message: 'm' } });
  });
});
