import assert from 'node:assert/strict';
import { assertConvergedState } from './checker.js';
import { eventually } from './cluster.js';
import { FaultCluster } from './fault-cluster.js';
import { Ledger } from './ledger.js';
import { checkerSeed, prng } from './random.js';
import { runWorkload, SHORT_TTL_MAX_MS } from './typed-workload.js';
import { Toxiproxy } from '../support/toxiproxy.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 4 item 9: `kill -9` and restart of replicas while the others keep writing, alone
 * and combined with network faults (toxiproxy on every link), with the random workload over
 * every type on all replicas (`--appendfsync always`: an acknowledged write is on disk). Writes
 * to a killed replica fail and count as uncertain; everything acknowledged must survive.
 */
describe('replication: kill -9 and restart under network faults (sidecar processes, toxiproxy on every link)', function () {
  this.timeout(240000);
  let proxy: Toxiproxy | undefined;
  let cluster: FaultCluster | undefined;

  after(async () => {
    await cluster?.stop();
    await proxy?.stop();
  });

  it('loses no acknowledged write of any type and converges after crashes during writes, latency and a partition', async () => {
    const seed = checkerSeed();
    proxy = await Toxiproxy.start();
    const faults = await FaultCluster.start(['r1', 'r2', 'r3'], proxy);
    cluster = faults;
    await faults.allAlive();
    const ledger = new Ledger();
    let running = true;
    const writers = faults.members.flatMap((m, i) => [0, 1].map((w) => runWorkload(m, `${m.id}.${w}`, prng(seed * 10 + i * 2 + w), ledger, () => running)));
    const context = `seed ${seed}`;
    const steps: string[] = [];
    const step = async (name: string, action: () => Promise<void>): Promise<void> => {
      steps.push(name);
      await action();
    };
    try {
      await sleep(1500);
      await step('kill -9 r2 while r1 and r3 write', () => faults.crash('r2'));
      await sleep(1500);
      await step('restart r2', () => faults.restart('r2'));
      await faults.allAlive();
      await sleep(1000);
      await step('latency 40 ms ± 30 ms on every link, kill -9 r3', async () => {
        await faults.degrade('latency', { type: 'latency', attributes: { latency: 40, jitter: 30 } });
        await sleep(1000);
        await faults.crash('r3');
      });
      await sleep(1000);
      await step('restart r3 under latency', () => faults.restart('r3'));
      await sleep(1500);
      await step('heal; r1 cut off from both peers', async () => {
        await faults.heal();
        await faults.partition(['r1'], ['r2', 'r3']);
        await eventually('r1 sees the partition', async () => (await faults.peers('r1')).every((p) => p.state !== 'alive'), 30000);
      });
      await sleep(1000);
      await step('kill -9 r1 inside the partition, restart it, it writes alone', async () => {
        await faults.crash('r1');
        await sleep(500);
        await faults.restart('r1');
      });
      await sleep(1500);
      await step('heal', () => faults.heal());
      await sleep(1000);
      running = false;
      await Promise.all(writers);
      await sleep(SHORT_TTL_MAX_MS);
      await faults.allAlive();
      await assertConvergedState(faults.members, ledger, context, 90000);
    } catch (error) {
      console.log(`faults-crash failed (${context}) after: ${steps.join('; ')}`);
      console.log(await faults.diagnostics());
      throw error;
    } finally {
      running = false;
      await Promise.all(writers);
    }
    for (const m of faults.members) assert.match(m.proc.output, /Unclean shutdown/, `${m.id} was killed and came back as a new incarnation`);
    assert.ok(ledger.acknowledged > 300, `the workload ran (${ledger.acknowledged} acknowledged operations)`);
  });
});
