import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { encodeOperation } from '../../src/codec/operation-encoder.js';
import { NO_CONTRIBUTIONS } from '../../src/crdt/contributions.js';
import { REPLICATE_PATH, REPLICATION_SERVICE, deserialize, serializeMessage, type Incoming, type ReplicationMessage } from '../../src/replication/wire.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { connect, eventually, TestPki } from './cluster.js';
import { makeCa, makeLeaf, type CertFiles } from './pki.js';
import type { Sidecar } from '../../src/app/sidecar.js';

function tlsFlags(ca: string, leaf: CertFiles): string[] {
  return ['--tls-ca', ca, '--tls-cert', leaf.cert, '--tls-key', leaf.key];
}

/** Starts r1 (good PKI) and r2 with the given TLS flags, peers of each other. */
async function pair(pki: TestPki, r2Tls: string[]): Promise<[Sidecar, Sidecar]> {
  const [p1, p2] = [await freePort(), await freePort()];
  const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
  const r1 = await startSidecar(['--replica-id', 'r1', '--repl-port', String(p1), '--peers', peers, ...pki.flags('r1')], tempDir('r1'));
  const r2 = await startSidecar(['--replica-id', 'r2', '--repl-port', String(p2), '--peers', peers, ...r2Tls], tempDir('r2'));
  return [r1, r2];
}

async function assertRefused(r1: Sidecar, r2: Sidecar, pattern: RegExp): Promise<void> {
  const status = (s: Sidecar): { state: string; reconnects: number; lastError: string } => s.replication!.status()[0]!;
  await eventually('both sides failed to connect twice', () => status(r1).reconnects >= 2 && status(r2).reconnects >= 2);
  assert.match(status(r1).lastError, pattern);
  if (process.env.DEBUG_REPL !== undefined) process.stderr.write(`r1: ${status(r1).lastError}\nr2: ${status(r2).lastError}\n`);
  assert.notEqual(status(r1).state, 'alive');
  const c1 = connect(r1.resp.port);
  const c2 = connect(r2.resp.port);
  await c1.set('secret', 'x');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await c2.get('secret'), null, 'nothing replicated across a refused link');
  c1.disconnect();
  c2.disconnect();
}

describe('replication: refused peers and bad input', function () {
  this.timeout(120000);
  let pki: TestPki;
  const started: Sidecar[] = [];

  before(() => { pki = new TestPki(); });
  afterEach(async () => { for (const s of started.splice(0)) await s.stop(); });

  it('refuses a peer whose certificate comes from another CA', async () => {
    const otherDir = tempDir('other-pki');
    const otherCa = makeCa(otherDir, 'rogue-ca');
    const rogue = makeLeaf(otherDir, otherCa, 'r2');
    const sidecars = await pair(pki, tlsFlags(otherCa.cert, rogue));
    started.push(...sidecars);
    await assertRefused(...sidecars, /self-signed certificate in certificate chain|unable to verify/);
  });

  it('refuses an expired certificate', async () => {
    const expired = makeLeaf(pki.dir, pki.ca, 'r2', { expired: true });
    const sidecars = await pair(pki, tlsFlags(pki.ca.cert, expired));
    started.push(...sidecars);
    await assertRefused(...sidecars, /certificate has expired/);
  });

  it('refuses a caller whose certificate names another replica than its hello claims', async () => {
    const port = await freePort();
    const r1 = await startSidecar(['--replica-id', 'r1', '--repl-port', String(port), '--peers', `r2=127.0.0.1:${await freePort()}`, ...pki.flags('r1')], tempDir('r1'));
    started.push(r1);
    const r3 = pki.leaf('r3');
    const creds = grpc.credentials.createSsl(readFileSync(pki.ca.cert), readFileSync(r3.key), readFileSync(r3.cert), { checkServerIdentity: () => undefined });
    const client = new grpc.Client(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'r1' });
    const call = client.makeBidiStreamRequest<ReplicationMessage, Incoming>(REPLICATE_PATH, serializeMessage, deserialize);
    const status = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    call.on('data', () => undefined);
    call.write({ kind: 'hello', hello: { originId: 'r2~abcdef', replicaId: 'r2', versionVector: [], address: ':1', protocolVersion: 1 } });
    const error = await status;
    assert.equal(error.code, grpc.status.PERMISSION_DENIED);
    assert.match(error.details, /claims replica 'r2'/);
    client.close();
  });

  it('refuses a malformed batch and applies nothing of it', async () => {
    const evilPort = await freePort();
    const evil = pki.leaf('evil');
    const server = new grpc.Server();
    const good = encodeOperation({
      ctx: { origin: 'evil~abcdef', seq: 1, hlc: Date.now() * 1000, deps: new Map() },
      effects: [{ key: 'planted', effect: { type: 'str.set', value: Buffer.from('bad'), observed: NO_CONTRIBUTIONS } }], atomicGroup: 0,
    });
    server.addService(REPLICATION_SERVICE, {
      replicate: (call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>) => {
        call.on('data', () => call.write({ kind: 'ops', operations: [Buffer.from(good), Buffer.from([0xff, 0xff, 0xff, 0x01])] }));
        call.on('error', () => undefined);
      },
    });
    const creds = grpc.ServerCredentials.createSsl(readFileSync(pki.ca.cert), [{ private_key: readFileSync(evil.key), cert_chain: readFileSync(evil.cert) }], true);
    await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${evilPort}`, creds, (e) => (e ? reject(e) : resolve())));
    const r1 = await startSidecar(['--replica-id', 'r1', '--repl-port', '0', '--peers', `evil=127.0.0.1:${evilPort}`, ...pki.flags('r1')], tempDir('r1'));
    started.push(r1);
    await eventually('batch refused', () => /refused: .*undecodable|refused: .*operation/i.test(r1.replication!.status()[0]!.lastError));
    const client = connect(r1.resp.port);
    assert.equal(await client.get('planted'), null);
    assert.equal(await client.set('local', 'still-works'), 'OK');
    client.disconnect();
    server.forceShutdown();
  });
});
