import type { Hlc } from './hlc.js';

/**
 * The identity and causal context of one operation, as created by its origin.
 * Every effect is applied with the context of the operation that carries it, never
 * with the applying replica's own clock or id (the seed spec's critical rule).
 */
export interface OpContext {
  /** Replica that originated the operation. */
  readonly origin: string;
  /** The origin's sequence number for this operation (1, 2, 3, … without gaps). */
  readonly seq: number;
  /** The origin's hybrid logical clock at creation. */
  readonly hlc: Hlc;
  /**
   * The origin's version vector at creation: everything the operation had observed.
   * Observed-remove effects remove exactly the dots this covers, which is what makes them
   * commute with concurrent adds. The op depends on every earlier op of its own origin
   * (`seq - 1`) whatever the origin's own entry here says: the wire omits that entry and
   * local ops share one deps map, whose own entry goes stale (replica/engine.ts).
   */
  readonly deps: ReadonlyMap<string, number>;
}

/** A unique event id: (replica, seq). Element ids in lists, sets and registers are dots. */
export interface Dot {
  readonly replica: string;
  readonly seq: number;
}

/** LWW order key: the HLC, ties broken by replica id (the lower id wins an exact tie). */
export interface Stamp {
  readonly hlc: Hlc;
  readonly replica: string;
}

export const ZERO_STAMP: Stamp = { hlc: 0, replica: '' };

/** Positive when `a` wins over `b` under LWW, negative when `b` wins, 0 when identical. */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.hlc !== b.hlc) return a.hlc > b.hlc ? 1 : -1;
  if (a.replica === b.replica) return 0;
  // DESIGN.md §4: the lower replica id wins an exact tie.
  return a.replica < b.replica ? 1 : -1;
}

export function maxStamp(a: Stamp, b: Stamp): Stamp {
  return compareStamps(a, b) >= 0 ? a : b;
}

export function stampOf(ctx: OpContext): Stamp {
  return { hlc: ctx.hlc, replica: ctx.origin };
}

export function dotOf(ctx: OpContext): Dot {
  return { replica: ctx.origin, seq: ctx.seq };
}

/**
 * True when the operation with context `ctx` had observed the event `dot`. An effect
 * also observes the earlier effects of its own operation (same dot), so an op's effects
 * apply in sequence: `MSET k a k b` leaves b, a delete after a write in one op removes it.
 */
export function observed(ctx: OpContext, dot: Dot): boolean {
  if (dot.replica === ctx.origin) return dot.seq <= ctx.seq;
  return (ctx.deps.get(dot.replica) ?? 0) >= dot.seq;
}

export function sameDot(a: Dot, b: Dot): boolean {
  return a.seq === b.seq && a.replica === b.replica;
}
