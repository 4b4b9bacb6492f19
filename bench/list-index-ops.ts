/**
 * The operations of the 1M-list index benchmark, run once on the RGA (which also fixes
 * the concrete pivots) and then replayed on redis-server with ioredis pipelines.
 */
import type { Redis } from 'ioredis';
import {
  anchorForIndex, applyListEffect, createList, idAt, lastId, listAt, listFirstMatch, listLength,
  type ElementId, type ListState,
} from '../sidecar/src/crdt/rga.js';
import type { OpContext } from '../sidecar/src/crdt/stamp.js';

export type ListOp =
  | { readonly kind: 'lindex'; readonly index: number }
  | { readonly kind: 'lset'; readonly index: number; readonly value: string }
  | { readonly kind: 'linsert'; readonly pivot: string; readonly value: string };

/** mulberry32: a tiny seeded PRNG, so every run draws the same operations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A replica's op contexts: seq and HLC advance per op, as on a real replica. */
export function contexts(origin: string): () => OpContext {
  let seq = 0;
  const deps = new Map<string, number>();
  const hlcBase = 1_763_770_000_000_000; // a realistic packed HLC (2025, ×1000)
  return () => {
    seq++;
    return { origin, seq, hlc: hlcBase + seq, deps };
  };
}

/** RPUSH l v1 … vn, one element per op (as n separate RPUSH commands would). */
export function buildRga(count: number, next: () => OpContext): ListState {
  const state = createList();
  let anchor: ElementId | null = null;
  for (let i = 1; i <= count; i++) {
    const ctx = next();
    applyListEffect(state, { type: 'list.insert', anchor, values: [Buffer.from(`v${i}`)] }, ctx);
    anchor = { replica: ctx.origin, seq: ctx.seq, idx: 0 };
  }
  return state;
}

/** RPUSH through `lastId` each time, the way the command handler finds its anchor. */
export function rpush(state: ListState, value: Buffer, next: () => OpContext): void {
  applyListEffect(state, { type: 'list.insert', anchor: lastId(state) ?? null, values: [value] }, next());
}

/** LINSERT l BEFORE pivot value: Redis scans from the head for the pivot; so do we. */
export function linsertBefore(state: ListState, pivot: Buffer, value: Buffer, next: () => OpContext): boolean {
  const match = listFirstMatch(state, pivot);
  if (match === undefined) return false;
  applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, match.index), values: [value] }, next());
  return true;
}

/**
 * Runs `count` random ops on the RGA: LINDEX/LSET at a uniform random index and
 * LINSERT BEFORE a pivot drawn among the first `pivotWindow` elements (LINSERT is a
 * by-value scan in Redis and in our handler alike; see list-index.ts). Returns the ops
 * with their concrete pivots so redis-server can run exactly the same.
 */
export function runRgaOps(state: ListState, count: number, pivotWindow: number, seed: number, next: () => OpContext): ListOp[] {
  const random = prng(seed);
  const ops: ListOp[] = [];
  for (let i = 0; i < count; i++) runRandomOp(state, i, random, pivotWindow, next, ops);
  return ops;
}

/** `count` LINDEX or LSET at uniform random indexes (one command only). */
export function indexOps(kind: 'lindex' | 'lset', count: number, length: number, seed: number): ListOp[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i): ListOp => {
    const index = Math.floor(random() * length);
    return kind === 'lindex' ? { kind, index } : { kind, index, value: `p${i}` };
  });
}

/** Runs LINDEX/LSET ops on the RGA as their handlers would. */
export function runRgaIndexOps(state: ListState, ops: readonly ListOp[], next: () => OpContext): void {
  for (const op of ops) {
    if (op.kind === 'lindex') {
      if (listAt(state, op.index) === undefined) throw new Error('LINDEX missed');
    } else if (op.kind === 'lset') {
      applyListEffect(state, { type: 'list.set', id: idAt(state, op.index) as ElementId, value: Buffer.from(op.value) }, next());
    }
  }
}

/** One random LINDEX, LSET or LINSERT, as its command handler would run it; appended to `ops`. */
function runRandomOp(state: ListState, i: number, random: () => number, pivotWindow: number, next: () => OpContext, ops: ListOp[]): void {
  const kind = random();
  if (kind < 1 / 3) {
    const index = Math.floor(random() * listLength(state));
    if (listAt(state, index) === undefined) throw new Error('LINDEX missed');
    ops.push({ kind: 'lindex', index });
  } else if (kind < 2 / 3) {
    const index = Math.floor(random() * listLength(state));
    const value = `s${i}`;
    applyListEffect(state, { type: 'list.set', id: idAt(state, index) as ElementId, value: Buffer.from(value) }, next());
    ops.push({ kind: 'lset', index, value });
  } else {
    const pivot = listAt(state, Math.floor(random() * Math.min(pivotWindow, listLength(state)))) as Buffer;
    const value = `n${i}`;
    if (!linsertBefore(state, pivot, Buffer.from(value), next)) throw new Error('LINSERT pivot missing');
    ops.push({ kind: 'linsert', pivot: pivot.toString(), value });
  }
}

/** Insert at a visible index, which the RGA can do in O(log n) and Redis cannot. */
export function insertAtIndex(state: ListState, index: number, value: Buffer, next: () => OpContext): void {
  applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, index), values: [value] }, next());
}

/** Sends `ops` to redis-server in pipelines of `batch` commands. */
export async function runRedisOps(redis: Redis, key: string, ops: readonly ListOp[], batch = 1000): Promise<void> {
  for (let start = 0; start < ops.length; start += batch) {
    const pipeline = redis.pipeline();
    for (const op of ops.slice(start, start + batch)) {
      if (op.kind === 'lindex') pipeline.lindex(key, op.index);
      else if (op.kind === 'lset') pipeline.lset(key, op.index, op.value);
      else pipeline.linsert(key, 'BEFORE', op.pivot, op.value);
    }
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;
  }
}

/** RPUSH key v1 … vn as n single-value commands, pipelined. */
export async function buildRedis(redis: Redis, key: string, count: number, batch = 10_000): Promise<void> {
  for (let start = 1; start <= count; start += batch) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(start + batch, count + 1); i++) pipeline.rpush(key, `v${i}`);
    await pipeline.exec();
  }
}
