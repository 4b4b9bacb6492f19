import { observed, type Dot, type OpContext } from './stamp.js';

/**
 * The dots (add events) that keep one OR-Set element alive.
 *
 * Shapiro, Preguiça, Baquero, Zawirski, "A comprehensive study of Convergent and
 * Commutative Replicated Data Types" (INRIA RR-7506, 2011), §3.3.5: every add tags the
 * element with a unique dot; a remove deletes only the dots it observed, so an add
 * concurrent with it survives (add wins). With causal delivery no tombstones are
 * needed (Bieniusa et al., "An optimized conflict-free replicated set", 2012): a remove
 * can never arrive before an add it observed. An add also drops the dots it observed,
 * which keeps one dot per element unless adds were concurrent.
 *
 * Almost every element has a single dot, so a lone `Dot` is stored without an array
 * (memory: one pointer instead of an array object per element).
 */
export type DotSet = Dot | readonly Dot[];

export function isDotList(dots: DotSet): dots is readonly Dot[] {
  return Array.isArray(dots);
}

export function dotsToArray(dots: DotSet): readonly Dot[] {
  return isDotList(dots) ? dots : [dots];
}

function fromArray(dots: readonly Dot[]): DotSet | undefined {
  if (dots.length === 0) return undefined;
  return dots.length === 1 ? dots[0] : dots;
}

/** The dots left after an op with context `ctx` removed the ones it observed. */
export function removeObservedDots(dots: DotSet, ctx: OpContext): DotSet | undefined {
  if (!isDotList(dots)) return observed(ctx, dots) ? undefined : dots;
  return fromArray(dots.filter((dot) => !observed(ctx, dot)));
}

/** `dots` after an add by `ctx` tagged the element with `dot` (observed dots dropped). */
export function addDot(dots: DotSet | undefined, dot: Dot, ctx: OpContext): DotSet {
  if (dots === undefined) return dot;
  const kept = removeObservedDots(dots, ctx);
  if (kept === undefined) return dot;
  const list = dotsToArray(kept);
  if (list.some((d) => d.seq === dot.seq && d.replica === dot.replica)) return kept; // duplicate delivery
  return [...list, dot];
}

/** Canonical order of dots (replica, seq): used by codecs and state comparisons. */
export function sortedDots(dots: DotSet): Dot[] {
  return [...dotsToArray(dots)].sort((a, b) => (a.replica === b.replica ? a.seq - b.seq : a.replica < b.replica ? -1 : 1));
}
