import assert from 'node:assert/strict';
import { allAlive, converged, eventually, startCluster, stopCluster, TestPki, type Member } from './cluster.js';

/**
 * The concurrent-write rules of DESIGN.md §4 for strings, counters, deletes and expiry,
 * each made deterministic: replication paused everywhere, writes on several replicas,
 * replication resumed, and the converged value checked on every replica (SEMANTICS.md).
 */
describe('replication semantics: concurrent writes (DESIGN.md §4)', function () {
  this.timeout(120000);
  let members: Member[] = [];
  let r1: Member;
  let r2: Member;
  let r3: Member;

  before(async () => {
    members = await startCluster({ size: 3 }, new TestPki());
    [r1, r2, r3] = members as [Member, Member, Member];
    await allAlive(members);
  });
  after(async () => { await stopCluster(members); });

  /** Sets up a replicated starting state. */
  async function seed(write: (m: Member) => Promise<unknown>): Promise<void> {
    await write(r1);
    await eventually('seed replicated', () => converged(members));
    await r1.client.call('crdt.wait', '30000');
  }

  /** Runs writes with every replica partitioned from the others, then heals. */
  async function concurrently(...writes: [Member, (m: Member) => Promise<unknown>][]): Promise<void> {
    for (const m of members) await m.client.call('crdt.pause');
    for (const [member, write] of writes) {
      await write(member);
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct HLC milliseconds: a deterministic LWW order
    }
    for (const m of members) await m.client.call('crdt.resume');
    await allAlive(members);
    await eventually('converged', () => converged(members));
  }

  async function everywhere(key: string): Promise<(string | null)[]> {
    return Promise.all(members.map((m) => m.client.get(key)));
  }

  it('SET ∥ SET: last writer wins by HLC; CRDT.MVGET shows both siblings, winner first', async () => {
    await concurrently([r1, (m) => m.client.set('lww', 'first')], [r2, (m) => m.client.set('lww', 'second')]);
    assert.deepEqual(await everywhere('lww'), ['second', 'second', 'second']);
    assert.deepEqual(await r3.client.call('crdt.mvget', 'lww'), ['second', 'first']);
    await r1.client.set('lww', 'resolved');
    await eventually('resolution replicated', async () => (await r3.client.get('lww')) === 'resolved');
    assert.deepEqual(await r3.client.call('crdt.mvget', 'lww'), ['resolved'], 'a later write observes and drops the siblings');
  });

  it('INCRBY 7 ∥ INCRBY 3 → 10', async () => {
    await concurrently([r1, (m) => m.client.incrby('c1', 7)], [r2, (m) => m.client.incrby('c1', 3)]);
    assert.deepEqual(await everywhere('c1'), ['10', '10', '10']);
  });

  it('SET k 10 ∥ INCR k (k was 5) → 11', async () => {
    await seed((m) => m.client.set('c2', '5'));
    await concurrently([r1, (m) => m.client.set('c2', '10')], [r2, (m) => m.client.incr('c2')]);
    assert.deepEqual(await everywhere('c2'), ['11', '11', '11']);
  });

  it('DEL ∥ INCRBY 3 → 3', async () => {
    await seed((m) => m.client.set('c3', '5'));
    await concurrently([r1, (m) => m.client.del('c3')], [r2, (m) => m.client.incrby('c3', 3)]);
    assert.deepEqual(await everywhere('c3'), ['3', '3', '3']);
  });

  it('a non-numeric base wins over unobserved increments', async () => {
    await seed((m) => m.client.set('c4', '5'));
    await concurrently([r1, (m) => m.client.set('c4', 'abc')], [r2, (m) => m.client.incr('c4')]);
    assert.deepEqual(await everywhere('c4'), ['abc', 'abc', 'abc']);
  });

  it('INCRBYFLOAT contributions add up', async () => {
    await concurrently([r1, (m) => m.client.incrbyfloat('f1', 1.5)], [r2, (m) => m.client.incrbyfloat('f1', 2.25)], [r3, (m) => m.client.incrby('f1', 1)]);
    assert.deepEqual(await everywhere('f1'), ['4.75', '4.75', '4.75']);
  });

  it('DEL k ∥ SET k v1 → v1 (observed-remove: the unobserved write survives)', async () => {
    await seed((m) => m.client.set('d1', 'old'));
    await concurrently([r2, (m) => m.client.set('d1', 'v1')], [r1, (m) => m.client.del('d1')]);
    assert.deepEqual(await everywhere('d1'), ['v1', 'v1', 'v1']);
  });

  it('APPEND ∥ SET: whole-value LWW, no merge', async () => {
    await seed((m) => m.client.set('a1', 'base'));
    await concurrently([r1, (m) => m.client.set('a1', 'set')], [r2, (m) => m.client.append('a1', '+tail')]);
    assert.deepEqual(await everywhere('a1'), ['base+tail', 'base+tail', 'base+tail']);
  });

  it('EXPIRE ∥ EXPIRE: the longest TTL wins; PERSIST beats a concurrent EXPIRE', async () => {
    await seed((m) => m.client.set('t1', 'x'));
    await concurrently([r1, (m) => m.client.expire('t1', 1000)], [r2, (m) => m.client.expire('t1', 5000)]);
    const ttls = await Promise.all(members.map((m) => m.client.ttl('t1')));
    for (const ttl of ttls) assert.ok(ttl > 4000 && ttl <= 5000, `ttl ${ttl}`);
    await concurrently([r1, (m) => m.client.persist('t1')], [r2, (m) => m.client.expire('t1', 9000)]);
    assert.deepEqual(await Promise.all(members.map((m) => m.client.ttl('t1'))), [-1, -1, -1]);
  });

  it('MULTI/EXEC effects arrive and apply as one group', async () => {
    await concurrently([r1, async (m) => m.client.multi().set('m1', 'a').set('m2', 'b').incrby('m3', 2).exec()]);
    for (const m of members) assert.deepEqual(await m.client.mget('m1', 'm2', 'm3'), ['a', 'b', '2']);
  });

  it('a causally later write wins whatever the order of arrival', async () => {
    await seed((m) => m.client.set('cl', 'early'));
    await r2.client.set('cl', 'later');
    await eventually('converged', async () => (await everywhere('cl')).every((v) => v === 'later'));
  });
});
