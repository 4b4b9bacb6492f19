/**
 * Replication throughput and lag (issue 4, DESIGN.md §6), real processes over mutual TLS:
 *  1. baseline: one replica alone under `redis-benchmark -t set -P 16 -c 50`;
 *  2. the same load on r1 of a 3-replica cluster: r1's write rate (ratio to the baseline),
 *     the ops/s applied on r2 while it runs, and how long r2 needs to catch up after it;
 *  3. a steady 10,000 SETs/s on r1 for a while: apply lag on r2 (op creation HLC → applied), p50/p99.
 *
 *   npm run build && node dist/bench/replication-throughput.js [--requests 200000] [--lag-seconds 10] [--rate 10000] [--lag-only]
 */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, startSidecar, stop, type Server } from './bench-support.js';
import { TestPki } from '../sidecar/test/replication/cluster.js';

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const REQUESTS = argValue('requests', 200000);
const LAG_SECONDS = argValue('lag-seconds', 10);
const RATE = argValue('rate', 10000);
const SKIP_THROUGHPUT = process.argv.includes('--lag-only');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** redis-benchmark SET -P 16, asynchronously (the bench keeps polling meanwhile); resolves with requests/s. */
function benchmarkSet(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-p', String(port), '--csv', '-t', 'set', '-P', '16', '-c', '50', '-n', String(REQUESTS), '-r', '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', () => {
      const row = out.split('\n').find((line) => line.startsWith('"SET"'));
      resolve(Number(row?.split(',')[1]?.replace(/"/g, '') ?? 0));
    });
  });
}

async function infoField(client: Redis, field: string): Promise<number> {
  const text = await client.info('replication');
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return Number(match?.[1]?.trim() ?? 0);
}

async function startCluster(pki: TestPki): Promise<Server[]> {
  const ids = ['r1', 'r2', 'r3'];
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i]}`).join(',');
  const servers: Server[] = [];
  for (const [i, id] of ids.entries()) {
    servers.push(await startSidecar(['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags(id)]));
  }
  return servers;
}

async function waitAlive(clients: Redis[]): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const alive = await Promise.all(clients.map((c) => infoField(c, 'crdt_peers_alive')));
    if (alive.every((n) => n === clients.length - 1)) return;
    await sleep(50);
  }
  throw new Error('peers never all alive');
}

async function throughput(peer: Redis, port: number, baseRps: number): Promise<void> {
  const appliedBefore = await infoField(peer, 'crdt_ops_applied');
  const started = Date.now();
  const samples: { at: number; applied: number }[] = [];
  let done = false;
  const run = benchmarkSet(port).then((rps) => { done = true; return rps; });
  while (!done) {
    samples.push({ at: Date.now(), applied: await infoField(peer, 'crdt_ops_applied') });
    await sleep(200);
  }
  const writerRps = await run;
  const writeEnded = Date.now();
  const target = appliedBefore + REQUESTS;
  while ((await infoField(peer, 'crdt_ops_applied')) < target) await sleep(20);
  const caughtUp = Date.now();
  const first = samples[0];
  const last = samples[samples.length - 1];
  const appliedRate = first !== undefined && last !== undefined && last.at > first.at ? ((last.applied - first.applied) * 1000) / (last.at - first.at) : 0;
  console.log(`r1 SET rate with 2 live peers: ${writerRps.toFixed(0)} req/s (${(writerRps / baseRps).toFixed(2)}x the single replica)`);
  console.log(`applied on r2 while r1 is written: ${appliedRate.toFixed(0)} ops/s; all ${REQUESTS} applied on r2 ${caughtUp - writeEnded} ms after the writer finished (${((REQUESTS * 1000) / (caughtUp - started)).toFixed(0)} ops/s end to end)`);
}

/** A steady `rate` SETs/s on `writer` for `seconds`, in pipelines of 10 every millisecond tick. */
async function steadyLoad(writer: Redis, rate: number, seconds: number): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) * rate) / 1000);
    if (due > sent) {
      const pipeline = writer.pipeline();
      for (; sent < due; sent++) pipeline.set(`lag:${sent % 100000}`, String(sent));
      await pipeline.exec();
    } else await sleep(1);
  }
  return (sent * 1000) / (Date.now() - started);
}

async function main(): Promise<void> {
  const pki = new TestPki();
  if (!SKIP_THROUGHPUT) {
    const baseline = await startSidecar([]);
    const baseRps = await benchmarkSet(baseline.port);
    await stop(baseline);
    console.log(`baseline (single replica) SET -P 16 -c 50: ${baseRps.toFixed(0)} req/s`);
    await withCluster(pki, async (clients, servers) => {
      await throughput(clients[1]!, servers[0]!.port, baseRps);
    });
  }
  // A fresh cluster, so the lag samples are the steady phase's only.
  await withCluster(pki, async (clients) => {
    const achieved = await steadyLoad(clients[0]!, RATE, LAG_SECONDS);
    await sleep(500);
    const r2 = clients[1]!;
    console.log(`steady load (target ${RATE}/s) ${achieved.toFixed(0)} SETs/s for ${LAG_SECONDS}s: apply lag on r2 p50 ${await infoField(r2, 'crdt_apply_lag_p50_ms')} ms, p99 ${await infoField(r2, 'crdt_apply_lag_p99_ms')} ms`);
  });
}

async function withCluster(pki: TestPki, body: (clients: Redis[], servers: Server[]) => Promise<void>): Promise<void> {
  const servers = await startCluster(pki);
  const clients = servers.map((s) => new Redis({ port: s.port, host: '127.0.0.1' }));
  try {
    await waitAlive(clients);
    await body(clients, servers);
  } finally {
    for (const c of clients) c.disconnect();
    for (const s of servers) await stop(s);
  }
}

await main();
