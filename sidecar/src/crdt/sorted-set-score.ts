import { allCovered, covers, currentEpochFloor, joinContributions, sameEpoch, startsNewEpoch, type EpochCount } from './contributions.js';
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
 *
 * Counts restart in epochs exactly as a string counter's (contributions.ts): an origin
 * whose increments of a member a ZREM or DEL it has seen all covered starts a new epoch
 * with its next ZINCRBY, so a removed member's history can be forgotten once stable.
 */
export interface ScoreTotal extends EpochCount {
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

/**
 * `totals` with one more increment from `origin`; `startsEpoch` (the increment's seq)
 * when it starts a new epoch, which drops the old one's total.
 */
export function addIncrement(totals: ScoreTotals, origin: string, delta: number, startsEpoch?: number): ScoreTotals {
  const previous = startsEpoch === undefined ? totals.get(origin) : undefined;
  const next = new Map<string, ScoreTotal>();
  for (const [id, total] of totals) next.set(id, total);
  next.set(origin, { epoch: startsEpoch ?? previous?.epoch ?? 0, count: (previous?.count ?? 0) + 1, sum: (previous?.sum ?? 0) + delta });
  return next;
}

/** Pointwise the later observation: the later epoch, then the higher count. */
export function joinTotals(a: ScoreTotals, b: ScoreTotals): ScoreTotals {
  return joinContributions(a, b);
}

/** The delete floor after a ZREM or DEL that observed `seen` (observations of old epochs dropped). */
export function removedFloor(counters: ScoreCounters, seen: ScoreTotals): ScoreTotals {
  return currentEpochFloor(joinTotals(counters.floor, seen), counters.totals);
}

/** Whether `origin`'s next ZINCRBY of a member with these counters starts a new epoch. */
export function incrementStartsScoreEpoch(counters: ScoreCounters | null, origin: string): boolean {
  return counters === null || startsNewEpoch(counters.totals, counters.floor, origin);
}

/**
 * Counters that are only a removed member's history, forgettable once causally stable
 * (as string-register.ts isDeletedCounter): every increment covered by the delete floor,
 * and none of epoch 0 (an older replica would go on counting those without an epoch).
 */
export function isDeadScore(counters: ScoreCounters): boolean {
  if (counters.totals.size === 0) return false;
  for (const total of counters.totals.values()) if (total.epoch === 0) return false;
  return allCovered(counters.totals, counters.floor);
}

/**
 * `origin:count` pairs in replica order (`origin:count@epoch` past epoch 0): identifies
 * a set of increments. The epoch matters: after a restart, the same count names other
 * increments, and a cache computed on the old ones must not match.
 */
export function countsKey(totals: ScoreTotals): string {
  if (totals.size === 0) return '';
  if (totals.size === 1) {
    for (const [origin, total] of totals) return countPair(origin, total);
  }
  return [...totals.keys()].sort().map((origin) => countPair(origin, totals.get(origin) as ScoreTotal)).join(',');
}

function countPair(origin: string, total: ScoreTotal): string {
  return total.epoch === 0 ? `${origin}:${total.count}` : `${origin}:${total.count}@${total.epoch}`;
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
    // An observation of another epoch says nothing about this one's increments.
    const a = sameEpoch(base.get(origin), total);
    const b = sameEpoch(floor.get(origin), total);
    const seen = a === undefined ? b : b === undefined || a.count >= b.count ? a : b;
    if (seen !== undefined && covers(seen, total)) continue;
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
