import { memberKey } from './or-set.js';
import { treeAt, treeCountBefore, treeRank, treeSize, treeSlice } from './sorted-set-index.js';
import type { ZEntry, ZsetState } from './sorted-set.js';

/**
 * Reads of a sorted set, with the range semantics of Redis's t_zset.c: ranks are
 * 0-based, negative ranks count from the end, score bounds may be exclusive and ±inf,
 * lex bounds are `-`, `+` or a member with `[`/`(`. Every query locates its ends in
 * O(log n) in the order tree and then walks only the entries it returns.
 * Lex queries assume, as Redis documents, that all members have the same score.
 */
export interface ZsetItem {
  readonly member: Buffer;
  readonly score: number;
}

export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/** `-` (before everything), `+` (after everything) or a member bound. */
export type LexBound = '-' | '+' | { readonly value: Buffer; readonly exclusive: boolean };

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

/** LIMIT offset count of ZRANGEBYSCORE/ZRANGEBYLEX (count < 0: no limit). */
export interface Limit {
  readonly offset: number;
  readonly count: number;
}

function item(entry: ZEntry): ZsetItem {
  return { member: Buffer.from(entry.member, 'latin1'), score: entry.score };
}

export function zsetSize(state: ZsetState): number {
  return treeSize(state.index);
}

export function isZsetEmpty(state: ZsetState): boolean {
  return treeSize(state.index) === 0;
}

export function zsetScore(state: ZsetState, member: Buffer | string): number | undefined {
  const entry = state.entries.get(memberKey(member));
  return entry?.dots != null ? entry.score : undefined;
}

/** ZRANK / ZREVRANK: O(log n). */
export function zsetRank(state: ZsetState, member: Buffer | string, reverse: boolean): number | undefined {
  const entry = state.entries.get(memberKey(member));
  if (entry?.dots == null) return undefined;
  const rank = treeRank(state.index, entry);
  return reverse ? zsetSize(state) - 1 - rank : rank;
}

/** The member at `rank` in ascending order (ZRANDMEMBER picks a rank with the caller's RNG). */
export function zsetAt(state: ZsetState, rank: number): ZsetItem | undefined {
  const entry = treeAt(state.index, rank);
  return entry === undefined ? undefined : item(entry);
}

/** Entries with ascending ranks [from, to) walked forward, or backward when `reverse`. */
function ranks(state: ZsetState, from: number, to: number, reverse: boolean): ZsetItem[] {
  const entries = treeSlice(state.index, from, to - from);
  if (reverse) entries.reverse();
  return entries.map(item);
}

/** ZRANGE start stop [REV]: Redis's index normalisation (zrangeGenericCommand). */
export function zsetRangeByRank(state: ZsetState, start: number, stop: number, reverse: boolean): ZsetItem[] {
  const size = zsetSize(state);
  let first = start < 0 ? start + size : start;
  let last = stop < 0 ? stop + size : stop;
  if (first < 0) first = 0;
  if (first > last || first >= size) return [];
  if (last >= size) last = size - 1;
  return reverse ? ranks(state, size - 1 - last, size - first, true) : ranks(state, first, last + 1, false);
}

/** Ascending ranks [from, to) of the entries in a score range. */
function scoreSpan(state: ZsetState, range: ScoreRange): [number, number] {
  const from = treeCountBefore(state.index, (score) => (range.minExclusive ? score > range.min : score >= range.min));
  const to = treeCountBefore(state.index, (score) => (range.maxExclusive ? score >= range.max : score > range.max));
  return [from, Math.max(from, to)];
}

function lexStart(state: ZsetState, bound: LexBound): number {
  if (bound === '-') return 0;
  if (bound === '+') return zsetSize(state);
  const value = bound.value.toString('latin1');
  return treeCountBefore(state.index, (_score, e) => (bound.exclusive ? e.member > value : e.member >= value));
}

function lexEnd(state: ZsetState, bound: LexBound): number {
  if (bound === '-') return 0;
  if (bound === '+') return zsetSize(state);
  const value = bound.value.toString('latin1');
  return treeCountBefore(state.index, (_score, e) => (bound.exclusive ? e.member >= value : e.member > value));
}

function lexSpan(state: ZsetState, range: LexRange): [number, number] {
  const from = lexStart(state, range.min);
  return [from, Math.max(from, lexEnd(state, range.max))];
}

/** Applies LIMIT to ascending ranks [from, to), from the top when `reverse`. */
function limited(state: ZsetState, [from, to]: [number, number], reverse: boolean, limit?: Limit): ZsetItem[] {
  const offset = limit?.offset ?? 0;
  if (offset < 0) return []; // Redis: a negative offset returns an empty list
  const count = limit === undefined || limit.count < 0 ? to - from : limit.count;
  if (reverse) return ranks(state, Math.max(from, to - offset - count), Math.max(from, to - offset), true);
  return ranks(state, Math.min(to, from + offset), Math.min(to, from + offset + count), false);
}

/** ZRANGEBYSCORE / ZREVRANGEBYSCORE (range given as min..max in both directions). */
export function zsetRangeByScore(state: ZsetState, range: ScoreRange, reverse: boolean, limit?: Limit): ZsetItem[] {
  return limited(state, scoreSpan(state, range), reverse, limit);
}

/** ZRANGEBYLEX / ZREVRANGEBYLEX (range given as min..max in both directions). */
export function zsetRangeByLex(state: ZsetState, range: LexRange, reverse: boolean, limit?: Limit): ZsetItem[] {
  return limited(state, lexSpan(state, range), reverse, limit);
}

/** ZCOUNT: O(log n). */
export function zsetCount(state: ZsetState, range: ScoreRange): number {
  const [from, to] = scoreSpan(state, range);
  return to - from;
}

/** ZLEXCOUNT: O(log n). */
export function zsetLexCount(state: ZsetState, range: LexRange): number {
  const [from, to] = lexSpan(state, range);
  return to - from;
}

/** Every visible member in ascending order (snapshots of the mirror, ZSCAN, tests). */
export function zsetItems(state: ZsetState): ZsetItem[] {
  return ranks(state, 0, zsetSize(state), false);
}

/** Members kept only as delete floors of ZINCRBY totals (for INFO's tombstone count). */
export function zsetTombstones(state: ZsetState): number {
  return state.entries.size - treeSize(state.index);
}
