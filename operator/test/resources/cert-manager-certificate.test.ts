/**
 * The cert-manager Certificate builder: golden YAML (like golden.test.ts; `UPDATE_GOLDEN=1`
 * rewrites it) and the invariants that keep cert-manager's leaves interchangeable with the
 * internal issuer's: same Secret name the pod mounts, same names, same usages.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { podDnsNames } from '../../src/certs/index.js';
import { toWire } from '../../src/controller/wire.js';
import { buildCertManagerCertificate, buildStatefulSet, memberDnsNames, memberTlsSecretName, namesFor, type CertManagerCertificate } from '../../src/resources/index.js';
import { cluster } from '../fixtures/clusters.js';
import { repoPath } from '../fixtures/repo.js';

const GOLDEN = repoPath('operator/test/resources/golden/cert-manager.yaml');

const certManagerCluster = (tls: Record<string, unknown> = {}): ReturnType<typeof cluster> =>
  cluster({ replicas: 3, tls: { issuer: 'certManager', certManagerIssuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' }, ...tls } });

function replicaCertificate(c: ReturnType<typeof cluster>, ordinal: number): CertManagerCertificate {
  const names = namesFor(c.metadata.name);
  const pod = names.pod(ordinal);
  return buildCertManagerCertificate(c, {
    commonName: pod,
    secretName: names.podTlsSecret(ordinal),
    dnsNames: podDnsNames({ pod, headlessService: names.headlessService, namespace: c.metadata.namespace, clusterDomain: 'cluster.local', extraDNSNames: c.spec.tls.extraDNSNames }),
    secretLabels: { 'rediscrdt.io/pod': pod },
  });
}

describe('resources: cert-manager Certificate', () => {
  it('matches the golden YAML (a replica with renewBefore and extra names, an injected member with defaults)', () => {
    const withOptions = certManagerCluster({ validity: '720h', renewBefore: '240h', extraDNSNames: ['{pod}.west.example.com'] });
    const defaults = certManagerCluster({ certManagerIssuerRef: { name: 'team-ca', kind: 'Issuer' } });
    const member = buildCertManagerCertificate(defaults, { commonName: 'web-abc12', secretName: memberTlsSecretName('cache', 'web-abc12'), dnsNames: memberDnsNames('web-abc12'), secretLabels: { 'rediscrdt.io/member': 'web-abc12' } });
    const actual = [replicaCertificate(withOptions, 1), member].map((o) => YAML.stringify(toWire(o), { lineWidth: 0, version: '1.1' })).join('---\n');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, actual);
    assert.ok(existsSync(GOLDEN), `missing golden file ${GOLDEN}: run with UPDATE_GOLDEN=1`);
    assert.equal(actual, readFileSync(GOLDEN, 'utf8'), 'cert-manager.yaml differs; if the change is intended run with UPDATE_GOLDEN=1 and review the diff');
  });

  it('writes the Secret the StatefulSet already mounts, for every ordinal', () => {
    const c = certManagerCluster();
    const mounted = JSON.stringify(toWire(buildStatefulSet(c, { replicas: 3, claimTemplateSize: c.spec.storage.size })));
    for (const o of [0, 1, 2]) {
      const cert = replicaCertificate(c, o);
      assert.equal(cert.spec.secretName, `cache-${o}-tls`);
      assert.ok(mounted.includes(`"${cert.spec.secretName}"`), `the pod template mounts ${cert.spec.secretName}`);
      assert.equal(cert.metadata.name, cert.spec.secretName, 'one Certificate per Secret, named alike');
    }
  });

  it('asks for what the internal issuer issues: mTLS usages, a fresh ECDSA P-256 key per renewal, the pod names', () => {
    const cert = replicaCertificate(certManagerCluster({ validity: '48h' }), 2);
    assert.deepEqual(cert.spec.usages, ['server auth', 'client auth', 'digital signature', 'key encipherment']);
    assert.deepEqual(cert.spec.privateKey, { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    assert.equal(cert.spec.commonName, 'cache-2');
    assert.equal(cert.spec.dnsNames[0], 'cache-2.cache-headless.prod.svc.cluster.local');
    assert.ok(cert.spec.dnsNames.includes('cache-2'));
    assert.equal(cert.spec.duration, '48h');
    assert.equal(cert.spec.renewBefore, undefined, 'unset: cert-manager renews at 2/3 of the lifetime, like the internal issuer');
    assert.deepEqual(cert.spec.issuerRef, { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'corp-ca' });
  });

  it('is owned by the cluster and labels the issued Secret so the operator watch sees it', () => {
    const cert = replicaCertificate(certManagerCluster(), 0);
    assert.equal(cert.metadata.ownerReferences?.[0]?.kind, 'RedisCRDTCluster');
    assert.equal(cert.metadata.ownerReferences?.[0]?.controller, true);
    assert.equal(cert.spec.secretTemplate.labels['app.kubernetes.io/managed-by'], 'redis-crdt-operator');
    assert.equal(cert.spec.secretTemplate.labels['app.kubernetes.io/instance'], 'cache');
    assert.equal(cert.spec.secretTemplate.labels['rediscrdt.io/pod'], 'cache-0');
  });
});
