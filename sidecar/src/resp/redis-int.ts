/**
 * Parses a decimal integer exactly as Redis's `string2ll` (`src/util.c`) accepts it:
 * optional `-`, no `+`, no spaces, no leading zeros (except `0` itself), within int64.
 * Returns null where string2ll fails. Values beyond 2^53 lose precision, which is
 * harmless here: every caller compares the result against limits far below that.
 */
export function parseRedisInt(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len > 20) return null;
  if (len === 1 && buf[start] === 48) return 0;
  let i = start;
  const negative = buf[i] === 45;
  if (negative) i++;
  if (i === end) return null;
  const first = buf[i] ?? 0;
  if (first < 49 || first > 57) return null;
  let value = 0;
  for (; i < end; i++) {
    const d = (buf[i] ?? 0) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (end - start - (negative ? 1 : 0) >= 19 && !fitsInt64(buf, start, end)) return null;
  return negative ? -value : value;
}

const INT64_MAX = 9223372036854775807n;

/** The slow, exact overflow check, only reached for 19+ digit inputs. */
function fitsInt64(buf: Buffer, start: number, end: number): boolean {
  const v = BigInt(buf.toString('latin1', start, end));
  return v <= INT64_MAX && v >= -INT64_MAX - 1n;
}
