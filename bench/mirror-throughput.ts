/**
 * Sidecar throughput with and without the local Redis mirror (issue 5: with the mirror
 * on it must stay at or above 0.8x). redis-benchmark SET and INCR with -P 16 against a
 * sidecar without --mirror and one with --mirror, interleaved (A, B, A, B) because these
 * machines are noisy; prints medians, the ratio of the medians and the median of the
 * per-round ratios (each round's two runs are back to back, so a load change between
 * rounds cancels out), sidecar CPU per request and the mirror redis-server's CPU per
 * request, then checks the mirror caught up. Exits 1 when a ratio is below 0.8.
 *
 *   npm run build && node dist/bench/mirror-throughput.js [--rounds 5] [--requests 200000]
 */
import { Redis } from 'ioredis';
import { argValue, cpuMicros, median, redisBenchmark, startRedis, startSidecar, stop, type Server } from './bench-support.js';

const rounds = argValue('rounds', 5);
/** Issue 5: throughput with the mirror on stays at or above this share of the figure without it. */
const REQUIRED_RATIO = 0.8;
const requests = argValue('requests', 200000);
const TESTS = ['set', 'incr'] as const;

interface Sample { rps: number; cpuPerRequest: number; mirrorCpuPerRequest: number }

function measure(server: Server, test: string, mirror: Server | undefined): Sample {
  const before = cpuMicros(server.child.pid);
  const mirrorBefore = cpuMicros(mirror?.child.pid);
  const [result] = redisBenchmark(server.port, ['-t', test, '-c', '50', '-P', '16', '-n', String(requests), '-r', '100000']);
  return {
    rps: result?.rps ?? 0,
    cpuPerRequest: (cpuMicros(server.child.pid) - before) / requests,
    mirrorCpuPerRequest: mirror === undefined ? 0 : (cpuMicros(mirror.child.pid) - mirrorBefore) / requests,
  };
}

async function mirrorKeys(mirror: Server): Promise<number> {
  const client = new Redis({ port: mirror.port, host: '127.0.0.1', lazyConnect: false });
  try {
    return await client.dbsize();
  } finally {
    client.disconnect();
  }
}

const mirror = await startRedis(['--appendonly', 'no']);
const plain = await startSidecar([]);
const mirrored = await startSidecar(['--mirror', `redis://127.0.0.1:${mirror.port}`]);
try {
  console.log(`redis-benchmark -c 50 -P 16 -n ${requests} -r 100000, ${rounds} interleaved rounds (medians), appendfsync everysec`);
  console.log('test   no mirror rps   mirror rps   ratio (medians / per round)   sidecar CPU µs/req (no mirror / mirror)   mirror redis CPU µs/req');
  let worst = Infinity;
  for (const test of TESTS) {
    const without: Sample[] = [];
    const withMirror: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      without.push(measure(plain, test, undefined));
      withMirror.push(measure(mirrored, test, mirror));
    }
    const m = (samples: Sample[], f: (s: Sample) => number): number => median(samples.map(f));
    const ratio = m(withMirror, (s) => s.rps) / m(without, (s) => s.rps);
    const paired = median(withMirror.map((s, i) => s.rps / (without[i]?.rps ?? Infinity)));
    worst = Math.min(worst, ratio, paired);
    console.log(`${test.padEnd(6)} ${m(without, (s) => s.rps).toFixed(0).padStart(13)} ${m(withMirror, (s) => s.rps).toFixed(0).padStart(12)}   ${ratio.toFixed(2)}x / ${paired.toFixed(2)}x${' '.repeat(15)}${m(without, (s) => s.cpuPerRequest).toFixed(2).padStart(18)} / ${m(withMirror, (s) => s.cpuPerRequest).toFixed(2)}   ${m(withMirror, (s) => s.mirrorCpuPerRequest).toFixed(2).padStart(24)}`);
  }
  console.log(`lowest ratio ${worst.toFixed(2)}x (required: ${REQUIRED_RATIO}x)`);
  if (worst < REQUIRED_RATIO) process.exitCode = 1;
  const sidecarClient = new Redis({ port: mirrored.port, host: '127.0.0.1', lazyConnect: false });
  const storeKeys = await sidecarClient.dbsize();
  const deadline = Date.now() + 60000;
  while ((await mirrorKeys(mirror)) !== storeKeys && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  console.log(`mirror caught up: ${await mirrorKeys(mirror)} keys in the mirror, ${storeKeys} in the store`);
  sidecarClient.disconnect();
} finally {
  await stop(plain);
  await stop(mirrored);
  await stop(mirror);
}
