import { assertConvergedState } from './checker.js';
import { eventually } from './cluster.js';
import { FaultCluster } from './fault-cluster.js';
import { Ledger } from './ledger.js';
import { checkerSeed, prng } from './random.js';
import { runWorkload, SHORT_TTL_MAX_MS } from './typed-workload.js';
import { Toxiproxy } from '../support/toxiproxy.js';
import assert from 'node:assert/strict';

interface Phase {
  readonly name: string;
  readonly inject: () => Promise<void>;
  readonly observed?: () => Promise<boolean>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 4 item 9: three real sidecar processes over mutual TLS, every replica-to-replica
 * connection through toxiproxy. A random workload over every type runs on all replicas
 * (two writers each) while the links are cut, slowed, throttled and reset; after healing,
 * the checker compares full dumps and asserts the ledger (see checker.ts).
 */
describe('replication under real network faults (sidecar processes, toxiproxy on every link)', function () {
  this.timeout(240000);
  let proxy: Toxiproxy | undefined;
  let cluster: FaultCluster | undefined;

  after(async () => {
    await cluster?.stop();
    await proxy?.stop();
  });

  it('converges over every type through partitions, latency with jitter, a bandwidth limit and connection resets', async () => {
    const seed = checkerSeed();
    proxy = await Toxiproxy.start();
    const faults = await FaultCluster.start(['r1', 'r2', 'r3'], proxy);
    cluster = faults;
    await faults.allAlive();
    const alivePeers = async (id: string): Promise<string[]> => (await faults.peers(id)).filter((p) => p.state === 'alive').map((p) => p.id);
    let reconnectsBefore = 0;
    const resetsSeen = async (): Promise<boolean> => (await faults.reconnects()) >= reconnectsBefore + 4;
    const phases: Phase[] = [
      { name: 'r1 cut off from both peers', inject: () => faults.partition(['r1'], ['r2', 'r3']), observed: async () => (await alivePeers('r1')).length === 0 },
      { name: 'only the r1-r2 link cut: their ops go through r3 (relay)', inject: () => faults.cut('r1', 'r2'), observed: async () => !(await alivePeers('r1')).includes('r2') },
      { name: '2|1 split {r1, r2} | {r3}', inject: () => faults.partition(['r1', 'r2'], ['r3']), observed: async () => (await alivePeers('r3')).length === 0 },
      { name: 'latency 60 ms ± 50 ms jitter on every link', inject: () => faults.degrade('latency', { type: 'latency', attributes: { latency: 60, jitter: 50 } }) },
      { name: 'bandwidth 16 KB/s on every link', inject: () => faults.degrade('bandwidth', { type: 'bandwidth', attributes: { rate: 16 } }) },
      { name: 'every connection reset after 4 KB (mid-stream)', inject: () => faults.degrade('limit', { type: 'limit_data', attributes: { bytes: 4096 } }), observed: resetsSeen },
      { name: 'every connection reset (TCP RST) 300 ms after it opens', inject: () => faults.degrade('reset', { type: 'reset_peer', attributes: { timeout: 300 } }), observed: resetsSeen },
    ];
    const ledger = new Ledger();
    let running = true;
    const writers = faults.members.flatMap((m, i) => [0, 1].map((w) => runWorkload(m, `${m.id}.${w}`, prng(seed * 10 + i * 2 + w), ledger, () => running)));
    const context = `seed ${seed}`;
    try {
      await sleep(1000);
      for (const phase of phases) {
        reconnectsBefore = await faults.reconnects();
        await phase.inject();
        // The fault must be visible to the replicas, or the phase tested nothing.
        if (phase.observed !== undefined) await eventually(`${phase.name}: the replicas see the fault`, phase.observed, 30000);
        await sleep(2500);
        await faults.heal();
        await sleep(500);
      }
      running = false;
      await Promise.all(writers);
      await sleep(SHORT_TTL_MAX_MS);
      await faults.allAlive();
      await assertConvergedState(faults.members, ledger, context, 90000);
    } catch (error) {
      console.log(`faults-network failed (${context}); phases: ${phases.map((p) => p.name).join('; ')}`);
      console.log(await faults.diagnostics());
      throw error;
    } finally {
      running = false;
      await Promise.all(writers);
    }
    assert.ok(ledger.acknowledged > 300, `the workload ran (${ledger.acknowledged} acknowledged operations)`);
  });
});
