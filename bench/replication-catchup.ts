/**
 * Catch-up after a partition (issue 4 item 11), real processes over mutual TLS on loopback:
 * 3 replicas, r3 cut off (CRDT.PAUSE on r3: no traffic with either peer) for
 * `--partition-seconds` (default 60) while r1 and r3 each take a steady `--rate` writes/s
 * (default 2000; SET and INCRBY), then healed: the time until every replica has the same
 * CRDT.DIGEST, and the ops exchanged per second of catch-up. Baseline in the same run: the
 * time the same cluster needs to converge after the same writes without a partition.
 *
 *   npm run build && node dist/bench/replication-catchup.js [--partition-seconds 60] [--rate 2000]
 */
import { argValue } from './bench-support.js';
import { startBenchCluster, steadyWrites, waitConverged } from './replication-cluster.js';

const SECONDS = argValue('partition-seconds', 60);
const RATE = argValue('rate', 2000);

/** Writes on r1 and r3 for SECONDS (r3 partitioned when `partitioned`), then the ms until convergence. */
async function run(partitioned: boolean): Promise<{ written: number; convergeMs: number }> {
  const cluster = await startBenchCluster(3);
  const [r1, , r3] = cluster.clients as [typeof cluster.clients[0], unknown, typeof cluster.clients[0]];
  try {
    if (partitioned) await r3.call('crdt.pause');
    const written = (await Promise.all([steadyWrites(r1, 'left', RATE, SECONDS), steadyWrites(r3, 'right', RATE, SECONDS)])).reduce((a, b) => a + b, 0);
    const healed = Date.now();
    if (partitioned) await r3.call('crdt.resume');
    const convergeMs = (await waitConverged(cluster.clients)) - healed;
    return { written, convergeMs };
  } finally {
    await cluster.stop();
  }
}

const baseline = await run(false);
console.log(`no partition: ${baseline.written} writes on r1 and r3 over ${SECONDS}s at ${RATE}/s each; converged ${baseline.convergeMs} ms after the last write`);
const partition = await run(true);
const perReplica = partition.written / 2;
console.log(`${SECONDS}s partition of r3: ${partition.written} writes (${perReplica} per side); converged ${partition.convergeMs} ms after healing`);
console.log(`catch-up: ${((partition.written * 1000) / Math.max(1, partition.convergeMs)).toFixed(0)} ops/s exchanged; ${(partition.convergeMs / Math.max(1, SECONDS * 1000)).toFixed(3)} s of catch-up per s of partition; ${(partition.convergeMs / Math.max(1, baseline.convergeMs)).toFixed(1)}x the unpartitioned convergence time`);
