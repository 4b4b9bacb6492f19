import { compareStamps, observed, type Dot, type OpContext, type Stamp } from './stamp.js';

/**
 * A key's expiry: a multi-value register resolved by maximum (DESIGN.md §4).
 * Causally later writes replace what they observed; concurrent writes coexist and the
 * longest TTL wins; `PERSIST_AT` (PERSIST, or a SET that clears the TTL) is +∞ and so
 * beats any concurrent EXPIRE. Expiry times are absolute ms of the origin's clock.
 */
export const PERSIST_AT = Number.POSITIVE_INFINITY;

export interface TtlEntry {
  readonly at: number;
  readonly dot: Dot;
  readonly stamp: Stamp;
}

export type TtlRegister = readonly TtlEntry[];

export const NO_TTL: TtlRegister = [];

/** Applies an expiry write (`at` absolute ms, or PERSIST_AT) made with context `ctx`. */
export function applyTtlWrite(register: TtlRegister, at: number, ctx: OpContext): TtlRegister {
  const kept = register.filter((entry) => !observed(ctx, entry.dot));
  kept.push({ at, dot: { replica: ctx.origin, seq: ctx.seq }, stamp: { hlc: ctx.hlc, replica: ctx.origin } });
  return kept;
}

/** Drops the entries a delete with context `ctx` observed. */
export function removeObservedTtl(register: TtlRegister, ctx: OpContext): TtlRegister {
  if (register.length === 0) return register;
  return register.filter((entry) => !observed(ctx, entry.dot));
}

/** The winning entry: longest TTL, ties by LWW stamp; undefined when none. */
export function winningTtl(register: TtlRegister): TtlEntry | undefined {
  let best: TtlEntry | undefined;
  for (const entry of register) {
    if (best === undefined || entry.at > best.at || (entry.at === best.at && compareStamps(entry.stamp, best.stamp) > 0)) best = entry;
  }
  return best;
}

/** The effective absolute expiry in ms, or undefined when the key does not expire. */
export function expiresAt(register: TtlRegister): number | undefined {
  const winner = winningTtl(register);
  return winner === undefined || winner.at === PERSIST_AT ? undefined : winner.at;
}
