import assert from 'node:assert/strict';
import { allAlive, connect, converged, digest, dump, eventually, startCluster, stopCluster, TestPki, type Member } from './cluster.js';

describe('replication: 3 replicas over gRPC with mutual TLS', function () {
  this.timeout(120000);
  let pki: TestPki;
  let members: Member[] = [];

  before(() => { pki = new TestPki(); });
  afterEach(async () => { await stopCluster(members); members = []; });

  it('converges after concurrent writes on every replica (digest and full dump agree)', async () => {
    members = await startCluster({ size: 3 }, pki);
    await allAlive(members);
    await Promise.all(members.map(async (member) => {
      const pipeline = member.client.pipeline();
      for (let i = 0; i < 300; i++) {
        pipeline.set(`own:${member.id}:${i}`, `v${i}`);
        pipeline.set(`shared:${i % 20}`, `${member.id}-${i}`);
        pipeline.incrby(`counter:${i % 5}`, 1);
      }
      await pipeline.exec();
    }));
    await eventually('digests equal', () => converged(members));
    const dumps = await Promise.all(members.map(dump));
    assert.equal(dumps[1], dumps[0]);
    assert.equal(dumps[2], dumps[0]);
    // Every acknowledged increment counted exactly once: 3 replicas x 300 / 5 counters.
    for (let c = 0; c < 5; c++) assert.equal(await members[0]!.client.get(`counter:${c}`), '180');
    assert.equal(await members[2]!.client.get('own:r1:299'), 'v299');
    assert.notEqual(await digest(members[0]!), '');
  });

  it('CRDT.WAIT returns once every live peer acknowledged our writes', async () => {
    members = await startCluster({ size: 3 }, pki);
    await allAlive(members);
    await members[0]!.client.set('k', 'v');
    const acked = await members[0]!.client.call('crdt.wait', '20000');
    assert.equal(acked, 2);
    assert.equal(await members[1]!.client.get('k'), 'v');
    assert.equal(await members[0]!.client.call('wait', '2', '20000'), 2);
  });

  it('a partitioned replica (CRDT.PAUSE) catches up on CRDT.RESUME from every origin', async () => {
    members = await startCluster({ size: 3 }, pki);
    await allAlive(members);
    const [a, b, c] = members as [Member, Member, Member];
    await c.client.call('crdt.pause');
    await a.client.set('from-a', '1');
    await b.client.set('from-b', '2');
    await c.client.set('from-c', '3');
    await eventually('a and b converge', async () => (await digest(a)) === (await digest(b)) && (await a.client.get('from-b')) === '2');
    assert.equal(await c.client.get('from-a'), null, 'paused replica received nothing');
    await c.client.call('crdt.resume');
    await eventually('all converge', () => converged(members));
    assert.equal(await c.client.get('from-a'), '1');
    assert.equal(await a.client.get('from-c'), '3');
  });

  it('relays: a replica that reaches only one peer still gets every origin\'s ops', async () => {
    members = await startCluster({ size: 3 }, pki);
    await allAlive(members);
    const [a, b, c] = members as [Member, Member, Member];
    await a.client.call('crdt.pause', 'r3');
    await c.client.call('crdt.pause', 'r1');
    await a.client.set('relayed', 'through-b');
    await eventually('c gets a\'s write through b', async () => (await c.client.get('relayed')) === 'through-b');
    await c.client.set('back', 'to-a');
    await eventually('a gets c\'s write through b', async () => (await a.client.get('back')) === 'to-a');
    await eventually('all converge', () => converged(members));
    assert.ok(b);
  });

  it('PUBLISH reaches subscribers on every replica, once each', async () => {
    members = await startCluster({ size: 3 }, pki);
    await allAlive(members);
    const received: string[] = [];
    const subscribers = members.map((m) => connect(m.sidecar.resp.port));
    for (const [i, sub] of subscribers.entries()) {
      await sub.subscribe('news');
      sub.on('message', (channel: string, message: string) => received.push(`${members[i]!.id}:${channel}:${message}`));
    }
    assert.equal(await members[0]!.client.publish('news', 'hello'), 1, 'PUBLISH counts local receivers, as Redis does');
    await eventually('delivered everywhere', () => received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(received.sort(), ['r1:news:hello', 'r2:news:hello', 'r3:news:hello']);
    for (const sub of subscribers) sub.disconnect();
  });
});
