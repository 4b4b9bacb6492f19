/**
 * Exact emulation of the x87 80-bit `long double` arithmetic Redis uses for
 * INCRBYFLOAT and HINCRBYFLOAT (t_string.c: strtold, `value += incr`, then
 * ld2string(..., LD_STR_HUMAN) which prints "%.17Lf" and trims trailing zeros).
 *
 * A double would print different digits (0.1 + 0.2 prints 0.30000000000000004 as a
 * double but 0.3 as a long double), so single-replica replies would not match Redis.
 * Values are kept as sign, 64-bit mantissa and binary exponent in BigInts; every
 * operation rounds to nearest, ties to even, like the FPU. Input is what strtold takes:
 * decimal and C99 hexadecimal (`0x1p3`, which Redis accepts too). Subnormals are not
 * emulated (their inputs are refused as underflow).
 */
export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exponent: number }
  | { readonly kind: 'infinite'; readonly negative: boolean }
  | { readonly kind: 'nan' };

const MANTISSA_BITS = 64n;
const MANTISSA_MIN = 1n << 63n;
const MANTISSA_LIMIT = 1n << 64n;
/** Largest binary exponent of an x87 extended value (above it the value is infinite). */
const MAX_EXPONENT = 16384;

export const LD_ZERO: LongDouble = { kind: 'finite', negative: false, mantissa: 0n, exponent: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds `num / den * 2^shift` (num, den > 0) to a 64-bit mantissa. */
function roundRational(negative: boolean, num: bigint, den: bigint, shift: number): LongDouble {
  if (num === 0n) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  let exponent = bitLength(num) - bitLength(den) - Number(MANTISSA_BITS);
  for (;;) {
    const scaledNum = exponent < 0 ? num << BigInt(-exponent) : num;
    const scaledDen = exponent > 0 ? den << BigInt(exponent) : den;
    let quotient = scaledNum / scaledDen;
    if (quotient >= MANTISSA_LIMIT) { exponent += 1; continue; }
    if (quotient < MANTISSA_MIN) { exponent -= 1; continue; }
    const twiceRemainder = (scaledNum - quotient * scaledDen) * 2n;
    if (twiceRemainder > scaledDen || (twiceRemainder === scaledDen && (quotient & 1n) === 1n)) quotient += 1n;
    if (quotient === MANTISSA_LIMIT) { quotient = MANTISSA_MIN; exponent += 1; }
    const finalExponent = exponent + shift;
    if (finalExponent + 64 > MAX_EXPONENT) return { kind: 'infinite', negative };
    return { kind: 'finite', negative, mantissa: quotient, exponent: finalExponent };
  }
}

/** A long double from an integer (exact below 2^64). */
export function ldFromBigInt(value: bigint): LongDouble {
  const negative = value < 0n;
  return roundRational(negative, negative ? -value : value, 1n, 0);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(inity)?$/i;
const HEXADECIMAL = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
/** Beyond these binary exponents strtold overflows or underflows (ERANGE), whatever the digits. */
const HEX_EXPONENT_LIMIT = 20_000;

/**
 * Parses like Redis's string2ld: strtold semantics, but no leading space, no trailing
 * garbage, no NaN, and no overflow to ±HUGE_VAL or underflow to zero (ERANGE).
 * Returns undefined when Redis would answer "value is not a valid float".
 */
export function ldParse(text: string): LongDouble | undefined {
  if (text.length === 0 || text.length >= 5 * 1024) return undefined;
  const inf = INFINITY.exec(text);
  if (inf) return { kind: 'infinite', negative: inf[1] === '-' };
  const hex = HEXADECIMAL.exec(text);
  if (hex) return parseHexadecimal(hex[1] === '-', hex[2] ?? '', hex[3] ?? '', hex[4] ?? '0');
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const intDigits = match[2] ?? '';
  const fracDigits = match[3] ?? '';
  if (intDigits.length + fracDigits.length === 0) return undefined;
  const negative = match[1] === '-';
  const digits = BigInt(intDigits + fracDigits);
  const exponent10 = Number(match[4] ?? '0') - fracDigits.length;
  if (digits === 0n) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  if (exponent10 > 5000) return undefined; // overflow: strtold sets ERANGE and returns HUGE_VAL
  if (exponent10 < -5100) return undefined; // underflow to zero: ERANGE
  const result = exponent10 >= 0
    ? roundRational(negative, digits * 10n ** BigInt(exponent10), 1n, 0)
    : roundRational(negative, digits, 10n ** BigInt(-exponent10), 0);
  if (result.kind === 'infinite') return undefined;
  if (result.kind === 'finite' && result.exponent + 64 < -16382) return undefined;
  return result;
}

/** `0x<whole>.<fraction>p<exponent>`: the digits times a power of two, rounded once. */
function parseHexadecimal(negative: boolean, whole: string, fraction: string, exponentText: string): LongDouble | undefined {
  if (whole.length + fraction.length === 0) return undefined;
  const digits = BigInt(`0x${whole}${fraction}`);
  if (digits === 0n) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  const shift = Number(exponentText) - 4 * fraction.length;
  if (Math.abs(shift) > HEX_EXPONENT_LIMIT) return undefined;
  const result = roundRational(negative, digits, 1n, shift);
  if (result.kind !== 'finite' || result.exponent + 64 < -16382) return undefined;
  return result;
}

export function ldNegate(value: LongDouble): LongDouble {
  return value.kind === 'nan' ? value : { ...value, negative: !value.negative };
}

/** Exact sum rounded once, as the FPU's `+` does. */
export function ldAdd(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinite' || b.kind === 'infinite') {
    if (a.kind === 'infinite' && b.kind === 'infinite' && a.negative !== b.negative) return { kind: 'nan' };
    return a.kind === 'infinite' ? a : b;
  }
  if (a.mantissa === 0n) return b.mantissa === 0n ? { ...b, negative: a.negative && b.negative } : b;
  if (b.mantissa === 0n) return a;
  const base = Math.min(a.exponent, b.exponent);
  const signedA = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - base);
  const signedB = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - base);
  const sum = signedA + signedB;
  if (sum === 0n) return LD_ZERO;
  const negative = sum < 0n;
  return roundRational(negative, negative ? -sum : sum, 1n, base);
}

export function ldIsFinite(value: LongDouble): boolean {
  return value.kind === 'finite';
}

/**
 * Formats like Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros and a
 * trailing dot removed, and no negative zero.
 */
export function ldFormat(value: LongDouble): string {
  if (value.kind === 'nan') return 'nan';
  if (value.kind === 'infinite') return value.negative ? '-inf' : 'inf';
  const scale = 10n ** 17n;
  let scaled: bigint;
  if (value.exponent >= 0) {
    scaled = (value.mantissa << BigInt(value.exponent)) * scale;
  } else {
    const num = value.mantissa * scale;
    const shift = BigInt(-value.exponent);
    const den = 1n << shift;
    scaled = num >> shift;
    const twiceRemainder = (num - (scaled << shift)) * 2n;
    if (twiceRemainder > den || (twiceRemainder === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const padded = scaled.toString().padStart(18, '0');
  const intPart = padded.slice(0, padded.length - 17);
  const fracPart = padded.slice(padded.length - 17).replace(/0+$/, '');
  const digits = fracPart.length > 0 ? `${intPart}.${fracPart}` : intPart;
  if (digits === '0') return '0';
  return value.negative ? `-${digits}` : digits;
}
