import assert from 'node:assert/strict';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { stateOfKind } from '../../src/store/key-record.js';
import { allAlive, connect, converged, eventually, stopCluster, TestPki, type Member } from './cluster.js';

/**
 * Tombstone GC across real in-process sidecars over real gRPC with mutual TLS: a queue
 * workload keeps tombstones bounded once every peer acked, a paused peer holds GC back
 * until it resumes, and a peer silent past --gc-peer-timeout stops holding it back and
 * gets a full-state transfer when it returns.
 */

async function startGcCluster(pki: TestPki, extra: readonly string[]): Promise<Member[]> {
  const ids = ['r1', 'r2', 'r3'];
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i]}`).join(',');
  const members: Member[] = [];
  for (const [i, id] of ids.entries()) {
    const flags = ['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, '--tombstone-gc', '--gc-interval', '100ms', ...extra, ...pki.flags(id)];
    const dataDir = tempDir(id);
    const sidecar = await startSidecar(flags, dataDir);
    members.push({ id, replPort: ports[i]!, sidecar, client: connect(sidecar.resp.port), dataDir, flags });
  }
  return members;
}

async function crdtInfo(member: Member, field: string): Promise<string> {
  const text = await member.client.info('crdt');
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  if (line === undefined) throw new Error(`INFO crdt has no ${field}`);
  return line.slice(field.length + 1);
}

async function tombstones(member: Member): Promise<number> {
  return Number(await crdtInfo(member, 'crdt_tombstones'));
}

/** RPUSH then LPOP on queue `key` from each given replica, `rounds` times. */
async function queueWorkload(members: readonly Member[], key: string, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all(members.map(async (member) => {
      await member.client.rpush(key, `${member.id}-${round}-a`, `${member.id}-${round}-b`);
      await member.client.lpop(key);
    }));
  }
}

async function waitAll(members: readonly Member[]): Promise<void> {
  for (const member of members) await member.client.call('crdt.wait', '60000');
}

describe('Tombstone GC across replicas (real sidecars, mTLS)', function () {
  this.timeout(240_000);
  const pki = new TestPki();
  let members: Member[] = [];

  afterEach(async () => {
    await stopCluster(members);
    members = [];
  });

  it('a queue workload on 3 replicas keeps tombstones bounded once all peers ack; a paused peer holds GC back until it resumes', async () => {
    members = await startGcCluster(pki, []);
    await allAlive(members);
    await queueWorkload(members, 'jobs', 100);
    await waitAll(members);
    await eventually('converged', () => converged(members), 60_000);
    // Once everyone acked, GC drops their tombstones everywhere.
    await eventually('tombstones collected on every replica', async () => (await Promise.all(members.map(tombstones))).every((n) => n === 0), 60_000);
    // Concurrent LPOPs may pop the same element (at-least-once, DESIGN.md §4): count what went.
    const removed = 600 - (await members[0]!.client.llen('jobs'));
    assert.ok(removed >= 100, `the pops removed ${removed} of 600 elements`);
    for (const member of members) assert.ok(Number(await crdtInfo(member, 'crdt_gc_collected')) >= removed, `${member.id} collected the ${removed} pops' tombstones`);

    // r3 stops all replication: r1 and r2 keep popping, and must keep the tombstones r3 may still anchor on.
    const [r1, r2, r3] = members as [Member, Member, Member];
    await r3.client.call('crdt.pause');
    await queueWorkload([r1, r2], 'jobs', 20);
    await eventually('r1 and r2 converged', () => converged([r1, r2]), 60_000);
    const heldBack = await tombstones(r1);
    assert.ok(heldBack >= 20, `r1 holds the new pops' tombstones (at least one per round) while r3 is paused (holds ${heldBack})`);
    // Several GC ticks later (100 ms each) nothing went: r3's ack does not cover the pops.
    const collectedBefore = Number(await crdtInfo(r1, 'crdt_gc_collected'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(Number(await crdtInfo(r1, 'crdt_gc_collected')), collectedBefore, 'no tombstone collected while a counted peer is paused');
    assert.ok(Number(await crdtInfo(r1, 'crdt_gc_stability_lag_ops')) >= 40, 'the 40 pushes and pops made without r3 are not stable');

    await r3.client.call('crdt.resume');
    await waitAll(members);
    await eventually('converged after resume', () => converged(members), 60_000);
    await eventually('tombstones collected after resume', async () => (await Promise.all(members.map(tombstones))).every((n) => n === 0), 60_000);
    assert.deepEqual(await r3.client.lrange('jobs', 0, -1), await r1.client.lrange('jobs', 0, -1));
  });

  it('deleted counters (INCR and HINCRBY on every replica, then DEL or expiry), and a counter field deleted by HDEL from a live hash, are forgotten everywhere once stable; later increments agree', async () => {
    members = await startGcCluster(pki, []);
    await allAlive(members);
    // Counts made before every peer announced epochs are kept for good (replica/features.ts).
    await eventually('counter epochs on everywhere', () => members.every((member) => member.sidecar.keyspace.counterEpochs));
    const keys = Array.from({ length: 50 }, (_, i) => `rate:${i}`);
    // The rate-limiter pattern: every replica counts, the key goes (DEL here, TTL for half).
    await Promise.all(members.map(async (member) => { for (const key of keys) await member.client.incr(key); }));
    await waitAll(members);
    await eventually('counts converged', () => converged(members), 60_000);
    for (const member of members) assert.equal(await member.client.get('rate:0'), '3');
    const [r1, r2, r3] = members as [Member, Member, Member];
    // A hash of counters too (HINCRBY per field on every replica, then the key expires).
    await Promise.all(members.map(async (member) => { for (const field of ['views', 'clicks']) await member.client.hincrby('stats:day', field, 1); }));
    await waitAll(members);
    for (const key of keys.slice(0, 25)) await r1.client.del(key);
    for (const key of keys.slice(25)) await r2.client.pexpire(key, 50);
    await r3.client.pexpire('stats:day', 50);
    await waitAll(members);
    const records = async (member: Member): Promise<number> => Number(await crdtInfo(member, 'records'));
    await eventually('every deleted counter forgotten on every replica', async () => (await Promise.all(members.map(records))).every((n) => n === 0), 60_000);
    for (const member of members) assert.ok(Number(await crdtInfo(member, 'crdt_gc_forgotten_counters')) >= 51, `${member.id} forgot the 50 counters and the hash`);
    // Counting again from every replica (each starts a new epoch) converges to the new counts.
    await Promise.all([r1.client.incrby('rate:0', 2), r2.client.incrby('rate:0', 3), r3.client.incr('rate:49'), r1.client.hincrby('stats:day', 'views', 4), r3.client.hincrby('stats:day', 'views', 1)]);
    await waitAll(members);
    await eventually('converged after the new increments', () => converged(members), 60_000);
    for (const member of members) {
      assert.equal(await member.client.get('rate:0'), '5');
      assert.equal(await member.client.get('rate:49'), '1');
      assert.equal(await member.client.get('rate:1'), null);
      assert.deepEqual(await member.client.hgetall('stats:day'), { views: '5' });
    }
    // A counter field deleted from a hash that lives on (written all along) is forgotten too.
    await Promise.all(members.map(async (member) => { await member.client.hset('profile', 'name', member.id); await member.client.hincrby('profile', 'logins', 1); }));
    await waitAll(members);
    await r2.client.hdel('profile', 'logins');
    await waitAll(members);
    const fieldsKept = (member: Member): string[] => {
      const record = member.sidecar.keyspace.record('profile');
      const hash = record === undefined ? undefined : stateOfKind(record, 'hash');
      return [...(hash?.fields.keys() ?? [])].sort();
    };
    await eventually('the deleted counter field forgotten on every replica', () => members.every((member) => fieldsKept(member).join() === 'name'), 60_000);
    await r3.client.hincrby('profile', 'logins', 7);
    await waitAll(members);
    const profiles = await Promise.all(members.map((member) => member.client.hgetall('profile')));
    for (const profile of profiles) assert.deepEqual(profile, profiles[0]);
    assert.equal(profiles[0]?.logins, '7');
  });

  it('sorted sets of ZINCRBY scores (a daily leaderboard that expires, a member removed by ZREM) are forgotten everywhere once stable; later increments agree', async () => {
    members = await startGcCluster(pki, []);
    await allAlive(members);
    await eventually('score epochs on everywhere', () => members.every((member) => member.sidecar.keyspace.scoreEpochs));
    const [r1, r2, r3] = members as [Member, Member, Member];
    const players = Array.from({ length: 20 }, (_, i) => `p${i}`);
    // Every replica scores every player on the day's board and on the all-time board.
    await Promise.all(members.map(async (member) => {
      for (const player of players) await member.client.zincrby('board:day', 1, player);
      for (const player of players) await member.client.zincrby('board:all', 2, player);
    }));
    await waitAll(members);
    await eventually('scores converged', () => converged(members), 60_000);
    for (const member of members) assert.equal(await member.client.zscore('board:day', 'p0'), '3');
    // The day ends (the key expires); a player leaves the all-time board.
    await r1.client.pexpire('board:day', 50);
    await r2.client.zrem('board:all', 'p7');
    await waitAll(members);
    const entries = (member: Member, key: string): number => {
      const record = member.sidecar.keyspace.record(key);
      const zset = record === undefined ? undefined : stateOfKind(record, 'zset');
      return zset?.entries.size ?? 0;
    };
    await eventually('the expired board and the removed member forgotten on every replica', () => members.every((member) => (
      member.sidecar.keyspace.record('board:day') === undefined && entries(member, 'board:all') === players.length - 1
    )), 60_000);
    // Scoring again from several replicas at once (each starts a new epoch) converges.
    await Promise.all([r1.client.zincrby('board:day', 5, 'p0'), r3.client.zincrby('board:day', 2, 'p0'), r2.client.zincrby('board:all', 4, 'p7'), r3.client.zincrby('board:all', 1, 'p7')]);
    await waitAll(members);
    await eventually('converged after the new increments', () => converged(members), 60_000);
    for (const member of members) {
      assert.equal(await member.client.zscore('board:day', 'p0'), '7');
      assert.equal(await member.client.zscore('board:day', 'p1'), null);
      assert.equal(await member.client.zscore('board:all', 'p7'), '5');
      assert.equal(await member.client.zscore('board:all', 'p8'), '6');
    }
  });

  it('a peer silent past --gc-peer-timeout stops holding GC back and gets a full state when it returns', async () => {
    members = await startGcCluster(pki, ['--gc-peer-timeout', '2s']);
    await allAlive(members);
    const [r1, r2, r3] = members as [Member, Member, Member];
    await queueWorkload(members, 'q', 10);
    await waitAll(members);
    await eventually('converged', () => converged(members), 60_000);

    await r3.client.call('crdt.pause');
    await queueWorkload([r1, r2], 'q', 30);
    await r1.client.set('written-while-r3-was-away', 'yes');
    await eventually('r3 timed out on r1 and r2', async () => (await crdtInfo(r1, 'crdt_gc_peers_timed_out')) === '1' && (await crdtInfo(r2, 'crdt_gc_peers_timed_out')) === '1', 60_000);
    await eventually('r1 and r2 collect without r3', async () => (await tombstones(r1)) === 0 && (await tombstones(r2)) === 0, 60_000);

    const resyncsBefore = r3.sidecar.replication!.counters.resyncsIn;
    await r3.client.call('crdt.resume');
    await eventually('converged after r3 returns', () => converged(members), 60_000);
    assert.ok(r3.sidecar.replication!.counters.resyncsIn > resyncsBefore, 'r3 was behind the GC horizon: it got a full-state transfer');
    assert.equal(await r3.client.get('written-while-r3-was-away'), 'yes');
    assert.deepEqual(await r3.client.lrange('q', 0, -1), await r1.client.lrange('q', 0, -1));
    await eventually('r3 counts again', async () => (await crdtInfo(r1, 'crdt_gc_peers_timed_out')) === '0', 60_000);
  });
});
