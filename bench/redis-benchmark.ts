/**
 * Sidecar vs redis-server under redis-benchmark, interleaved (A, B, A, B) because these
 * machines are noisy. Prints throughput ratios, p50/p99 latency and server CPU µs per
 * request for -P 1 and -P 16, for appendfsync everysec and always.
 *
 *   npm run build && node dist/bench/redis-benchmark.js [--rounds 2] [--requests 200000]
 */
import { argValue, compareUnderRedisBenchmark } from './bench-support.js';

const common = { tests: 'set,get,incr,mset', pipelines: [1, 16], rounds: argValue('rounds', 2), requests: argValue('requests', 200000) };

await compareUnderRedisBenchmark({
  ...common, label: 'appendfsync everysec',
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'], sidecarArgs: ['--appendfsync', 'everysec'],
});
await compareUnderRedisBenchmark({
  ...common, label: 'appendfsync always',
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'], sidecarArgs: ['--appendfsync', 'always'],
});
