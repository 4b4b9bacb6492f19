/**
 * Redis's strict integer parsing (util.c string2ll): optional '-', no '+', no leading
 * zeros, no spaces, at most 20 characters, within int64. Values that fail are not
 * integers to INCR, exactly as in Redis.
 */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export function parseInt64(bytes: Buffer | string): bigint | undefined {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const length = text.length;
  if (length === 0 || length > 20) return undefined;
  if (length === 1 && text === '0') return 0n;
  let index = 0;
  if (text.charCodeAt(0) === 45 /* - */) {
    index = 1;
    if (length === 1) return undefined;
  }
  const first = text.charCodeAt(index);
  if (first < 49 || first > 57) return undefined; // must start with 1-9
  for (let i = index + 1; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  const value = BigInt(text);
  return value > INT64_MAX || value < INT64_MIN ? undefined : value;
}

/** True when `value` is within int64. */
export function inInt64(value: bigint): boolean {
  return value <= INT64_MAX && value >= INT64_MIN;
}
