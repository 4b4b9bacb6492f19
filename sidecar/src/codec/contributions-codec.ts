import type { Contribution, Contributions } from '../crdt/contributions.js';
import type { LongDouble } from '../crdt/long-double.js';

/** Wire shapes of counter contributions (proto Contribution / LongDouble). */
export interface WireLongDouble {
  negative?: boolean;
  mantissa?: string;
  exponent?: number;
  infinite?: boolean;
  nan?: boolean;
}

export interface WireContribution {
  replica?: string;
  epoch?: number;
  count?: number;
  intTotal?: string;
  floatTotal?: WireLongDouble | null;
}

export function encodeLongDouble(value: LongDouble): WireLongDouble {
  switch (value.kind) {
    case 'finite':
      return { negative: value.negative, mantissa: value.mantissa.toString(), exponent: value.exponent };
    case 'infinite':
      return { negative: value.negative, infinite: true };
    case 'nan':
      return { nan: true };
  }
}

export function decodeLongDouble(wire: WireLongDouble): LongDouble {
  if (wire.nan === true) return { kind: 'nan' };
  if (wire.infinite === true) return { kind: 'infinite', negative: wire.negative === true };
  return { kind: 'finite', negative: wire.negative === true, mantissa: BigInt(wire.mantissa ?? '0'), exponent: wire.exponent ?? 0 };
}

export function encodeContributions(contributions: Contributions): WireContribution[] {
  const out: WireContribution[] = [];
  for (const [replica, c] of contributions) {
    out.push({ replica, ...(c.epoch === 0 ? {} : { epoch: c.epoch }), count: c.count, intTotal: c.int.toString(), floatTotal: c.float === null ? null : encodeLongDouble(c.float) });
  }
  return out;
}

export function decodeContributions(wire: readonly WireContribution[] | undefined): Contributions {
  const out = new Map<string, Contribution>();
  for (const c of wire ?? []) {
    out.set(c.replica ?? '', {
      epoch: Number(c.epoch ?? 0),
      count: Number(c.count ?? 0),
      int: BigInt(c.intTotal === undefined || c.intTotal === '' ? '0' : c.intTotal),
      float: c.floatTotal ? decodeLongDouble(c.floatTotal) : null,
    });
  }
  return out;
}
