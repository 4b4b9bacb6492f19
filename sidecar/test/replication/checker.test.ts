import assert from 'node:assert/strict';
import { allAlive, converged, dump, eventually, startCluster, stopCluster, TestPki, type Member } from './cluster.js';

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed by its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the workload was told succeeded: the invariants the checker asserts after healing. */
interface Acknowledged {
  readonly counters: Map<string, number>;
  readonly kept: Set<string>;
  readonly deleted: Set<string>;
}

async function workload(member: Member, random: () => number, until: number, acked: Acknowledged): Promise<void> {
  let n = 0;
  while (Date.now() < until) {
    const roll = random();
    n += 1;
    if (roll < 0.3) {
      // Pure counters: only ever incremented, so the value must be the exact sum.
      const key = `counter:${Math.floor(random() * 4)}`;
      const by = 1 + Math.floor(random() * 9);
      await member.client.incrby(key, by);
      acked.counters.set(key, (acked.counters.get(key) ?? 0) + by);
    } else if (roll < 0.5) {
      // Contended registers: any write, delete or append; only convergence is checked.
      const key = `reg:${Math.floor(random() * 6)}`;
      const op = random();
      if (op < 0.5) await member.client.set(key, `${member.id}-${n}`);
      else if (op < 0.7) await member.client.del(key);
      else if (op < 0.9) await member.client.append(key, `+${member.id}`);
      else await member.client.incr(key).catch(() => undefined); // may be non-numeric: Redis's error
    } else if (roll < 0.8) {
      const key = `kept:${member.id}:${n}`;
      await member.client.set(key, 'v');
      acked.kept.add(key);
    } else {
      const key = `gone:${member.id}:${n}`;
      await member.client.set(key, 'v');
      await member.client.del(key);
      acked.deleted.add(key);
    }
  }
}

/** Random partitions: every 200-400 ms a random replica pauses or resumes a random peer (or all). */
async function chaos(members: readonly Member[], random: () => number, until: number): Promise<void> {
  while (Date.now() < until) {
    const member = members[Math.floor(random() * members.length)]!;
    const others = members.filter((m) => m !== member);
    const target = random() < 0.3 ? [] : [others[Math.floor(random() * others.length)]!.id];
    await member.client.call(random() < 0.5 ? 'crdt.pause' : 'crdt.resume', ...target);
    await new Promise((resolve) => setTimeout(resolve, 200 + random() * 200));
  }
}

describe('replication: convergence checker (random workload under random partitions)', function () {
  this.timeout(180000);
  let members: Member[] = [];
  after(async () => { await stopCluster(members); });

  it('converges to one state with every acknowledged increment counted once, adds kept, deletes not resurrected', async () => {
    const seed = Number(process.env.CHECKER_SEED ?? Date.now() % 100000);
    members = await startCluster({ size: 3 }, new TestPki());
    await allAlive(members);
    const acked: Acknowledged = { counters: new Map(), kept: new Set(), deleted: new Set() };
    const until = Date.now() + 6000;
    await Promise.all([
      ...members.map((m, i) => workload(m, prng(seed * 10 + i), until, acked)),
      chaos(members, prng(seed * 10 + 9), until),
    ]);
    for (const m of members) await m.client.call('crdt.resume');
    await allAlive(members);
    await eventually(`convergence (seed ${seed})`, () => converged(members), 60000);
    const dumps = await Promise.all(members.map(dump));
    assert.equal(dumps[1], dumps[0], `full dumps differ (seed ${seed})`);
    assert.equal(dumps[2], dumps[0], `full dumps differ (seed ${seed})`);
    for (const m of members) {
      for (const [key, sum] of acked.counters) assert.equal(await m.client.get(key), String(sum), `${m.id} ${key} (seed ${seed})`);
      const kept = [...acked.kept];
      if (kept.length > 0) assert.ok((await m.client.mget(...kept)).every((v) => v === 'v'), `${m.id} lost an acknowledged add (seed ${seed})`);
      const deleted = [...acked.deleted];
      if (deleted.length > 0) assert.ok((await m.client.mget(...deleted)).every((v) => v === null), `${m.id} resurrected a deleted key (seed ${seed})`);
    }
    assert.ok(acked.kept.size > 20, 'the workload ran');
  });
});
