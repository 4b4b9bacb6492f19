import { argInt } from './args.js';
import { ERR_NOT_INTEGER, invalidExpire } from './errors.js';
import type { Reply } from '../resp/reply.js';

export type ExpireUnit = 'seconds' | 'milliseconds';

const LLONG_MAX = 9223372036854775807n;

/**
 * Converts an expire argument into an absolute ms time the way Redis's t_string.c /
 * expire.c do: non-integers are "not an integer", values ≤ 0 (for SET-style options)
 * or overflowing ones are "invalid expire time in '<cmd>' command".
 */
export function parseExpire(
  arg: Buffer | undefined, unit: ExpireUnit, absolute: boolean, now: number, commandName: string, allowNonPositive = false,
): number | Reply {
  const value = argInt(arg);
  if (value === undefined) return ERR_NOT_INTEGER;
  if (!allowNonPositive && value <= 0n) return invalidExpire(commandName);
  if (unit === 'seconds' && (value > LLONG_MAX / 1000n || value < -LLONG_MAX / 1000n)) return invalidExpire(commandName);
  let ms = unit === 'seconds' ? value * 1000n : value;
  if (!absolute) {
    if (ms > LLONG_MAX - BigInt(now)) return invalidExpire(commandName);
    ms += BigInt(now);
  }
  return Number(ms);
}
