/**
 * List index benchmark (issue 3, item 4 (b)): build a 1,000,000-element list with
 * RPUSH, then 100,000 random LINDEX/LSET/LINSERT, on the RGA and on a real
 * redis-server started here, with ops/s, memory per element and ratios. Not a test.
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/bench/list-index.js [elements] [ops]
 *
 * Two comparisons, because they answer different questions:
 * - end to end: Redis through ioredis pipelines (1,000 commands a batch) against the RGA
 *   called in-process (effect created and applied, no RESP, no op log): what the data
 *   structure costs next to what a client sees from Redis;
 * - server CPU: Redis's own `usec_per_call` (INFO commandstats) against our CPU per op:
 *   the data structures alone, Redis's listpack-based quicklist against our tree.
 * LINSERT is a by-value scan for the pivot in Redis (O(position)) and in our handler, so
 * its pivots are drawn among the first PIVOT_WINDOW elements; a small extra run draws
 * them over the whole list. Ratio > 1 means the RGA is faster (target ≥ 0.1, "within 10×").
 */
import { Redis } from 'ioredis';
import { listAt, listLength, listRange, type ListState } from '../sidecar/src/crdt/rga.js';
import { RedisServerProcess } from '../sidecar/test/support/redis-server.js';
import {
  buildRedis, buildRga, contexts, indexOps, insertAtIndex, linsertBefore, prng, runRedisOps, runRgaIndexOps, runRgaOps, type ListOp,
} from './list-index-ops.js';

const ELEMENTS = Number(process.argv[2] ?? 1_000_000);
const OPS = Number(process.argv[3] ?? 100_000);
const PIVOT_WINDOW = 10_000;
const KEY = 'l';

