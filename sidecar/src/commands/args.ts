import { parseInt64 } from '../crdt/numeric.js';

/**
 * Argument parsing with Redis's exact acceptance rules. Each parser returns undefined
 * for input Redis would reject; the caller picks the matching error reply.
 */
export function argInt(arg: Buffer | undefined): bigint | undefined {
  return arg === undefined ? undefined : parseInt64(arg);
}

/** An int64 argument as a JS number (exact for the ranges commands use). */
export function argNumber(arg: Buffer | undefined): number | undefined {
  const value = argInt(arg);
  return value === undefined ? undefined : Number(value);
}

const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$/i;

/**
 * Redis getDoubleFromObject: strtod over the whole string, no spaces, not NaN.
 * (Hexadecimal floats, which strtod also accepts, are rejected here.)
 */
export function argFloat(arg: Buffer | undefined): number | undefined {
  if (arg === undefined || arg.length === 0 || arg.length > 5 * 1024) return undefined;
  const text = arg.toString('latin1');
  if (!FLOAT.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

export function lower(arg: Buffer | undefined): string {
  return arg === undefined ? '' : arg.toString('latin1').toLowerCase();
}

export function keyOf(arg: Buffer | undefined): string {
  return arg === undefined ? '' : arg.toString('latin1');
}
