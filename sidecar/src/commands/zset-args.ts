import type { LexBound, LexRange, ScoreRange } from '../crdt/sorted-set-range.js';
import { parseInt64 } from '../crdt/numeric.js';
import { error } from '../resp/reply.js';

/** t_zset.c's own error replies. */
export const ERR_SCORE_NAN = error('ERR resulting score is not a number (NaN)');
export const ERR_RANGE_NOT_FLOAT = error('ERR min or max is not a float');
export const ERR_LEX_RANGE = error('ERR min or max not valid string range item');

/**
 * Argument parsing for the sorted-set commands with Redis 7.0's exact acceptance
 * rules. Scores go through C's strtod in two different ways in Redis, so both are
 * reproduced here over a small strtod emulation:
 * - scores, increments and weights: util.c string2d (no leading space, no overflow or
 *   underflow to zero, hexadecimal floats accepted, NaN refused);
 * - range bounds: t_zset.c zslParseRange, a bare strtod (leading spaces, an empty
 *   string meaning 0 and overflow to ±inf are all accepted; NaN refused).
 */
interface Strtod {
  readonly value: number;
  /** Index of the first character not consumed (0 when nothing was converted). */
  readonly end: number;
  /** strtod's ERANGE: a finite literal overflowed to ±inf or a non-zero one underflowed to 0. */
  readonly erange: boolean;
}

const SPACE = /[ \t\n\v\f\r]/;
const SHORT_INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const SPECIAL = /^([+-]?)(?:(infinity|inf)|(nan)(?:\([0-9A-Za-z_]*\))?)/i;

/** glibc strtod over a latin1 string (stops at the first byte it cannot use). */
function strtod(text: string): Strtod {
  let start = 0;
  while (start < text.length && SPACE.test(text[start] ?? '')) start++;
  const rest = text.slice(start);
  const special = SPECIAL.exec(rest);
  if (special !== null) {
    const sign = special[1] === '-' ? -1 : 1;
    return { value: special[2] !== undefined ? sign * Infinity : NaN, end: start + special[0].length, erange: false };
  }
  const hex = HEX.exec(rest);
  if (hex !== null) return hexValue(hex, start);
  const decimal = DECIMAL.exec(rest);
  if (decimal === null) return { value: 0, end: 0, erange: false };
  const value = Number(decimal[0]);
  const nonZero = /[1-9]/.test(decimal[0].replace(/[eE].*$/, ''));
  return { value, end: start + decimal[0].length, erange: !Number.isFinite(value) || (nonZero && value === 0) };
}

/** A C99 hexadecimal float: the mantissa rounds once (BigInt → Number), then scales exactly by 2^exp. */
function hexValue(match: RegExpExecArray, start: number): Strtod {
  const [whole, sign = '', digits = '', exponent = '0'] = match;
  const point = digits.indexOf('.');
  const fraction = point === -1 ? 0 : digits.length - point - 1;
  const mantissa = Number(BigInt(`0x${digits.replace('.', '') || '0'}`));
  const scale = Number(exponent) - 4 * fraction;
  let value = mantissa * 2 ** Math.max(scale, -1074);
  if (scale < -1074) value = mantissa * 2 ** -1074 * 2 ** (scale + 1074);
  if (sign === '-') value = -value;
  return { value, end: start + whole.length, erange: !Number.isFinite(value) || (mantissa !== 0 && value === 0) };
}

/** C strings end at the first NUL byte: strtod never sees what follows it. */
function cString(arg: Buffer): string {
  const nul = arg.indexOf(0);
  return (nul === -1 ? arg : arg.subarray(0, nul)).toString('latin1');
}

/** util.c string2d: a score, increment or weight; undefined where Redis answers "not a valid float". */
export function parseScore(arg: Buffer | undefined): number | undefined {
  if (arg === undefined || arg.length === 0 || arg.length > 5 * 1024) return undefined;
  const text = arg.toString('latin1');
  if (SHORT_INTEGER.test(text)) return Number(text); // the common case, exact below 2^53
  if (SPACE.test(text[0] ?? '')) return undefined;
  const parsed = strtod(text);
  if (parsed.end !== text.length || parsed.erange || Number.isNaN(parsed.value)) return undefined;
  return parsed.value;
}

function rangeBound(arg: Buffer): { value: number; exclusive: boolean } | undefined {
  let text = cString(arg);
  const exclusive = text.startsWith('(');
  if (exclusive) text = text.slice(1);
  const parsed = strtod(text);
  if (parsed.end !== text.length || Number.isNaN(parsed.value)) return undefined;
  return { value: parsed.value, exclusive };
}

/** t_zset.c zslParseRange; undefined → "min or max is not a float". */
export function parseScoreRange(min: Buffer | undefined, max: Buffer | undefined): ScoreRange | undefined {
  if (min === undefined || max === undefined) return undefined;
  const low = rangeBound(min);
  const high = rangeBound(max);
  if (low === undefined || high === undefined) return undefined;
  return { min: low.value, max: high.value, minExclusive: low.exclusive, maxExclusive: high.exclusive };
}

/** t_zset.c zslParseLexRangeItem: `-`, `+`, `[member` or `(member`. */
function lexBound(arg: Buffer): LexBound | undefined {
  const first = arg[0];
  if ((first === 0x2b || first === 0x2d) && (arg.length === 1 || arg[1] === 0)) return first === 0x2b ? '+' : '-';
  if (first === 0x28 || first === 0x5b) return { value: arg.subarray(1), exclusive: first === 0x28 };
  return undefined;
}

/** t_zset.c zslParseLexRange; undefined → "min or max not valid string range item". */
export function parseLexRange(min: Buffer | undefined, max: Buffer | undefined): LexRange | undefined {
  if (min === undefined || max === undefined) return undefined;
  const low = lexBound(min);
  const high = lexBound(max);
  return low === undefined || high === undefined ? undefined : { min: low, max: high };
}

/** getLongFromObject: a signed 64-bit integer, as a number (exact for every range Redis accepts here). */
export function parseLong(arg: Buffer | undefined): number | undefined {
  if (arg === undefined) return undefined;
  const value = parseInt64(arg);
  return value === undefined ? undefined : Number(value);
}

/** getLongFromObject as a bigint, for range checks at the int64 limits (ZRANDMEMBER). */
export function parseLongExact(arg: Buffer | undefined): bigint | undefined {
  return arg === undefined ? undefined : parseInt64(arg);
}
