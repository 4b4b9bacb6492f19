import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { inspectCertificate, isSignedBy, joinPemBundle, privateKeyFromPem, splitPemBundle } from '../../src/certs/index.js';
import { DAY, crypto, names, testCa, testLeaf } from '../fixtures/pki.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('certs: CA and replica certificates (checked with node:crypto)', () => {
  it('creates a self-signed P-256 CA that node:crypto accepts as a CA', async () => {
    const ca = await testCa(NOW, 'cache-ca');
    const x = new X509Certificate(ca.certPem);
    assert.equal(x.ca, true);
    assert.equal(x.subject, 'CN=cache-ca\nO=redis-crdt');
    assert.ok(x.checkIssued(x));
    assert.ok(x.verify(x.publicKey));
    assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(new Date(x.validTo).getTime(), NOW.getTime() + 3650 * DAY);
  });

  it('issues a leaf that chains to the CA, names the pod, and serves both TLS roles', async () => {
    const ca = await testCa(NOW);
    const leaf = await testLeaf(ca, 'cache-1', NOW);
    const x = new X509Certificate(leaf.certPem);
    const caX = new X509Certificate(ca.certPem);
    assert.equal(x.ca, false);
    assert.ok(x.checkIssued(caX));
    assert.ok(x.verify(caX.publicKey));
    assert.equal(x.checkHost('cache-1.cache-headless.prod.svc.cluster.local'), 'cache-1.cache-headless.prod.svc.cluster.local');
    assert.equal(x.checkHost('cache-1.cache-headless'), 'cache-1.cache-headless');
    assert.equal(x.checkHost('cache-2.cache-headless.prod.svc.cluster.local'), undefined);
    assert.deepEqual(x.keyUsage?.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.equal(x.subjectAltName?.split(', ').length, names('cache-1').length);
  });

  it('never issues a leaf that outlives its CA', async () => {
    const ca = await testCa(NOW, 'short-ca', 10 * DAY);
    const leaf = await testLeaf(ca, 'cache-0', NOW, 90 * DAY);
    assert.equal(new X509Certificate(leaf.certPem).validTo, new X509Certificate(ca.certPem).validTo);
  });

  it('writes a private key node:crypto and WebCrypto can both load, matching the certificate', async () => {
    const ca = await testCa(NOW);
    const leaf = await testLeaf(ca, 'cache-0', NOW);
    const x = new X509Certificate(leaf.certPem);
    const { createPrivateKey } = await import('node:crypto');
    assert.ok(x.checkPrivateKey(createPrivateKey(leaf.keyPem)));
    const key = await privateKeyFromPem(crypto.subtle, leaf.keyPem);
    assert.equal(key.type, 'private');
  });

  it('inspects what it issued and checks signatures against the right CA only', async () => {
    const ca = await testCa(NOW);
    const other = await testCa(NOW, 'other-ca');
    const leaf = await testLeaf(ca, 'cache-2', NOW);
    const info = inspectCertificate(leaf.certPem);
    assert.ok(info.ok);
    assert.deepEqual(info.value.dnsNames, names('cache-2'));
    assert.equal(info.value.notBefore.getTime(), NOW.getTime() - 5 * 60_000);
    assert.equal(await isSignedBy(leaf.certPem, ca.certPem, crypto), true);
    assert.equal(await isSignedBy(leaf.certPem, other.certPem, crypto), false);
    assert.equal(inspectCertificate('not a certificate').ok, false);
  });

  it('builds trust bundles without duplicates and splits them back', async () => {
    const a = await testCa(NOW, 'a');
    const b = await testCa(NOW, 'b');
    const bundle = joinPemBundle([a.certPem, b.certPem, a.certPem]);
    assert.deepEqual(splitPemBundle(bundle), [a.certPem, b.certPem]);
  });

  it('clears the sign bit of serials so they stay positive', async () => {
    const { createCa } = await import('../../src/certs/index.js');
    const { newKeys } = await import('../fixtures/pki.js');
    const ca = await createCa({ commonName: 'x', keys: await newKeys(), serialHex: 'ff'.repeat(16), now: NOW, validityMs: DAY, crypto });
    assert.equal(new X509Certificate(ca.certPem).serialNumber, '7F' + 'FF'.repeat(15));
    await assert.rejects(createCa({ commonName: 'x', keys: await newKeys(), serialHex: 'xyz', now: NOW, validityMs: DAY, crypto }), /Invalid certificate serial/);
  });
});
