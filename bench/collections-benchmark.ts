/**
 * Lists, sets, hashes and sorted sets under redis-benchmark: sidecar vs redis-server,
 * interleaved rounds (A, B, A, B) because these machines are noisy. The tests are the
 * collections issue's list plus ZPOPMIN: LPUSH/RPUSH grow one list that LPOP/RPOP then
 * drain; SADD adds random members (`-r`) to one set (~100k members) that SPOP pops from;
 * HSET writes random fields of one hash; ZADD grows one sorted set that ZPOPMIN pops
 * from; LRANGE_100 reads the first 100 elements of a list redis-benchmark fills first.
 * The sidecar applies each write as a CRDT op and logs it (everysec). Prints throughput,
 * the sidecar/redis ratio, p50/p99 and server CPU µs per request.
 *
 *   npm run build && node dist/bench/collections-benchmark.js [--rounds 2] [--requests 200000] [--pipeline 16]
 */
import { argValue, compareUnderRedisBenchmark } from './bench-support.js';

const pipelines = process.argv.includes('--pipeline') ? [argValue('pipeline', 16)] : [1, 16];

await compareUnderRedisBenchmark({
  label: 'appendfsync everysec', tests: 'lpush,lpop,rpush,rpop,sadd,spop,hset,zadd,zpopmin,lrange_100', pipelines,
  rounds: argValue('rounds', 2), requests: argValue('requests', 200000),
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'], sidecarArgs: ['--appendfsync', 'everysec'],
});
