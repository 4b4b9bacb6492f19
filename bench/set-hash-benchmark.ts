/**
 * Sets and hashes under redis-benchmark: sidecar vs redis-server, interleaved rounds (A, B,
 * A, B) because these machines are noisy. `-t sadd,spop,hset`: SADD adds random members
 * (`-r`) to one set (~100k members), SPOP then pops from it, HSET writes random fields
 * of one hash. The sidecar applies each command as a CRDT op and logs it (everysec).
 * Prints throughput, the sidecar/redis ratio and server CPU µs per request.
 *
 *   npm run build && node dist/bench/set-hash-benchmark.js [--rounds 2] [--requests 200000] [--pipeline 16]
 */
import { argValue, compareUnderRedisBenchmark } from './bench-support.js';

const pipelines = process.argv.includes('--pipeline') ? [argValue('pipeline', 16)] : [1, 16];

await compareUnderRedisBenchmark({
  label: 'appendfsync everysec', tests: 'sadd,spop,hset', pipelines, rounds: argValue('rounds', 2), requests: argValue('requests', 200000),
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'], sidecarArgs: ['--appendfsync', 'everysec'],
});
