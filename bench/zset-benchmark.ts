/**
 * Sorted sets under redis-benchmark: sidecar vs redis-server, interleaved rounds (A, B,
 * A, B) because these machines are noisy. `-t zadd,zpopmin`: ZADD adds random members
 * (`-r`) to one sorted set, which grows to ~100k members; ZPOPMIN then pops from it.
 * Prints throughput, the sidecar/redis ratio and server CPU µs per request.
 *
 *   npm run build && node dist/bench/zset-benchmark.js [--rounds 2] [--requests 200000] [--pipeline 16]
 */
import { argValue, compareUnderRedisBenchmark } from './bench-support.js';

const pipelines = process.argv.includes('--pipeline') ? [argValue('pipeline', 16)] : [1, 16];

await compareUnderRedisBenchmark({
  label: 'appendfsync everysec', tests: 'zadd,zpopmin', pipelines, rounds: argValue('rounds', 2), requests: argValue('requests', 200000),
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'], sidecarArgs: ['--appendfsync', 'everysec'],
});
