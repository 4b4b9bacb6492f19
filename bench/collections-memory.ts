/**
 * Memory per element of the collection CRDTs against Redis (issue 3, item 4 target:
 * within 4× of Redis for sets and hashes). Builds a 1,000,000-member set, a
 * 1,000,000-field hash and a 1,000,000-member sorted set in-process, one op per
 * element (the worst case: every element gets its own dot), and measures the settled
 * V8 heap (+ array buffers) they add; loads the same data into a real redis-server
 * started here (ioredis pipelines) and reads `used_memory` from INFO memory before and
 * after. Prints bytes per element and the ratio ours / Redis. Not a test.
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/bench/collections-memory.js [elements]
 */
import { Redis } from 'ioredis';
import { applyHashEffect, createHash, hashLength } from '../sidecar/src/crdt/hash.js';
import { applySetEffect, createSet, setSize } from '../sidecar/src/crdt/or-set.js';
import { zsetSize } from '../sidecar/src/crdt/sorted-set-range.js';
import { applyZsetEffect, createZset } from '../sidecar/src/crdt/sorted-set.js';
import { NO_TOTALS } from '../sidecar/src/crdt/sorted-set-score.js';
import type { OpContext } from '../sidecar/src/crdt/stamp.js';
import { RedisServerProcess } from '../sidecar/test/support/redis-server.js';

const ELEMENTS = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const NO_DEPS = new Map<string, number>();

const member = (i: number): string => `member:${i}`;
const value = (i: number): string => `value:${i}`;
const score = (i: number): number => i * 0.5;

function settledHeap(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with node --expose-gc');
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A local op context: one per element, as when every element comes from its own command. */
function ctx(seq: number): OpContext {
  return { origin: 'replica-a', seq, hlc: 1_700_000_000_000_000 + seq, deps: NO_DEPS };
}

interface Case {
  readonly name: string;
  /** Builds the CRDT and returns it with its size (kept alive until measured). */
  build(): { state: unknown; size: number };
  /** The Redis commands for elements [from, to). */
  redis(from: number, to: number): (string | number)[];
}

const CASES: Case[] = [
  {
    name: 'set (SADD)',
    build() {
      const state = createSet();
      for (let i = 0; i < ELEMENTS; i++) applySetEffect(state, { type: 'set.add', members: [Buffer.from(member(i), 'latin1')] }, ctx(i + 1));
      return { state, size: setSize(state) };
    },
    redis: (from, to) => ['sadd', 'k', ...range(from, to).map(member)],
  },
  {
    name: 'hash (HSET)',
    build() {
      const state = createHash();
      for (let i = 0; i < ELEMENTS; i++) {
        applyHashEffect(state, { type: 'hash.set', fields: [[Buffer.from(member(i)), Buffer.from(value(i))]], observed: [] }, ctx(i + 1));
      }
      return { state, size: hashLength(state) };
    },
    redis: (from, to) => ['hset', 'k', ...range(from, to).flatMap((i) => [member(i), value(i)])],
  },
  {
    name: 'sorted set (ZADD)',
    build() {
      const state = createZset();
      for (let i = 0; i < ELEMENTS; i++) {
        applyZsetEffect(state, { type: 'zset.add', entries: [[Buffer.from(member(i)), score(i)]], observed: [NO_TOTALS] }, ctx(i + 1));
      }
      return { state, size: zsetSize(state) };
    },
    redis: (from, to) => ['zadd', 'k', ...range(from, to).flatMap((i) => [score(i), member(i)])],
  },
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

async function redisBytes(redis: Redis, c: Case): Promise<number> {
  await redis.flushall();
  const before = await usedMemory(redis);
  for (let from = 0; from < ELEMENTS; from += BATCH * 100) {
    const pipeline = redis.pipeline();
    for (let start = from; start < Math.min(ELEMENTS, from + BATCH * 100); start += BATCH) {
      const [command, ...args] = c.redis(start, Math.min(ELEMENTS, start + BATCH));
      pipeline.call(String(command), ...args);
    }
    await pipeline.exec();
  }
  const after = await usedMemory(redis);
  await redis.flushall();
  return (after - before) / ELEMENTS;
}

function ourBytes(c: Case): { bytes: number; ms: number } {
  const before = settledHeap();
  const started = performance.now();
  const built = c.build();
  const ms = performance.now() - started;
  const after = settledHeap();
  if (built.size !== ELEMENTS) throw new Error(`${c.name}: built ${built.size} elements, expected ${ELEMENTS}`);
  return { bytes: (after - before) / ELEMENTS, ms };
}

async function main(): Promise<void> {
  const server = await RedisServerProcess.start();
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    console.log(`Collections memory, ${ELEMENTS.toLocaleString('en-US')} elements, one op per element (redis-server ${(await redis.info('server')).match(/redis_version:(\S+)/)?.[1]})`);
    console.log('type                 ours B/elem  redis B/elem  ratio  (build ms ours)');
    for (const c of CASES) {
      const ours = ourBytes(c);
      const theirs = await redisBytes(redis, c);
      const row = [c.name.padEnd(20), ours.bytes.toFixed(1).padStart(11), theirs.toFixed(1).padStart(13), (ours.bytes / theirs).toFixed(2).padStart(6) + '×', `  ${Math.round(ours.ms)}`];
      console.log(row.join(' '));
    }
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

await main();
