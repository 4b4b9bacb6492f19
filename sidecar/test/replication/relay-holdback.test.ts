import assert from 'node:assert/strict';
import { eventually } from './cluster.js';
import { FaultCluster, infoNumber, type ProcessMember } from './fault-cluster.js';
import { Toxiproxy } from '../support/toxiproxy.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function opsSent(member: ProcessMember): Promise<number> {
  return infoNumber(await member.client.info('replication'), 'crdt_ops_sent');
}

/** Writes `count` keys on `member`, spread over about `ms`, as a steady writer would. */
async function writeSpread(member: ProcessMember, prefix: string, count: number, ms: number): Promise<void> {
  const bursts = 10;
  for (let burst = 0; burst < bursts; burst++) {
    const pipeline = member.client.pipeline();
    for (let i = burst; i < count; i += bursts) pipeline.set(`${prefix}:${i}`, String(i));
    await pipeline.exec();
    await sleep(ms / bursts);
  }
}

async function keysWithPrefix(member: ProcessMember, prefix: string): Promise<number> {
  return (await member.client.keys(`${prefix}:*`)).length;
}

/**
 * Relays in a full mesh (Feed.step): a replica relays an origin's ops to a peer only when
 * that peer has no live stream from the origin. Three real sidecar processes over mutual
 * TLS, every link through toxiproxy; r2 writes nothing, so every op it sends is a relay.
 */
describe('replication: relays are held back while the receiver streams from the origin itself', function () {
  this.timeout(120000);
  let proxy: Toxiproxy | undefined;
  let cluster: FaultCluster | undefined;

  after(async () => {
    await cluster?.stop();
    await proxy?.stop();
  });

  it('a slow direct stream (400 ms) gets no copies through the third replica; a silent one gets them through it', async () => {
    proxy = await Toxiproxy.start();
    const faults = await FaultCluster.start(['r1', 'r2', 'r3'], proxy);
    cluster = faults;
    await faults.allAlive();
    const [r1, r2, r3] = ['r1', 'r2', 'r3'].map((id) => faults.member(id));

    // r1's ops reach r3 400 ms late: r3 acknowledges them to r2 long after r2's 100 ms relay delay.
    await faults.degradeFeed('r3', 'r1', 'slow-r1-to-r3', { type: 'latency', attributes: { latency: 400, jitter: 0 } });
    await sleep(2500); // r3's next acks report its (still live) stream from r1
    const before = await opsSent(r2!);
    await writeSpread(r1!, 'slow', 500, 2500);
    await eventually('r3 has every write of r1', async () => (await keysWithPrefix(r3!, 'slow')) === 500, 30000);
    await eventually('r2 has every write of r1', async () => (await keysWithPrefix(r2!, 'slow')) === 500, 30000);
    const relayedWhileSlow = (await opsSent(r2!)) - before;
    assert.ok(relayedWhileSlow < 25, `r2 relayed ${relayedWhileSlow} of r1's 500 ops to r3, which was streaming them from r1 (expected next to none)`);

    // Now r1's stream to r3 goes silent but stays open (a black hole): r3 stops reporting it
    // as live (relay-hold.test.ts), then gRPC keepalive drops it; either way r2 relays.
    await faults.heal();
    await faults.degradeFeed('r3', 'r1', 'silent-r1-to-r3', { type: 'timeout', attributes: { timeout: 0 } });
    const beforeSilent = await opsSent(r2!);
    await writeSpread(r1!, 'silent', 50, 500);
    await eventually('r3 gets r1\'s writes through r2', async () => (await keysWithPrefix(r3!, 'silent')) === 50, 30000);
    const relayedWhileSilent = (await opsSent(r2!)) - beforeSilent;
    assert.ok(relayedWhileSilent >= 50, `r2 relayed ${relayedWhileSilent} ops while r3 heard nothing from r1 (expected at least r1's 50)`);
  });

  it('a direct stream too narrow for the origin\'s writes (20 KB/s for 800 KB) does not hold the receiver back: the ops come through the third replica', async () => {
    await cluster?.stop();
    await proxy?.stop();
    proxy = await Toxiproxy.start();
    const faults = await FaultCluster.start(['r1', 'r2', 'r3'], proxy);
    cluster = faults;
    await faults.allAlive();
    const [r1, r2, r3] = ['r1', 'r2', 'r3'].map((id) => faults.member(id));
    // 20 KB/s from r1 to r3 while r1 writes 800 KB: r3's own stream from r1 needs 40 s for
    // them. r2 relays once an op waited RELAY_HOLD_MS, or once r3's stream from r1 goes
    // silent for 2.5 s (a big batch in flight), whichever comes first.
    await faults.degradeFeed('r3', 'r1', 'narrow-r1-to-r3', { type: 'bandwidth', attributes: { rate: 20 } });
    await sleep(2500);
    const before = await opsSent(r2!);
    for (let burst = 0; burst < 40; burst++) {
      const pipeline = r1!.client.pipeline();
      for (let i = 0; i < 20; i++) pipeline.set(`narrow:${burst}:${i}`, 'x'.repeat(1000));
      await pipeline.exec();
      await sleep(100);
    }
    const written = Date.now();
    // Well under the 40 s the narrow link needs: only relays through r2 get them there in time.
    await eventually('r3 has every write of r1 through r2', async () => (await keysWithPrefix(r3!, 'narrow')) === 800, 25000);
    const relayed = (await opsSent(r2!)) - before;
    assert.ok(relayed >= 100, `r2 relayed ${relayed} of r1's 800 ops to r3 (${Date.now() - written} ms after the writes)`);
  });
});
