import assert from 'node:assert/strict';
import type { Sidecar } from '../../src/app/sidecar.js';
import type { LogIndex } from '../../src/replication/log-index.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { connect, eventually, TestPki } from './cluster.js';

/** As if the op log had been compacted up to now: it no longer reaches back before this point. */
function compactLog(sidecar: Sidecar): void {
  const { index } = sidecar.replication as unknown as { index: LogIndex };
  index.resetAt(sidecar.engine.vv);
}

describe('replication: full-state transfer when the op log no longer reaches back', function () {
  this.timeout(120000);
  let pki: TestPki;
  const started: Sidecar[] = [];

  before(() => { pki = new TestPki(); });
  afterEach(async () => { for (const s of started.splice(0)) await s.stop(); });

  async function start(id: string, port: number, peers: string): Promise<Sidecar> {
    const sidecar = await startSidecar(['--replica-id', id, '--repl-port', String(port), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags(id)], tempDir(id));
    started.push(sidecar);
    return sidecar;
  }

  it('a new replica joining after compaction receives the whole state', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
    const r1 = await start('r1', p1, peers);
    const c1 = connect(r1.resp.port);
    const pipeline = c1.pipeline();
    for (let i = 0; i < 2500; i++) pipeline.set(`k${i}`, `v${i}`).incr('n');
    await pipeline.exec();
    compactLog(r1);
    const r2 = await start('r2', p2, peers);
    const c2 = connect(r2.resp.port);
    await eventually('state transferred', async () => (await c2.get('n')) === '2500');
    assert.equal(await c2.get('k2499'), 'v2499');
    assert.equal(await c2.dbsize(), 2501);
    assert.equal(r2.replication!.counters.resyncsIn, 1);
    await c1.set('after', 'transfer');
    await eventually('live tail after the transfer', async () => (await c2.get('after')) === 'transfer');
    assert.equal(String(await c1.call('crdt.digest')), String(await c2.call('crdt.digest')));
    c1.disconnect();
    c2.disconnect();
  });

  it('a replica holding writes the transferred state lacks keeps them (re-applied on top)', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
    const r1 = await start('r1', p1, peers);
    const r2 = await start('r2', p2, peers);
    const c1 = connect(r1.resp.port);
    const c2 = connect(r2.resp.port);
    await c1.set('shared', 'before');
    await eventually('replicated', async () => (await c2.get('shared')) === 'before');
    await c2.call('crdt.pause');
    await c2.set('only-r2', 'mine');
    await c2.incrby('count', 5);
    await c1.set('only-r1', 'theirs');
    await c1.incrby('count', 2);
    compactLog(r1);
    await c2.call('crdt.resume');
    await eventually('converged', async () => String(await c1.call('crdt.digest')) === String(await c2.call('crdt.digest')) && (await c1.get('only-r2')) === 'mine');
    assert.equal(r2.replication!.counters.resyncsIn, 1, 'r2 got a full-state transfer');
    for (const c of [c1, c2]) {
      assert.deepEqual(await c.mget('shared', 'only-r1', 'only-r2', 'count'), ['before', 'theirs', 'mine', '7']);
    }
    c1.disconnect();
    c2.disconnect();
  });
});
