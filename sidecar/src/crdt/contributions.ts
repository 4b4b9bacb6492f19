import { ldAdd, ldNegate, type LongDouble } from './long-double.js';

/**
 * Counter contributions of one origin replica: how many increments it made to a
 * register and their running totals (integer and float kept apart, so integer
 * arithmetic stays exact). Totals are accumulated in the origin's own op order, which
 * causal delivery makes identical on every replica; so (origin, count) determines
 * (int, float) everywhere, and an observation can be compared by count alone.
 */
export interface Contribution {
  readonly count: number;
  readonly int: bigint;
  readonly float: LongDouble | null;
}

/** Per-origin contributions, keyed by replica id. */
export type Contributions = ReadonlyMap<string, Contribution>;

export const NO_CONTRIBUTIONS: Contributions = new Map();

/** `totals` with one more increment from `origin`. */
export function addContribution(
  totals: Contributions, origin: string, int: bigint, float: LongDouble | null,
): Contributions {
  const previous = totals.get(origin);
  const next = new Map(totals);
  const previousFloat = previous?.float ?? null;
  next.set(origin, {
    count: (previous?.count ?? 0) + 1,
    int: (previous?.int ?? 0n) + int,
    float: float === null ? previousFloat : previousFloat === null ? float : ldAdd(previousFloat, float),
  });
  return next;
}

/** Pointwise the later observation (higher count) of two. */
export function joinContributions(a: Contributions, b: Contributions): Contributions {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const joined = new Map(a);
  for (const [origin, contribution] of b) {
    const mine = joined.get(origin);
    if (mine === undefined || mine.count < contribution.count) joined.set(origin, contribution);
  }
  return joined;
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
  for (const origin of [...totals.keys()].sort()) {
    const total = totals.get(origin);
    if (total === undefined) continue;
    const a = absorbed.get(origin);
    const b = absorbed2.get(origin);
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
