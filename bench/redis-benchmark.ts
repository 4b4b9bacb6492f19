/**
 * Sidecar vs redis-server under redis-benchmark, interleaved (A, B, A, B) because these
 * machines are noisy. Prints throughput ratios, p50/p99 latency and server CPU µs per
 * request for -P 1 and -P 16, for appendfsync everysec and always.
 *
 *   npm run build && node dist/bench/redis-benchmark.js [--rounds 2] [--requests 200000]
 */
import { cpuMicros, median, redisBenchmark, startRedis, startSidecar, stop, type BenchResult, type Server } from './bench-support.js';

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const rounds = argValue('rounds', 2);
const requests = argValue('requests', 200000);
const TESTS = 'set,get,incr,mset';

interface Sample { results: BenchResult[]; cpuPerRequest: number }

function measure(server: Server, pipeline: number): Sample {
  const before = cpuMicros(server.child.pid);
  const results = redisBenchmark(server.port, ['-t', TESTS, '-c', '50', '-P', String(pipeline), '-n', String(requests), '-r', '100000']);
  const after = cpuMicros(server.child.pid);
  return { results, cpuPerRequest: (after - before) / (requests * results.length) };
}

async function compare(label: string, redisArgs: string[], sidecarArgs: string[]): Promise<void> {
  const redis = await startRedis(redisArgs);
  const sidecar = await startSidecar(sidecarArgs);
  try {
    for (const pipeline of [1, 16]) {
      const samples: Record<'redis' | 'sidecar', Sample[]> = { redis: [], sidecar: [] };
      for (let round = 0; round < rounds; round++) {
        samples.redis.push(measure(redis, pipeline));
        samples.sidecar.push(measure(sidecar, pipeline));
      }
      console.log(`\n${label}, -P ${pipeline}, -c 50, -n ${requests}, ${rounds} interleaved rounds (medians)`);
      console.log('test      redis rps   sidecar rps  ratio   redis p50/p99 ms   sidecar p50/p99 ms');
      const tests = samples.redis[0]?.results.map((r) => r.test) ?? [];
      for (const test of tests) {
        const pick = (s: Sample[], f: (r: BenchResult) => number): number => median(s.map((x) => f(x.results.find((r) => r.test === test) ?? { test, rps: 0, p50: 0, p99: 0 })));
        const rRps = pick(samples.redis, (r) => r.rps);
        const sRps = pick(samples.sidecar, (r) => r.rps);
        console.log(`${test.padEnd(9)} ${rRps.toFixed(0).padStart(10)} ${sRps.toFixed(0).padStart(12)}  ${(sRps / rRps).toFixed(2)}x   ${pick(samples.redis, (r) => r.p50).toFixed(3)}/${pick(samples.redis, (r) => r.p99).toFixed(3)}        ${pick(samples.sidecar, (r) => r.p50).toFixed(3)}/${pick(samples.sidecar, (r) => r.p99).toFixed(3)}`);
      }
      const cpu = (s: Sample[]): number => median(s.map((x) => x.cpuPerRequest));
      console.log(`server CPU per request: redis ${cpu(samples.redis).toFixed(2)} µs, sidecar ${cpu(samples.sidecar).toFixed(2)} µs`);
    }
  } finally {
    await stop(redis);
    await stop(sidecar);
  }
}

await compare('appendfsync everysec', ['--appendonly', 'yes', '--appendfsync', 'everysec'], ['--appendfsync', 'everysec']);
await compare('appendfsync always', ['--appendonly', 'yes', '--appendfsync', 'always'], ['--appendfsync', 'always']);
