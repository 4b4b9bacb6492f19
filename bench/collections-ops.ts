/**
 * Per-operation CPU of the collection CRDTs against Redis (issue 3, item 4: "at speeds
 * close to Redis"). For each command, the same N operations run (a) in-process on the
 * CRDT (effect built and applied, or the read done: no RESP, no op log) and (b) on a
 * real redis-server through ioredis pipelines, where Redis's own server-side cost is
 * read from INFO commandstats (`usec_per_call`). Both sides are data-structure CPU only;
 * ratio > 1 means the CRDT is faster. Not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/collections-ops.js [elements] [ops]
 */
import { Redis } from 'ioredis';
import { applyHashEffect, createHash, hashGet } from '../sidecar/src/crdt/hash.js';
import { applySetEffect, createSet, setHas } from '../sidecar/src/crdt/or-set.js';
import { zsetRangeByScore, zsetRank } from '../sidecar/src/crdt/sorted-set-range.js';
import { applyZsetEffect, createZset, zsetAddEffect, zsetIncrEffect, zsetRemoveEffect } from '../sidecar/src/crdt/sorted-set.js';
import type { OpContext } from '../sidecar/src/crdt/stamp.js';
import { RedisServerProcess } from '../sidecar/test/support/redis-server.js';

const ELEMENTS = Number(process.argv[2] ?? 1_000_000);
const OPS = Number(process.argv[3] ?? 100_000);
const NO_DEPS = new Map<string, number>();
let seq = 0;

const member = (i: number): string => `member:${i}`;
/** A deterministic pseudo-random element index (xorshift), the same for both sides. */
function indexes(count: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) % ELEMENTS;
  });
}

function ctx(): OpContext {
  seq += 1;
  return { origin: 'replica-a', seq, hlc: 1_700_000_000_000_000 + seq, deps: NO_DEPS };
}

interface Step {
  readonly command: string;
  readonly count: number;
  /** Runs the ops on the CRDT. */
  ours(): void;
  /** The Redis command for op k. */
  redis(k: number): (string | number)[];
}

function cpuMicros(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

function steps(): Step[] {
  const set = createSet();
  const hash = createHash();
  const zset = createZset();
  const picks = indexes(OPS, 88172645);
  const at = (k: number): number => picks[k] ?? 0;
  const all = (n: number, fn: (k: number) => void): void => { for (let k = 0; k < n; k++) fn(k); };
  return [
    { command: 'sadd', count: ELEMENTS, ours: () => all(ELEMENTS, (i) => applySetEffect(set, { type: 'set.add', members: [Buffer.from(member(i))] }, ctx())), redis: (i) => ['sadd', 's', member(i)] },
    { command: 'sismember', count: OPS, ours: () => all(OPS, (k) => setHas(set, Buffer.from(member(at(k))))), redis: (k) => ['sismember', 's', member(at(k))] },
    { command: 'hset', count: ELEMENTS, ours: () => all(ELEMENTS, (i) => applyHashEffect(hash, { type: 'hash.set', fields: [[Buffer.from(member(i)), Buffer.from(String(i))]], observed: [] }, ctx())), redis: (i) => ['hset', 'h', member(i), String(i)] },
    { command: 'hget', count: OPS, ours: () => all(OPS, (k) => hashGet(hash, Buffer.from(member(at(k))))), redis: (k) => ['hget', 'h', member(at(k))] },
    {
      command: 'hincrby', count: OPS,
      ours: () => all(OPS, (k) => applyHashEffect(hash, { type: 'hash.incr', field: Buffer.from(member(at(k))), delta: 3n }, ctx())),
      redis: (k) => ['hincrby', 'h', member(at(k)), 3],
    },
    { command: 'zadd', count: ELEMENTS, ours: () => all(ELEMENTS, (i) => applyZsetEffect(zset, zsetAddEffect(zset, [[Buffer.from(member(i)), (i * 7919) % 1_000_003]]), ctx())), redis: (i) => ['zadd', 'z', (i * 7919) % 1_000_003, member(i)] },
    { command: 'zrank', count: OPS, ours: () => all(OPS, (k) => zsetRank(zset, Buffer.from(member(at(k))), false)), redis: (k) => ['zrank', 'z', member(at(k))] },
    {
      command: 'zrangebyscore', count: OPS,
      ours: () => all(OPS, (k) => zsetRangeByScore(zset, { min: at(k), max: at(k) + 10, minExclusive: false, maxExclusive: false }, false)),
      redis: (k) => ['zrangebyscore', 'z', at(k), at(k) + 10],
    },
    {
      command: 'zincrby', count: OPS,
      ours: () => all(OPS, (k) => { const c = ctx(); applyZsetEffect(zset, zsetIncrEffect(zset, Buffer.from(member(at(k))), 2.5, c.origin), c); }),
      redis: (k) => ['zincrby', 'z', 2.5, member(at(k))],
    },
    { command: 'zrem', count: OPS, ours: () => all(OPS, (k) => applyZsetEffect(zset, zsetRemoveEffect(zset, [Buffer.from(member(at(k)))]), ctx())), redis: (k) => ['zrem', 'z', member(at(k))] },
  ];
}

async function redisMicrosPerCall(redis: Redis, step: Step): Promise<number> {
  await redis.config('RESETSTAT');
  for (let from = 0; from < step.count; from += 10_000) {
    const pipeline = redis.pipeline();
    for (let k = from; k < Math.min(step.count, from + 10_000); k++) {
      const [command, ...args] = step.redis(k);
      pipeline.call(String(command), ...args);
    }
    await pipeline.exec();
  }
  const info = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${step.command}:calls=\\d+,usec=\\d+,usec_per_call=([\\d.]+)`).exec(info)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const server = await RedisServerProcess.start();
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    console.log(`Collections CPU per op, ${ELEMENTS.toLocaleString('en-US')} elements, ${OPS.toLocaleString('en-US')} reads/updates`);
    console.log('command          ours µs/op  redis µs/call  ratio (redis/ours)');
    for (const step of steps()) {
      const ours = cpuMicros(() => step.ours()) / step.count;
      const theirs = await redisMicrosPerCall(redis, step);
      console.log(`${step.command.padEnd(16)} ${ours.toFixed(2).padStart(10)} ${theirs.toFixed(2).padStart(14)} ${(theirs / ours).toFixed(2).padStart(8)}×`);
    }
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

await main();
