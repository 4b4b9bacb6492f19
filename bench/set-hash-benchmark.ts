/**
 * Sets and hashes under redis-benchmark: sidecar vs redis-server, interleaved rounds (A, B,
 * A, B) because these machines are noisy. `-t sadd,spop,hset`: SADD adds random members
 * (`-r`) to one set (~100k members), SPOP then pops from it, HSET writes random fields
 * of one hash. The sidecar applies each command as a CRDT op and logs it (everysec).
 * Prints throughput, the sidecar/redis ratio and server CPU µs per request.
 *
 *   npm run build && node dist/bench/set-hash-benchmark.js [--rounds 2] [--requests 200000] [--pipeline 16]
 */
import { cpuMicros, median, redisBenchmark, startRedis, startSidecar, stop, type BenchResult, type Server } from './bench-support.js';

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const rounds = argValue('rounds', 2);
const requests = argValue('requests', 200000);
const pipelines = process.argv.includes('--pipeline') ? [argValue('pipeline', 16)] : [1, 16];

interface Sample { results: BenchResult[]; cpuPerRequest: number }

function measure(server: Server, pipeline: number): Sample {
  const before = cpuMicros(server.child.pid);
  const results = redisBenchmark(server.port, ['-t', 'sadd,spop,hset', '-c', '50', '-P', String(pipeline), '-n', String(requests), '-r', '100000']);
  const after = cpuMicros(server.child.pid);
  return { results, cpuPerRequest: (after - before) / (requests * Math.max(1, results.length)) };
}

function report(pipeline: number, samples: Record<'redis' | 'sidecar', Sample[]>): void {
  console.log(`\n-P ${pipeline}, -c 50, -n ${requests}, ${rounds} interleaved rounds (medians), appendfsync everysec`);
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

const redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'everysec']);
const sidecar = await startSidecar(['--appendfsync', 'everysec']);
try {
  for (const pipeline of pipelines) {
    const samples: Record<'redis' | 'sidecar', Sample[]> = { redis: [], sidecar: [] };
    for (let round = 0; round < rounds; round++) {
      samples.redis.push(measure(redis, pipeline));
      samples.sidecar.push(measure(sidecar, pipeline));
    }
    report(pipeline, samples);
  }
} finally {
  await stop(redis);
  await stop(sidecar);
}
