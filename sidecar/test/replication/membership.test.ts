import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sidecar } from '../../src/app/sidecar.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { connect, eventually, TestPki } from './cluster.js';
import { makeLeaf } from './pki.js';

function peerStates(sidecar: Sidecar): Record<string, string> {
  return Object.fromEntries((sidecar.replication?.status() ?? []).map((s) => [s.id, s.state]));
}

/** The serial number of the certificate a replica's gRPC port presents now. */
function servedSerial(port: number, pki: TestPki): Promise<string> {
  const client = pki.leaf('probe');
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ port, host: '127.0.0.1', ca: readFileSync(pki.ca.cert), cert: readFileSync(client.cert), key: readFileSync(client.key), servername: 'r1', ALPNProtocols: ['h2'], checkServerIdentity: () => undefined }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

describe('replication: membership, peers file and certificate reload', function () {
  this.timeout(120000);
  let pki: TestPki;
  const started: Sidecar[] = [];

  before(() => { pki = new TestPki(); });
  afterEach(async () => { for (const s of started.splice(0)) await s.stop(); });

  async function start(id: string, port: number, extra: string[]): Promise<Sidecar> {
    const sidecar = await startSidecar(['--replica-id', id, '--repl-port', String(port), '--repl-bind', '127.0.0.1', ...pki.flags(id), ...extra], tempDir(id));
    started.push(sidecar);
    return sidecar;
  }

  it('a replica started with one seed peer learns the others by gossip', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const r1 = await start('r1', p1, ['--peers', `r2=127.0.0.1:${p2}`]);
    const r2 = await start('r2', p2, ['--peers', `r1=127.0.0.1:${p1}`]);
    const r3 = await start('r3', p3, ['--peers', `r1=127.0.0.1:${p1}`]);
    await eventually('full mesh', () => [r1, r2, r3].every((s) => Object.values(peerStates(s)).filter((st) => st === 'alive').length === 2));
    assert.equal(r3.replication!.status().find((s) => s.id === 'r2')?.source, 'gossip');
    const c3 = connect(r3.resp.port);
    await c3.set('from-r3', 'x');
    const c2 = connect(r2.resp.port);
    await eventually('r2 has r3\'s write', async () => (await c2.get('from-r3')) === 'x');
    c2.disconnect();
    c3.disconnect();
  });

  it('follows the peers file: new peers are dialled, removed ones dropped and refused', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const file = join(tempDir('peers'), 'peers.yaml');
    writeFileSync(file, `peers:\n  - id: r1\n    address: 127.0.0.1:${p1}\n  - id: r2\n    address: 127.0.0.1:${p2}\n`);
    const r1 = await start('r1', p1, ['--peers-file', file]);
    const r2 = await start('r2', p2, ['--peers', `r1=127.0.0.1:${p1}`]);
    const r3 = await start('r3', p3, ['--peers', `r1=127.0.0.1:${p1}`]);
    await eventually('r1 streams from r2', () => peerStates(r1).r2 === 'alive');
    writeFileSync(file, JSON.stringify({ peers: [{ id: 'r1', address: `127.0.0.1:${p1}` }, { id: 'r2', address: `127.0.0.1:${p2}` }, { id: 'r3', address: `127.0.0.1:${p3}` }] }));
    await eventually('r1 dials r3 from the file', () => peerStates(r1).r3 === 'alive' && r1.replication!.status().find((s) => s.id === 'r3')?.source === 'file');
    writeFileSync(file, `peers:\n  - id: r1\n    address: 127.0.0.1:${p1}\n  - id: r2\n    address: 127.0.0.1:${p2}\nremoved: [r3]\n`);
    await eventually('r1 dropped r3', () => peerStates(r1).r3 === undefined);
    await eventually('r3 is refused by r1', () => /removed/.test(r3.replication!.status().find((s) => s.id === 'r1')?.lastError ?? ''));
    assert.ok(r2);
  });

  it('reloads its certificate from disk without dropping healthy streams', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const dir = tempDir('r1-tls');
    const cert = join(dir, 'tls.crt');
    const key = join(dir, 'tls.key');
    copyFileSync(pki.leaf('r1').cert, cert);
    copyFileSync(pki.leaf('r1').key, key);
    const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
    const r1 = await startSidecar(['--replica-id', 'r1', '--repl-port', String(p1), '--repl-bind', '127.0.0.1', '--peers', peers, '--tls-ca', pki.ca.cert, '--tls-cert', cert, '--tls-key', key], tempDir('r1'));
    started.push(r1);
    const r2 = await start('r2', p2, ['--peers', peers]);
    await eventually('streaming', () => peerStates(r2).r1 === 'alive' && peerStates(r1).r2 === 'alive');
    const before = await servedSerial(p1, pki);
    const renewed = makeLeaf(tempDir('renewed'), pki.ca, 'r1');
    copyFileSync(renewed.key, key);
    copyFileSync(renewed.cert, cert);
    await eventually('new certificate served', async () => (await servedSerial(p1, pki)) !== before, 20000);
    const link = r2.replication!.status().find((s) => s.id === 'r1')!;
    assert.equal(link.reconnects, 0, 'the stream opened before the reload is still the same one');
    const c1 = connect(r1.resp.port);
    await c1.set('after-reload', 'ok');
    const c2 = connect(r2.resp.port);
    await eventually('replicated after reload', async () => (await c2.get('after-reload')) === 'ok');
    c1.disconnect();
    c2.disconnect();
  });
});
