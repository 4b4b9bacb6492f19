import assert from 'node:assert/strict';
import { assertConvergedState } from './checker.js';
import { allAlive, startCluster, stopCluster, TestPki, type Member } from './cluster.js';
import { Ledger } from './ledger.js';
import { checkerSeed, prng, type Random } from './random.js';
import { runWorkload, SHORT_TTL_MAX_MS } from './typed-workload.js';

/** Random partitions: every 200-400 ms a random replica pauses or resumes a random peer (or all). */
async function chaos(members: readonly Member[], random: Random, running: () => boolean): Promise<void> {
  while (running()) {
    const member = random.pick(members);
    const others = members.filter((m) => m !== member);
    const target = random.next() < 0.3 ? [] : [random.pick(others).id];
    await member.client.call(random.next() < 0.5 ? 'crdt.pause' : 'crdt.resume', ...target);
    await new Promise((resolve) => setTimeout(resolve, 200 + random.next() * 200));
  }
}

/**
 * The convergence checker in process (fast, many seeds over time): the random workload over
 * every type of typed-workload.ts on 3 replicas under random CRDT.PAUSE partitions. The same
 * checker runs between real processes under real network faults and kill -9 in faults-*.test.ts.
 */
describe('replication: convergence checker (random workload under random partitions)', function () {
  this.timeout(180000);
  let members: Member[] = [];
  after(async () => { await stopCluster(members); });

  it('converges to one state (full dump) with every acknowledged increment counted once, adds kept, deletes not resurrected', async () => {
    const seed = checkerSeed();
    members = await startCluster({ size: 3 }, new TestPki());
    await allAlive(members);
    const ledger = new Ledger();
    const until = Date.now() + 6000;
    const running = (): boolean => Date.now() < until;
    await Promise.all([
      ...members.map((m, i) => runWorkload(m, m.id, prng(seed * 10 + i), ledger, running)),
      chaos(members, prng(seed * 10 + 9), running),
    ]);
    for (const m of members) await m.client.call('crdt.resume');
    await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MAX_MS));
    await allAlive(members);
    await assertConvergedState(members, ledger, `seed ${seed}`);
    assert.ok(ledger.acknowledged > 100, `the workload ran (${ledger.acknowledged} acknowledged operations)`);
  });
});
