import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers shared by the benchmark scripts: servers as child processes, CPU accounting. */
export const SIDECAR_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'sidecar', 'src', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

export interface Server {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

export async function startRedis(args: readonly string[] = []): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'redis', port, child };
}

export async function startSidecar(args: readonly string[] = []): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-sidecar-'));
  const child = spawn(process.execPath, [SIDECAR_MAIN, '--port', String(port), '--admin-port', '-1', '--data-dir', dir, '--replica-id', 'bench', '--log-level', 'warn', '--snapshot-interval', '0', ...args], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'sidecar', port, child };
}

export async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

/** User+system CPU time of a process in microseconds (from /proc). */
export function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1e6;
}

export interface BenchResult {
  readonly test: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

/** Runs redis-benchmark in CSV mode and parses its rows. */
export function redisBenchmark(port: number, args: readonly string[]): BenchResult[] {
  const run = spawnSync('redis-benchmark', ['-p', String(port), '--csv', ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`redis-benchmark failed: ${run.stderr}`);
  const rows: BenchResult[] = [];
  for (const line of run.stdout.split('\n')) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    if (cells.length < 7 || cells[0] === 'test') continue;
    rows.push({ test: cells[0] ?? '', rps: Number(cells[1]), p50: Number(cells[4]), p99: Number(cells[6]) });
  }
  return rows;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `--name value` from the command line, or `fallback`. */
export function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

interface Sample { results: BenchResult[]; cpuPerRequest: number }

export interface Comparison {
  /** Printed above each table, e.g. the fsync policy. */
  readonly label: string;
  /** redis-benchmark `-t` list. */
  readonly tests: string;
  readonly pipelines: readonly number[];
  readonly rounds: number;
  readonly requests: number;
  readonly redisArgs: readonly string[];
  readonly sidecarArgs: readonly string[];
}

function measure(server: Server, comparison: Comparison, pipeline: number): Sample {
  const before = cpuMicros(server.child.pid);
  const results = redisBenchmark(server.port, ['-t', comparison.tests, '-c', '50', '-P', String(pipeline), '-n', String(comparison.requests), '-r', '100000']);
  const after = cpuMicros(server.child.pid);
  return { results, cpuPerRequest: (after - before) / (comparison.requests * Math.max(1, results.length)) };
}

function report(comparison: Comparison, pipeline: number, samples: Record<'redis' | 'sidecar', Sample[]>): void {
  console.log(`\n${comparison.label}, -P ${pipeline}, -c 50, -n ${comparison.requests}, ${comparison.rounds} interleaved rounds (medians)`);
  console.log('test      redis rps   sidecar rps  ratio   redis p50/p99 ms   sidecar p50/p99 ms');
  for (const test of samples.redis[0]?.results.map((r) => r.test) ?? []) {
    const pick = (s: Sample[], f: (r: BenchResult) => number): number => median(s.map((x) => f(x.results.find((r) => r.test === test) ?? { test, rps: 0, p50: 0, p99: 0 })));
    const rRps = pick(samples.redis, (r) => r.rps);
    const sRps = pick(samples.sidecar, (r) => r.rps);
    console.log(`${test.padEnd(9)} ${rRps.toFixed(0).padStart(10)} ${sRps.toFixed(0).padStart(12)}  ${(sRps / rRps).toFixed(2)}x   ${pick(samples.redis, (r) => r.p50).toFixed(3)}/${pick(samples.redis, (r) => r.p99).toFixed(3)}        ${pick(samples.sidecar, (r) => r.p50).toFixed(3)}/${pick(samples.sidecar, (r) => r.p99).toFixed(3)}`);
  }
  const cpu = (s: Sample[]): number => median(s.map((x) => x.cpuPerRequest));
  console.log(`server CPU per request: redis ${cpu(samples.redis).toFixed(2)} µs, sidecar ${cpu(samples.sidecar).toFixed(2)} µs`);
}

/**
 * Sidecar vs redis-server under redis-benchmark, interleaved (A, B, A, B) because these
 * machines are noisy: throughput ratio, p50/p99 and server CPU µs per request, per pipeline depth.
 */
export async function compareUnderRedisBenchmark(comparison: Comparison): Promise<void> {
  const redis = await startRedis(comparison.redisArgs);
  const sidecar = await startSidecar(comparison.sidecarArgs);
  try {
    for (const pipeline of comparison.pipelines) {
      const samples: Record<'redis' | 'sidecar', Sample[]> = { redis: [], sidecar: [] };
      for (let round = 0; round < comparison.rounds; round++) {
        samples.redis.push(measure(redis, comparison, pipeline));
        samples.sidecar.push(measure(sidecar, comparison, pipeline));
      }
      report(comparison, pipeline, samples);
    }
  } finally {
    await stop(redis);
    await stop(sidecar);
  }
}
