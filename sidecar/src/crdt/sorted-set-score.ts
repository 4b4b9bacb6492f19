import { compareStamps, observed, type Dot, type OpContext } from './stamp.js';

/**
 * The score of one sorted-set member (DESIGN.md §4): an LWW base written by ZADD plus
 * the ZINCRBY increments the winning base had not observed.
 * `ZADD 10 ∥ ZINCRBY 5` (was 1) → 15; `ZREM ∥ ZINCRBY 2` (was 4.1) → 2.
 *
 * The same design as the string counter (string-register.ts, contributions.ts), with
 * doubles: Redis scores are IEEE doubles (t_zset.c zaddGenericCommand `score += incr`),
 * not long doubles. Base writes form a multi-value register (a write drops the writes
 * its op observed; LWW picks among concurrent ones). Per origin, `totals` holds the
 * count and running double sum of its increments, accumulated in the origin's op order
 * (the same on every replica); a base write or a delete records the totals it observed.
 * Value = base + Σ over origins, in replica-id order, of (total − observed), so every
 * replica adds the same doubles in the same order.
 *
 * Exact digits: total − observed is not bit-exact in floating point, so a ZINCRBY also
 * carries the score its origin computed like Redis (current + delta) and the basis it
 * computed it on (winning base, increment counts, delete floor). While the state still
 * has exactly that basis, which is a pure function of the state, the score is that
 * result: sequential use gives Redis's digits, and concurrent use the formula above.
 */
export interface ScoreTotal {
  readonly count: number;
  readonly sum: number;
}

export type ScoreTotals = ReadonlyMap<string, ScoreTotal>;

export const NO_TOTALS: ScoreTotals = new Map();

export interface ScoreWrite {
  readonly score: number;
  readonly dot: Dot;
  readonly hlc: number;
  /** Increment totals the writer had observed (absorbed into this base). */
  readonly observed: ScoreTotals;
}

/** Exact result of the latest ZINCRBY, valid while the state has the basis it was computed on. */
export interface ScoreCache {
  readonly score: number;
  readonly basis: string;
}

/** Present only on members that ever had a ZINCRBY (most members never do). */
export interface ScoreCounters {
  totals: ScoreTotals;
  /** Totals removed by ZREM/DEL (pointwise latest observation). */
  floor: ScoreTotals;
  cache: ScoreCache | null;
}

/** Base writes: one write unless ZADDs were concurrent. */
export type ScoreWrites = ScoreWrite | readonly ScoreWrite[];

export function writesToArray(writes: ScoreWrites | null): readonly ScoreWrite[] {
  if (writes === null) return [];
  return isWriteList(writes) ? writes : [writes];
}

function isWriteList(writes: ScoreWrites): writes is readonly ScoreWrite[] {
  return Array.isArray(writes);
}

/** The writes after `write` (made by `ctx`) replaced the ones its op observed. */
export function addWrite(writes: ScoreWrites | null, write: ScoreWrite, ctx: OpContext): ScoreWrites {
  const kept = writesToArray(writes).filter((w) => !observed(ctx, w.dot) && !(w.dot.replica === write.dot.replica && w.dot.seq === write.dot.seq));
  return kept.length === 0 ? write : [...kept, write];
}

/** The writes left after a delete by `ctx`; null when none. */
export function removeObservedWrites(writes: ScoreWrites | null, ctx: OpContext): ScoreWrites | null {
  const kept = writesToArray(writes).filter((w) => !observed(ctx, w.dot));
  if (kept.length === 0) return null;
  return kept.length === 1 ? (kept[0] as ScoreWrite) : kept;
}

export function winningWrite(writes: ScoreWrites | null): ScoreWrite | undefined {
  let best: ScoreWrite | undefined;
  for (const w of writesToArray(writes)) {
    if (best === undefined || compareStamps({ hlc: w.hlc, replica: w.dot.replica }, { hlc: best.hlc, replica: best.dot.replica }) > 0) best = w;
  }
  return best;
}

export function addIncrement(totals: ScoreTotals, origin: string, delta: number): ScoreTotals {
  const previous = totals.get(origin);
  const next = new Map<string, ScoreTotal>();
  for (const [id, total] of totals) next.set(id, total);
  next.set(origin, { count: (previous?.count ?? 0) + 1, sum: (previous?.sum ?? 0) + delta });
  return next;
}

/** Pointwise the later observation (higher count). */
export function joinTotals(a: ScoreTotals, b: ScoreTotals): ScoreTotals {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const joined = new Map(a);
  for (const [origin, total] of b) if ((joined.get(origin)?.count ?? 0) < total.count) joined.set(origin, total);
  return joined;
}

/** `origin:count` pairs in replica order: identifies a set of increments. */
export function countsKey(totals: ScoreTotals): string {
  if (totals.size === 0) return '';
  if (totals.size === 1) {
    for (const [origin, total] of totals) return `${origin}:${total.count}`;
  }
  return [...totals.keys()].sort().map((origin) => `${origin}:${totals.get(origin)?.count ?? 0}`).join(',');
}

/** What the visible score is computed from, besides the increments: winning base and delete floor. */
export function basisKey(writes: ScoreWrites | null, counters: ScoreCounters | null): string {
  const winner = winningWrite(writes);
  const dot = winner === undefined ? '-' : `${winner.dot.replica}:${winner.dot.seq}`;
  return `${dot}|${countsKey(counters?.floor ?? NO_TOTALS)}`;
}

/** Σ over origins in replica-id order of the increments neither `base` nor `floor` observed. */
function unobservedSum(totals: ScoreTotals, base: ScoreTotals, floor: ScoreTotals): number {
  let sum = 0;
  for (const origin of totals.size === 1 ? totals.keys() : [...totals.keys()].sort()) {
    const total = totals.get(origin) as ScoreTotal;
    const a = base.get(origin);
    const b = floor.get(origin);
    const seen = a === undefined ? b : b === undefined || a.count >= b.count ? a : b;
    if (seen !== undefined && seen.count >= total.count) continue;
    sum += total.sum - (seen?.sum ?? 0);
  }
  return sum;
}

/**
 * The visible score. A concurrent `+inf` and `-inf` could sum to NaN, which Redis never
 * stores: then the base alone counts (a rule of ours; Redis has no such state).
 */
export function scoreValue(writes: ScoreWrites | null, counters: ScoreCounters | null): number {
  const winner = winningWrite(writes);
  const base = winner?.score ?? 0;
  if (counters === null) return base;
  if (counters.cache !== null && counters.cache.basis === basisKey(writes, counters)) return counters.cache.score;
  const value = base + unobservedSum(counters.totals, winner?.observed ?? NO_TOTALS, counters.floor);
  return Number.isNaN(value) ? base : value;
}
