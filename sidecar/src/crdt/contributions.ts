import { ldAdd, ldNegate, type LongDouble } from './long-double.js';

/**
 * What epoch logic needs of a count (a Contribution here, a sorted-set ScoreTotal too):
 * the origin's epoch and how many of its increments it holds.
 */
export interface EpochCount {
  readonly epoch: number;
  readonly count: number;
}

/**
 * Counter contributions of one origin replica: how many increments it made to a
 * register and their running totals (integer and float kept apart, so integer
 * arithmetic stays exact). Totals are accumulated in the origin's own op order, which
 * causal delivery makes identical on every replica; so (origin, epoch, count)
 * determines (int, float) everywhere, and an observation can be compared by count alone.
 *
 * An *epoch* restarts an origin's count: the origin starts one (at the seq of the
 * increment that starts it) when a delete it has seen covers everything it had
 * contributed, so nothing of the old epoch is visible anywhere any more (every replica
 * holds that delete before the new increment, by causal delivery). That is what lets
 * a replica forget a deleted counter entirely (store/keyspace.ts): an increment that
 * arrives afterwards starts an epoch, so no replica ever needs the forgotten count.
 * Observations of another epoch than the totals' say nothing about them. Epoch 0 is
 * the single epoch of ops written before epochs existed.
 */
export interface Contribution extends EpochCount {
  readonly int: bigint;
  readonly float: LongDouble | null;
}

/** Per-origin contributions, keyed by replica id. */
export type Contributions = ReadonlyMap<string, Contribution>;

export const NO_CONTRIBUTIONS: Contributions = new Map();

/**
 * `totals` with one more increment from `origin`; `startsEpoch` (the increment's seq)
 * when it starts a new epoch (see `startsNewEpoch`), which drops the old one's totals.
 */
export function addContribution(
  totals: Contributions, origin: string, int: bigint, float: LongDouble | null, startsEpoch?: number,
): Contributions {
  const previous = startsEpoch === undefined ? totals.get(origin) : undefined;
  const next = new Map(totals);
  const previousFloat = previous?.float ?? null;
  next.set(origin, {
    epoch: startsEpoch ?? previous?.epoch ?? 0,
    count: (previous?.count ?? 0) + 1,
    int: (previous?.int ?? 0n) + int,
    float: float === null ? previousFloat : previousFloat === null ? float : ldAdd(previousFloat, float),
  });
  return next;
}

/** Pointwise the later observation of two: the later epoch, then the higher count. */
export function joinContributions<T extends EpochCount>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): ReadonlyMap<string, T> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const joined = new Map(a);
  for (const [origin, contribution] of b) {
    const mine = joined.get(origin);
    if (mine === undefined || isLater(contribution, mine)) joined.set(origin, contribution);
  }
  return joined;
}

function isLater(a: EpochCount, b: EpochCount): boolean {
  return a.epoch !== b.epoch ? a.epoch > b.epoch : a.count > b.count;
}

/**
 * `floor` without observations of an epoch older than the origin's current one in
 * `totals`: they cover nothing any more. A delete that observed an old epoch can arrive
 * after the origin started a new one (it was concurrent with that increment); dropping
 * such an entry keeps the state the same whatever the delivery order (the increment that
 * starts an epoch drops the old floor, see string-register.ts withIncrement).
 */
export function currentEpochFloor<T extends EpochCount>(floor: ReadonlyMap<string, T>, totals: ReadonlyMap<string, EpochCount>): ReadonlyMap<string, T> {
  let stale: string[] | undefined;
  for (const [origin, observation] of floor) {
    const total = totals.get(origin);
    if (total !== undefined && observation.epoch < total.epoch) (stale ??= []).push(origin);
  }
  if (stale === undefined) return floor;
  const kept = new Map(floor);
  for (const origin of stale) kept.delete(origin);
  return kept;
}

/** The delete floor once `origin` starts a new epoch: its old observation covers nothing any more. */
export function floorForNewEpoch<T extends EpochCount>(floor: ReadonlyMap<string, T>, origin: string): ReadonlyMap<string, T> {
  if (!floor.has(origin)) return floor;
  const kept = new Map(floor);
  kept.delete(origin);
  return kept;
}

/** Whether `observation` covers every increment of `total` (same epoch, count reached). */
export function covers(observation: EpochCount | undefined, total: EpochCount): boolean {
  return observation !== undefined && observation.epoch === total.epoch && observation.count >= total.count;
}

/**
 * Whether `origin`'s next increment starts a new epoch: it contributed nothing yet, or
 * a delete it has seen (`deleted`) covers everything it contributed.
 */
export function startsNewEpoch(totals: ReadonlyMap<string, EpochCount>, deleted: ReadonlyMap<string, EpochCount>, origin: string): boolean {
  const own = totals.get(origin);
  return own === undefined || covers(deleted.get(origin), own);
}

/** Whether every contribution in `totals` is covered by `deleted` (a deleted counter). */
export function allCovered(totals: ReadonlyMap<string, EpochCount>, deleted: ReadonlyMap<string, EpochCount>): boolean {
  for (const [origin, total] of totals) if (!covers(deleted.get(origin), total)) return false;
  return true;
}

/** What `totals` holds beyond `absorbed`: the increments not yet observed by the base. */
export interface Unobserved {
  readonly count: number;
  readonly int: bigint;
  /** Sum of unobserved float increments, or null when there are none. */
  readonly float: LongDouble | null;
}

/**
 * Sums, per origin in replica-id order (float addition is not associative, so every
 * replica must add in the same order), the contributions `absorbed` does not cover.
 */
export function unobserved(totals: Contributions, absorbed: Contributions, absorbed2: Contributions): Unobserved {
  let count = 0;
  let int = 0n;
  let float: LongDouble | null = null;
  // One origin needs no sort (the common case: a counter written on one replica).
  const origins = totals.size === 1 ? totals.keys() : [...totals.keys()].sort();
  for (const origin of origins) {
    const total = totals.get(origin);
    if (total === undefined) continue;
    // An observation of another epoch says nothing about this one's increments.
    const a = sameEpoch(absorbed.get(origin), total);
    const b = sameEpoch(absorbed2.get(origin), total);
    const base = a === undefined ? b : b === undefined || a.count >= b.count ? a : b;
    if (base !== undefined && base.count >= total.count) continue;
    count += total.count - (base?.count ?? 0);
    int += total.int - (base?.int ?? 0n);
    if (total.float !== null) {
      const delta = base?.float ? ldAdd(total.float, ldNegate(base.float)) : total.float;
      float = float === null ? delta : ldAdd(float, delta);
    }
  }
  return { count, int, float };
}

export function sameEpoch<T extends EpochCount>(observation: T | undefined, total: EpochCount): T | undefined {
  return observation !== undefined && observation.epoch === total.epoch ? observation : undefined;
}
