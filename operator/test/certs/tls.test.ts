import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { joinPemBundle, type IssuedPem } from '../../src/certs/index.js';
import { testCa, testLeaf } from '../fixtures/pki.js';

const NOW = new Date();
const SERVER_NAME = 'cache-0.cache-headless.prod.svc.cluster.local';

interface Outcome { ok: boolean; serverSawPeer?: string; error?: string }

/** One mutual-TLS handshake on loopback, as two sidecars would do it. */
async function handshake(server: IssuedPem, serverTrust: string, client: IssuedPem, clientTrust: string): Promise<Outcome> {
  let serverSawPeer: string | undefined;
  const srv = tls.createServer({ key: server.keyPem, cert: server.certPem, ca: serverTrust, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (socket) => {
    const cn: unknown = socket.getPeerCertificate().subject?.CN;
    serverSawPeer = typeof cn === 'string' ? cn : undefined;
    socket.end('ok');
  });
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      const sock = tls.connect({ host: '127.0.0.1', port, servername: SERVER_NAME, key: client.keyPem, cert: client.certPem, ca: clientTrust, minVersion: 'TLSv1.3' });
      let data = '';
      sock.on('data', (d: Buffer) => { data += d.toString(); });
      sock.on('end', () => resolve(data === 'ok' ? { ok: true, ...(serverSawPeer !== undefined ? { serverSawPeer } : {}) } : { ok: false, error: 'closed without reply' }));
      sock.on('error', (e: Error) => resolve({ ok: false, error: e.message }));
    });
  } finally {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
}

describe('certs: real mutual-TLS handshakes with issued certificates', () => {
  it('connects two replicas of one cluster, each seeing the other', async () => {
    const ca = await testCa(NOW);
    const [s, c] = await Promise.all([testLeaf(ca, 'cache-0', NOW), testLeaf(ca, 'cache-1', NOW)]);
    const r = await handshake(s, ca.certPem, c, ca.certPem);
    assert.deepEqual(r, { ok: true, serverSawPeer: 'cache-1' });
  });

  it('refuses a client certificate from another CA', async () => {
    const ca = await testCa(NOW);
    const rogueCa = await testCa(NOW, 'rogue');
    const [s, rogue] = await Promise.all([testLeaf(ca, 'cache-0', NOW), testLeaf(rogueCa, 'cache-1', NOW)]);
    const r = await handshake(s, ca.certPem, rogue, ca.certPem);
    assert.equal(r.ok, false);
    assert.equal(r.serverSawPeer, undefined);
  });

  it('refuses a server from another CA, and a server certificate for a different pod name', async () => {
    const ca = await testCa(NOW);
    const rogueCa = await testCa(NOW, 'rogue');
    const c = await testLeaf(ca, 'cache-1', NOW);
    const rogue = await testLeaf(rogueCa, 'cache-0', NOW);
    assert.match((await handshake(rogue, joinPemBundle([ca.certPem, rogueCa.certPem]), c, ca.certPem)).error ?? '', /certificate/i);
    const wrongName = await testLeaf(ca, 'cache-2', NOW);
    assert.match((await handshake(wrongName, ca.certPem, c, ca.certPem)).error ?? '', /altnames|Hostname/i);
  });

  it('keeps old and new leaves talking while the trust bundle holds both CAs (rotation)', async () => {
    const oldCa = await testCa(NOW, 'ca-1');
    const newCa = await testCa(NOW, 'ca-2');
    const bundle = joinPemBundle([newCa.certPem, oldCa.certPem]);
    const [oldLeaf, newLeaf] = await Promise.all([testLeaf(oldCa, 'cache-0', NOW), testLeaf(newCa, 'cache-1', NOW)]);
    assert.equal((await handshake(oldLeaf, bundle, newLeaf, bundle)).ok, true);
    assert.equal((await handshake(await testLeaf(newCa, 'cache-0', NOW), bundle, await testLeaf(oldCa, 'cache-1', NOW), bundle)).ok, true);
    // Without the overlap the same pair fails: that is the outage the bundle prevents.
    assert.equal((await handshake(oldLeaf, oldCa.certPem, newLeaf, newCa.certPem)).ok, false);
  });
});
