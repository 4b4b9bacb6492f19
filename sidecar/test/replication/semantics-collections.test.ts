import assert from 'node:assert/strict';
import { allAlive, startCluster, stopCluster, TestPki, type Member } from './cluster.js';
import { ConcurrentWrites } from './concurrent-writes.js';

/**
 * The concurrent-write rules of DESIGN.md §4 for lists, sets, hashes, sorted sets, deletes
 * and type conflicts over real replication (3 in-process replicas, gRPC over mutual TLS),
 * each made deterministic by ConcurrentWrites; listed in SEMANTICS.md.
 */
describe('replication semantics: concurrent writes to collections (DESIGN.md §4)', function () {
  this.timeout(120000);
  let members: Member[] = [];
  let r1: Member;
  let r2: Member;
  let r3: Member;
  let cw: ConcurrentWrites;

  before(async () => {
    members = await startCluster({ size: 3 }, new TestPki());
    [r1, r2, r3] = members as [Member, Member, Member];
    cw = new ConcurrentWrites(members);
    await allAlive(members);
  });
  after(async () => { await stopCluster(members); });

  const list = (key: string) => (m: Member): Promise<string[]> => m.client.lrange(key, 0, -1);
  const members3 = (key: string) => async (m: Member): Promise<string[]> => (await m.client.smembers(key)).sort();
  const zscores = (key: string) => (m: Member): Promise<string[]> => m.client.zrange(key, '0', '-1', 'WITHSCORES');
  const same = <T>(value: T): T[] => [value, value, value];

  describe('list (RGA)', () => {
    it('RPUSH a1 a2 ∥ RPUSH b1 b2: per-origin order kept, concurrent inserts at one place ordered by (hlc, replica) descending', async () => {
      await cw.seed((m) => m.client.rpush('l1', 'x'));
      await cw.run([r1, (m) => m.client.rpush('l1', 'a1', 'a2')], [r2, (m) => m.client.rpush('l1', 'b1', 'b2')]);
      assert.deepEqual(await cw.everywhere(list('l1')), same(['x', 'b1', 'b2', 'a1', 'a2']));
    });

    it('LPUSH ∥ LPUSH: both after the head, the later one first', async () => {
      await cw.seed((m) => m.client.rpush('l2', 'x'));
      await cw.run([r1, (m) => m.client.lpush('l2', 'a')], [r2, (m) => m.client.lpush('l2', 'b')]);
      assert.deepEqual(await cw.everywhere(list('l2')), same(['b', 'a', 'x']));
    });

    it('LINSERT ∥ LINSERT at the same place: one deterministic order everywhere', async () => {
      await cw.seed((m) => m.client.rpush('l3', 'p', 'q'));
      await cw.run([r1, (m) => m.client.linsert('l3', 'AFTER', 'p', 'a')], [r2, (m) => m.client.linsert('l3', 'BEFORE', 'q', 'b')]);
      assert.deepEqual(await cw.everywhere(list('l3')), same(['p', 'b', 'a', 'q']));
    });

    it('LPOP ∥ LPOP of the same element: both return it (at-least-once), it is removed once', async () => {
      await cw.seed((m) => m.client.rpush('l4', 'x', 'y'));
      const replies = await cw.run([r1, (m) => m.client.lpop('l4')], [r2, (m) => m.client.lpop('l4')]);
      assert.deepEqual(replies, ['x', 'x']);
      assert.deepEqual(await cw.everywhere(list('l4')), same(['y']));
    });

    it('LTRIM ∥ RPUSH: a trim removes only the elements it observed', async () => {
      await cw.seed((m) => m.client.rpush('l5', 'x', 'y'));
      await cw.run([r1, (m) => m.client.ltrim('l5', 0, 0)], [r2, (m) => m.client.rpush('l5', 'z')]);
      assert.deepEqual(await cw.everywhere(list('l5')), same(['x', 'z']));
    });

    it('LREM ∥ RPUSH of an equal value: only the observed occurrence is removed', async () => {
      await cw.seed((m) => m.client.rpush('l6', 'v', 'w'));
      await cw.run([r1, (m) => m.client.lrem('l6', 0, 'v')], [r2, (m) => m.client.rpush('l6', 'v')]);
      assert.deepEqual(await cw.everywhere(list('l6')), same(['w', 'v']));
    });

    it('LSET ∥ LSET of one element: LWW on its value', async () => {
      await cw.seed((m) => m.client.rpush('l7', 'x'));
      await cw.run([r1, (m) => m.client.lset('l7', 0, 'A')], [r2, (m) => m.client.lset('l7', 0, 'B')]);
      assert.deepEqual(await cw.everywhere(list('l7')), same(['B']));
    });

    it('LPOP ∥ LSET of the popped element: the removal wins even over a later LSET', async () => {
      await cw.seed((m) => m.client.rpush('l8', 'x', 'y'));
      await cw.run([r2, (m) => m.client.lpop('l8')], [r1, (m) => m.client.lset('l8', 0, 'X')]);
      assert.deepEqual(await cw.everywhere(list('l8')), same(['y']));
    });
  });

  describe('set (OR-Set, add wins)', () => {
    it('SADD x ∥ SREM x: the add wins, even when the remove is later', async () => {
      await cw.seed((m) => m.client.sadd('s1', 'x', 'y'));
      await cw.run([r2, (m) => m.client.sadd('s1', 'x')], [r1, (m) => m.client.srem('s1', 'x')]);
      assert.deepEqual(await cw.everywhere(members3('s1')), same(['x', 'y']));
    });

    it('SPOP ∥ SPOP of a one-member set: both return it (at-least-once), the set is gone', async () => {
      await cw.seed((m) => m.client.sadd('s2', 'only'));
      const replies = await cw.run([r1, (m) => m.client.spop('s2')], [r2, (m) => m.client.spop('s2')]);
      assert.deepEqual(replies, ['only', 'only']);
      assert.deepEqual(await cw.everywhere((m) => m.client.exists('s2')), same(0));
    });

    it('SADD ∥ SADD of different members: both kept', async () => {
      await cw.run([r1, (m) => m.client.sadd('s3', 'a')], [r2, (m) => m.client.sadd('s3', 'b')], [r3, (m) => m.client.sadd('s3', 'c')]);
      assert.deepEqual(await cw.everywhere(members3('s3')), same(['a', 'b', 'c']));
    });
  });

  describe('hash (per field LWW register or counter)', () => {
    it('HSET f ∥ HSET f: LWW per field; HSETs of other fields merge', async () => {
      await cw.run([r1, (m) => m.client.hset('h1', 'f', 'a', 'g', '1')], [r2, (m) => m.client.hset('h1', 'f', 'b', 'h', '2')]);
      assert.deepEqual(await cw.everywhere((m) => m.client.hgetall('h1')), same({ f: 'b', g: '1', h: '2' }));
    });

    it('HINCRBY 7 ∥ HINCRBY 3 → 10', async () => {
      await cw.run([r1, (m) => m.client.hincrby('h2', 'n', 7)], [r2, (m) => m.client.hincrby('h2', 'n', 3)]);
      assert.deepEqual(await cw.everywhere((m) => m.client.hget('h2', 'n')), same('10'));
    });

    it('HSET f 10 ∥ HINCRBY f 1 (f was 5) → 11', async () => {
      await cw.seed((m) => m.client.hset('h3', 'f', '5'));
      await cw.run([r1, (m) => m.client.hset('h3', 'f', '10')], [r2, (m) => m.client.hincrby('h3', 'f', 1)]);
      assert.deepEqual(await cw.everywhere((m) => m.client.hget('h3', 'f')), same('11'));
    });

    it('HDEL f ∥ HINCRBY f 2 (f was 10) → 2', async () => {
      await cw.seed((m) => m.client.hset('h4', 'f', '10', 'keep', 'k'));
      await cw.run([r1, (m) => m.client.hdel('h4', 'f')], [r2, (m) => m.client.hincrby('h4', 'f', 2)]);
      assert.deepEqual(await cw.everywhere((m) => m.client.hget('h4', 'f')), same('2'));
    });

    it('HDEL f ∥ HSET f v: observed-remove, the unobserved write survives', async () => {
      await cw.seed((m) => m.client.hset('h5', 'f', 'old', 'keep', 'k'));
      await cw.run([r2, (m) => m.client.hset('h5', 'f', 'v')], [r1, (m) => m.client.hdel('h5', 'f')]);
      assert.deepEqual(await cw.everywhere((m) => m.client.hget('h5', 'f')), same('v'));
    });
  });

  describe('sorted set (OR-Set membership, score = LWW base + unobserved increments)', () => {
    it('ZADD 10 ∥ ZINCRBY 5 (was 1) → 15', async () => {
      await cw.seed((m) => m.client.zadd('z1', 1, 'm'));
      await cw.run([r1, (m) => m.client.zadd('z1', 10, 'm')], [r2, (m) => m.client.zincrby('z1', 5, 'm')]);
      assert.deepEqual(await cw.everywhere(zscores('z1')), same(['m', '15']));
    });

    it('ZREM ∥ ZINCRBY 2 (was 4.1) → 2', async () => {
      await cw.seed((m) => m.client.zadd('z2', 4.1, 'm', 0, 'other'));
      await cw.run([r1, (m) => m.client.zrem('z2', 'm')], [r2, (m) => m.client.zincrby('z2', 2, 'm')]);
      assert.deepEqual(await cw.everywhere(zscores('z2')), same(['other', '0', 'm', '2']));
    });

    it('ZADD m ∥ ZREM m: the add wins, even when the remove is later', async () => {
      await cw.seed((m) => m.client.zadd('z3', 1, 'm', 0, 'other'));
      await cw.run([r2, (m) => m.client.zadd('z3', 7, 'm')], [r1, (m) => m.client.zrem('z3', 'm')]);
      assert.deepEqual(await cw.everywhere(zscores('z3')), same(['other', '0', 'm', '7']));
    });

    it('ZINCRBY ∥ ZINCRBY add up', async () => {
      await cw.run([r1, (m) => m.client.zincrby('z4', 2.5, 'm')], [r2, (m) => m.client.zincrby('z4', 4, 'm')], [r3, (m) => m.client.zincrby('z4', 0.5, 'm')]);
      assert.deepEqual(await cw.everywhere(zscores('z4')), same(['m', '7']));
    });

    it('ZPOPMIN ∥ ZPOPMIN: both may return the same member; it is removed', async () => {
      await cw.seed((m) => m.client.zadd('z5', 1, 'low', 2, 'high'));
      const replies = await cw.run([r1, (m) => m.client.zpopmin('z5')], [r2, (m) => m.client.zpopmin('z5')]);
      assert.deepEqual(replies, [['low', '1'], ['low', '1']]);
      assert.deepEqual(await cw.everywhere(zscores('z5')), same(['high', '2']));
    });
  });

  describe('key delete and type conflicts', () => {
    it('DEL list ∥ RPUSH: the delete removes what it observed, the unobserved element survives', async () => {
      await cw.seed((m) => m.client.rpush('k1', 'x'));
      await cw.run([r2, (m) => m.client.rpush('k1', 'y')], [r1, (m) => m.client.del('k1')]);
      assert.deepEqual(await cw.everywhere(list('k1')), same(['y']));
    });

    it('FLUSHALL ∥ SADD: replicated as a delete of every key observed; the concurrent add survives', async () => {
      await cw.seed((m) => m.client.sadd('k2', 'x'));
      await cw.run([r2, (m) => m.client.sadd('k2', 'y')], [r1, (m) => m.client.flushall()]);
      assert.deepEqual(await cw.everywhere(members3('k2')), same(['y']));
      assert.deepEqual(await cw.everywhere((m) => m.client.dbsize()), same(1));
    });

    it('SADD k ∥ SET k: the later write by LWW decides the type everywhere; the other type reads WRONGTYPE', async () => {
      await cw.run([r1, (m) => m.client.sadd('k3', 'm')], [r2, (m) => m.client.set('k3', 'v')]);
      assert.deepEqual(await cw.everywhere((m) => m.client.type('k3')), same('string'));
      assert.deepEqual(await cw.everywhere((m) => m.client.get('k3')), same('v'));
      for (const m of members) await assert.rejects(m.client.smembers('k3'), /WRONGTYPE/);
    });

    it('DEL ∥ a write of another type: the concurrent write beats the delete', async () => {
      await cw.seed((m) => m.client.set('k4', 'old'));
      await cw.run([r2, async (m) => { await m.client.del('k4'); return m.client.rpush('k4', 'a'); }], [r1, (m) => m.client.del('k4')]);
      assert.deepEqual(await cw.everywhere((m) => m.client.type('k4')), same('list'));
      assert.deepEqual(await cw.everywhere(list('k4')), same(['a']));
    });
  });
});