function settledHeap(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with node --expose-gc');
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Wall ms and CPU ms (this process, all threads) of `run`. */
async function timed<T>(run: () => T | Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await run();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Redis's server-side µs per call for each command, since the last CONFIG RESETSTAT. */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const match of info.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)) {
    stats.set(match[1] ?? '', { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

const rate = (ops: number, ms: number): number => ops / (ms / 1000);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function compareContent(state: ListState, redis: Redis): Promise<void> {
  const length = await redis.llen(KEY);
  if (length !== listLength(state)) throw new Error(`Length differs: redis ${length}, rga ${listLength(state)}`);
  for (let start = 0; start < length; start += 100_000) {
    const theirs = await redis.lrange(KEY, start, start + 99_999);
    const ours = listRange(state, start, start + 99_999).map(String);
    if (theirs.join('\n') !== ours.join('\n')) throw new Error(`Content differs in [${start}, ${start + 99_999}]`);
  }
}

async function main(): Promise<void> {
  const server = await RedisServerProcess.start();
  const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: false });
  try {
    console.log(`list-index: ${fmt(ELEMENTS)} elements, ${fmt(OPS)} random LINDEX/LSET/LINSERT (pivots in the first ${fmt(PIVOT_WINDOW)})`);
    const next = contexts('replica-a');
    const heapBefore = settledHeap();
    const build = await timed(() => buildRga(ELEMENTS, next));
    const state = build.result;
    const perElement = (settledHeap() - heapBefore) / ELEMENTS;
    const redisBefore = await usedMemory(redis);
    const redisBuild = await timed(() => buildRedis(redis, KEY, ELEMENTS));
    const redisPerElement = ((await usedMemory(redis)) - redisBefore) / ELEMENTS;
    console.log(`build  RGA ${fmt(rate(ELEMENTS, build.wallMs))} RPUSH/s (${build.cpuMs.toFixed(0)} ms CPU) | redis ${fmt(rate(ELEMENTS, redisBuild.wallMs))} RPUSH/s | ratio ${(redisBuild.wallMs / build.wallMs).toFixed(2)}`);
    console.log(`memory RGA ${perElement.toFixed(1)} B/element (heap + buffers) | redis ${redisPerElement.toFixed(1)} B/element (used_memory) | ${(perElement / redisPerElement).toFixed(1)}× redis`);

    await redis.config('RESETSTAT');
    const ours = await timed(() => runRgaOps(state, OPS, PIVOT_WINDOW, 42, next));
    const theirs = await timed(() => runRedisOps(redis, KEY, ours.result));
    const stats = await commandStats(redis);
    const serverUsec = ['lindex', 'lset', 'linsert'].reduce((sum, name) => sum + (stats.get(name)?.usec ?? 0), 0);
    console.log(`mixed  RGA ${fmt(rate(OPS, ours.wallMs))} ops/s (${(ours.cpuMs * 1000 / OPS).toFixed(2)} µs CPU/op) | redis ${fmt(rate(OPS, theirs.wallMs))} ops/s end to end, ${(serverUsec / OPS).toFixed(2)} µs server CPU/op`);
    console.log(`       ratio end to end ${(theirs.wallMs / ours.wallMs).toFixed(2)}, ratio server CPU ${(serverUsec / 1000 / ours.cpuMs).toFixed(2)}`);
    for (const kind of ['lindex', 'lset', 'linsert'] as const) {
      const stat = stats.get(kind);
      console.log(`       redis ${kind}: ${stat?.calls ?? 0} calls, ${((stat?.usec ?? 0) / Math.max(1, stat?.calls ?? 0)).toFixed(2)} µs/call (server)`);
    }
    await compareContent(state, redis);
    console.log('content RGA = redis after the mixed run');
    for (const kind of ['lindex', 'lset'] as const) await indexOnly(state, redis, kind, next);
    await extras(state, redis, next);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

/** One index command alone: RGA CPU per op against Redis's server time per call, and end to end. */
async function indexOnly(state: ListState, redis: Redis, kind: 'lindex' | 'lset', next: ReturnType<typeof contexts>): Promise<void> {
  const ops = indexOps(kind, OPS, listLength(state), kind === 'lindex' ? 11 : 12);
  const ours = await timed(() => runRgaIndexOps(state, ops, next));
  await redis.config('RESETSTAT');
  const theirs = await timed(() => runRedisOps(redis, KEY, ops));
  const serverUs = (stats(await commandStats(redis), kind)) / OPS;
  const oursUs = ours.cpuMs * 1000 / OPS;
  console.log(`${kind.toUpperCase()} only: RGA ${fmt(rate(OPS, ours.wallMs))} ops/s, ${oursUs.toFixed(2)} µs CPU/op | redis ${fmt(rate(OPS, theirs.wallMs))} ops/s end to end, ${serverUs.toFixed(2)} µs/call server | ratio end to end ${(theirs.wallMs / ours.wallMs).toFixed(2)}, server CPU ${(serverUs / oursUs).toFixed(2)}`);
}

function stats(all: Map<string, { calls: number; usec: number }>, kind: string): number {
  return all.get(kind)?.usec ?? 0;
}

/** LINSERT over the whole list, LRANGE of a small window, and insert-at-index (RGA only). */
async function extras(state: ListState, redis: Redis, next: ReturnType<typeof contexts>): Promise<void> {
  const random = prng(7);
  const far = 200;
  const ops: ListOp[] = [];
  const farOurs = await timed(() => {
    for (let i = 0; i < far; i++) {
      const pivot = String(listAt(state, Math.floor(random() * listLength(state))));
      ops.push({ kind: 'linsert', pivot, value: `far${i}` });
    }
    return runRgaOpsFromList(state, ops, next);
  });
  const farRedis = await timed(() => runRedisOps(redis, KEY, ops));
  console.log(`LINSERT anywhere (${far}) RGA ${fmt(rate(far, farOurs.wallMs))} ops/s | redis ${fmt(rate(far, farRedis.wallMs))} ops/s | ratio ${(farRedis.wallMs / farOurs.wallMs).toFixed(2)}`);

  const windows = Array.from({ length: OPS }, () => Math.floor(random() * (listLength(state) - 10)));
  const rangeOurs = await timed(() => { for (const start of windows) listRange(state, start, start + 9); });
  const rangeRedis = await timed(async () => {
    for (let s = 0; s < windows.length; s += 1000) {
      const pipeline = redis.pipeline();
      for (const start of windows.slice(s, s + 1000)) pipeline.lrange(KEY, start, start + 9);
      await pipeline.exec();
    }
  });
  console.log(`LRANGE 10 at random offsets RGA ${fmt(rate(OPS, rangeOurs.wallMs))} ops/s | redis ${fmt(rate(OPS, rangeRedis.wallMs))} ops/s | ratio ${(rangeRedis.wallMs / rangeOurs.wallMs).toFixed(2)}`);

  const inserts = await timed(() => {
    for (let i = 0; i < OPS; i++) insertAtIndex(state, Math.floor(random() * listLength(state)), Buffer.from(`i${i}`), next);
  });
  console.log(`insert at a random index (RGA only; Redis has no such command) ${fmt(rate(OPS, inserts.wallMs))} ops/s`);
}

function runRgaOpsFromList(state: ListState, ops: readonly ListOp[], next: ReturnType<typeof contexts>): void {
  for (const op of ops) {
    if (op.kind !== 'linsert') continue;
    if (!linsert(state, op, next)) throw new Error('pivot missing');
  }
}

function linsert(state: ListState, op: Extract<ListOp, { kind: 'linsert' }>, next: ReturnType<typeof contexts>): boolean {
  return linsertBefore(state, Buffer.from(op.pivot), Buffer.from(op.value), next);
}


await main();
