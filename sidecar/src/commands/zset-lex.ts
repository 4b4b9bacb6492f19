import type { ZsetState } from '../crdt/sorted-set.js';
import {
  zsetAt, zsetItems, zsetLexCount, zsetRangeByLex, zsetSize, type LexBound, type LexRange, type Limit, type ZsetItem,
} from '../crdt/sorted-set-range.js';

/**
 * Lex ranges (ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX). Redis documents them only for
 * sets whose members all share one score; then the (score, member) order is the
 * member order and the CRDT's O(log n) queries answer exactly. With mixed scores Redis
 * still answers something definite for a small set: its listpack code walks the set in
 * score order, starts at the first member ≥ min and stops at the first member > max
 * (t_zset.c zzlFirstInLexRange, zzlLastInLexRange, genericZrangebylexCommand). That
 * walk is reproduced here, in O(n), for that undocumented case only.
 */
function isUniform(state: ZsetState): boolean {
  const size = zsetSize(state);
  return size === 0 || zsetAt(state, 0)?.score === zsetAt(state, size - 1)?.score;
}

/** t_zset.c sdscmplex: `-` sorts before and `+` after every member. */
function compareBound(member: Buffer, bound: LexBound): number {
  if (bound === '-') return 1;
  if (bound === '+') return -1;
  return Buffer.compare(member, bound.value);
}

function gteMin(member: Buffer, range: LexRange): boolean {
  const cmp = compareBound(member, range.min);
  return typeof range.min !== 'string' && range.min.exclusive ? cmp > 0 : cmp >= 0;
}

function lteMax(member: Buffer, range: LexRange): boolean {
  const cmp = compareBound(member, range.max);
  return typeof range.max !== 'string' && range.max.exclusive ? cmp < 0 : cmp <= 0;
}

/** zzlIsInLexRange's first test: ranges that are empty whatever the set holds. */
function isEmptyRange(range: LexRange): boolean {
  const { min, max } = range;
  if (min === '+' || max === '-') return true;
  if (min === '-' || max === '+') return false;
  const cmp = Buffer.compare(min.value, max.value);
  return cmp > 0 || (cmp === 0 && (min.exclusive || max.exclusive));
}

/** The listpack walk: index of the first (or, reversed, last) member where the range starts, or -1. */
function walkStart(items: readonly ZsetItem[], range: LexRange, reverse: boolean): number {
  const first = items[0];
  const last = items[items.length - 1];
  if (isEmptyRange(range) || first === undefined || last === undefined) return -1;
  if (!gteMin(last.member, range) || !lteMax(first.member, range)) return -1;
  if (!reverse) {
    const at = items.findIndex((item) => gteMin(item.member, range));
    const item = items[at];
    return item !== undefined && lteMax(item.member, range) ? at : -1;
  }
  for (let at = items.length - 1; at >= 0; at--) {
    const item = items[at];
    if (item !== undefined && lteMax(item.member, range)) return gteMin(item.member, range) ? at : -1;
  }
  return -1;
}

function walk(state: ZsetState, range: LexRange, reverse: boolean, limit?: Limit): ZsetItem[] {
  const items = zsetItems(state);
  const step = reverse ? -1 : 1;
  let at = walkStart(items, range, reverse);
  if (at === -1) return [];
  const offset = limit?.offset ?? 0;
  if (offset < 0) return [];
  at += step * offset;
  let count = limit === undefined || limit.count < 0 ? Infinity : limit.count;
  const out: ZsetItem[] = [];
  for (let item = items[at]; item !== undefined && count > 0; item = items[at], count--) {
    if (reverse ? !gteMin(item.member, range) : !lteMax(item.member, range)) break;
    out.push(item);
    at += step;
  }
  return out;
}

export function lexRange(state: ZsetState, range: LexRange, reverse: boolean, limit?: Limit): ZsetItem[] {
  return isUniform(state) ? zsetRangeByLex(state, range, reverse, limit) : walk(state, range, reverse, limit);
}

export function lexCount(state: ZsetState, range: LexRange): number {
  return isUniform(state) ? zsetLexCount(state, range) : walk(state, range, false).length;
}
