import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sidecar } from '../../src/app/sidecar.js';
import { REPLICATE_PATH, deserialize, serializeMessage, type HelloMsg, type Incoming, type ReplicationMessage } from '../../src/replication/wire.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { connect, eventually, TestPki } from './cluster.js';

/**
 * Counter epochs are turned on only once every peer announced them (replica/features.ts),
 * for good, and from then on a peer of an older version is refused rather than left to
 * diverge. Real sidecars over mTLS; the "older version" is a gRPC client with r2's
 * certificate whose hello announces no features, as the previous release's did.
 */
describe('replication: features turned on once every peer has them (counter and score epochs)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  const started: Sidecar[] = [];
  const clients: grpc.Client[] = [];

  before(() => { pki = new TestPki(); });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const sidecar of started.splice(0)) await sidecar.stop();
  });

  async function replicationInfo(sidecar: Sidecar, field: string): Promise<string> {
    const client = connect(sidecar.resp.port);
    const text = await client.info('replication');
    client.disconnect();
    const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
    assert.ok(line !== undefined, `INFO replication has ${field}`);
    return line.slice(field.length + 1);
  }

  /** Opens a replication stream to `port` as replica `id` with the given hello features; resolves with how it ended or 'open'. */
  async function callAs(port: number, id: string, features: string[] | undefined): Promise<grpc.ServiceError | 'open'> {
    const leaf = pki.leaf(id);
    const creds = grpc.credentials.createSsl(readFileSync(pki.ca.cert), readFileSync(leaf.key), readFileSync(leaf.cert), { checkServerIdentity: () => undefined });
    const client = new grpc.Client(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'r1' });
    clients.push(client);
    const call = client.makeBidiStreamRequest<ReplicationMessage, Incoming>(REPLICATE_PATH, serializeMessage, deserialize);
    const hello: HelloMsg = { originId: `${id}~abcdef`, replicaId: id, versionVector: [], address: ':1', protocolVersion: 1, ...(features === undefined ? {} : { features }) };
    const outcome = new Promise<grpc.ServiceError | 'open'>((resolve) => {
      call.on('error', resolve);
      // A heartbeat or membership message means the stream was accepted.
      call.on('data', () => resolve('open'));
    });
    call.write({ kind: 'hello', hello });
    return outcome;
  }

  it('turns counter epochs on once every peer announced them, records it, and keeps it on after a restart', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
    const dir1 = tempDir('r1');
    const flags1 = ['--replica-id', 'r1', '--repl-port', String(p1), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags('r1')];
    let r1 = await startSidecar(flags1, dir1);
    started.push(r1);
    // r2 is not up: its version is unknown, so r1 writes counters as an older version would.
    assert.equal(await replicationInfo(r1, 'crdt_features'), '');
    assert.equal(await replicationInfo(r1, 'crdt_features_waiting_for'), 'r2');
    assert.equal(r1.keyspace.counterEpochs, false);
    const r2 = await startSidecar(['--replica-id', 'r2', '--repl-port', String(p2), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags('r2')], tempDir('r2'));
    started.push(r2);
    await eventually('both replicas turned both epochs on', () => [r1, r2].every((r) => r.keyspace.counterEpochs && r.keyspace.scoreEpochs));
    assert.equal(await replicationInfo(r1, 'crdt_features'), 'counter-epochs,score-epochs');
    assert.equal(await replicationInfo(r1, 'crdt_features_waiting_for'), '');
    assert.ok(existsSync(join(dir1, 'features.json')));
    // Restarted while its peer is down: still on (it may have forgotten deleted counters).
    await r2.stop();
    started.splice(started.indexOf(r2), 1);
    await r1.stop();
    started.splice(started.indexOf(r1), 1);
    r1 = await startSidecar(flags1, dir1);
    started.push(r1);
    assert.equal(r1.keyspace.counterEpochs, true);
    assert.equal(r1.keyspace.scoreEpochs, true);
    assert.equal(await replicationInfo(r1, 'crdt_features'), 'counter-epochs,score-epochs');
  });

  it('keeps epochs off while a peer of an older version is connected; once on, refuses such a peer and says what to do', async () => {
    const p1 = await freePort();
    // r2 is listed but its address answers nothing: only its stream to r1 (our client) speaks for it.
    const r1 = await startSidecar(['--replica-id', 'r1', '--repl-port', String(p1), '--repl-bind', '127.0.0.1', '--peers', `r2=127.0.0.1:${await freePort()}`, ...pki.flags('r1')], tempDir('r1'));
    started.push(r1);
    assert.equal(await callAs(p1, 'r2', undefined), 'open', 'an older version is accepted while epochs are off');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(r1.keyspace.counterEpochs, false);
    assert.equal(await replicationInfo(r1, 'crdt_features_waiting_for'), 'r2');
    // Upgraded to the version that brought counter epochs, not yet score epochs: only the first goes on.
    assert.equal(await callAs(p1, 'r2', ['counter-epochs']), 'open');
    await eventually('counter epochs on', () => r1.keyspace.counterEpochs);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(r1.keyspace.scoreEpochs, false);
    assert.equal(await replicationInfo(r1, 'crdt_features'), 'counter-epochs');
    assert.equal(await replicationInfo(r1, 'crdt_features_waiting_for'), 'r2');
    // r2 rolled back to the oldest version: refused, with the reason and the remedy.
    const refused = await callAs(p1, 'r2', undefined);
    assert.notEqual(refused, 'open');
    if (refused === 'open') return;
    assert.equal(refused.code, grpc.status.FAILED_PRECONDITION);
    assert.match(refused.details, /replica 'r2' runs a version without counter-epochs.*upgrade 'r2'/);
    // Upgraded to this version: score epochs go on too.
    assert.equal(await callAs(p1, 'r2', ['counter-epochs', 'score-epochs']), 'open');
    await eventually('score epochs on', () => r1.keyspace.scoreEpochs);
    assert.equal(await replicationInfo(r1, 'crdt_features_waiting_for'), '');
    const intermediate = await callAs(p1, 'r2', ['counter-epochs']);
    assert.notEqual(intermediate, 'open');
    if (intermediate === 'open') return;
    assert.match(intermediate.details, /replica 'r2' runs a version without score-epochs/);
  });

  it('a replica with no peers is the whole cluster: epochs go on at start', async () => {
    const standalone = await startSidecar(['--replica-id', 'solo', '--repl-port', '0', ...pki.flags('solo')], tempDir('solo'));
    started.push(standalone);
    await eventually('counter and score epochs on', () => standalone.keyspace.counterEpochs && standalone.keyspace.scoreEpochs);
    const client = connect(standalone.resp.port);
    await client.incr('c');
    await client.del('c');
    assert.equal(await client.incr('c'), 1);
    await client.zincrby('z', 2, 'm');
    await client.del('z');
    assert.equal(await client.zincrby('z', 3, 'm'), '3');
    client.disconnect();
  });
});
