import { setScan } from '../crdt/or-set.js';
import { array, bulk, error, type Reply } from '../resp/reply.js';
import { argInt, keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { WRONG_TYPE } from './lookup.js';
import { readSet } from './set-lookup.js';

export const ERR_INVALID_CURSOR = error('ERR invalid cursor');
const ULONG_MAX = 18446744073709551615n;
/** Redis's shared.emptyscan: cursor 0 and no elements. */
export const EMPTY_SCAN: Reply = array([bulk('0'), array([])]);

export interface ScanOptions {
  readonly count: number;
  readonly pattern: string | undefined;
}

/**
 * db.c parseScanCursorOrReply: strtoul over the whole argument, so a sign is accepted
 * (`-1` wraps to ULONG_MAX) and an empty string is 0, but spaces and overflow are not. Cursors beyond
 * any collection's size just mean "start at the end", so a JS number is precise enough.
 */
export function parseScanCursor(arg: Buffer | undefined): number | undefined {
  const text = keyOf(arg);
  if (!/^(?:[+-]?\d+)?$/.test(text)) return undefined;
  const magnitude = BigInt(text.replace(/^[+-]/, '') || '0');
  if (magnitude > ULONG_MAX) return undefined;
  const value = text.startsWith('-') && magnitude !== 0n ? ULONG_MAX + 1n - magnitude : magnitude;
  return Number(value);
}

/**
 * db.c scanGenericCommand's option loop for SSCAN/HSCAN: COUNT ≥ 1 and MATCH, each
 * with a value; TYPE is only for SCAN. The first bad option decides the error.
 */
export function parseScanOptions(args: readonly Buffer[], from: number): ScanOptions | Reply {
  let count = 10;
  let pattern: string | undefined;
  for (let i = from; i < args.length; i += 2) {
    const option = lower(args[i]);
    if (i + 1 >= args.length) return ERR_SYNTAX;
    if (option === 'count') {
      const value = argInt(args[i + 1]);
      if (value === undefined) return ERR_NOT_INTEGER;
      if (value < 1n) return ERR_SYNTAX;
      count = Number(value);
    } else if (option === 'match') {
      pattern = keyOf(args[i + 1]);
    } else {
      return ERR_SYNTAX;
    }
  }
  return { count, pattern: pattern === '*' ? undefined : pattern };
}

export function isScanOptions(value: ScanOptions | Reply): value is ScanOptions {
  return !('kind' in value);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: cursor first, then key and type, then options (t_set.c sscanCommand). */
export function sscan(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const cursor = parseScanCursor(args[2]);
  if (cursor === undefined) return ERR_INVALID_CURSOR;
  const set = readSet(ctx, keyOf(args[1]));
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  if (set === undefined) return EMPTY_SCAN;
  const options = parseScanOptions(args, 3);
  if (!isScanOptions(options)) return options;
  const page = setScan(set, cursor, options.count);
  const { pattern } = options;
  const members = pattern === undefined ? page.members : page.members.filter((member) => globMatch(pattern, member.toString('latin1')));
  return array([bulk(String(page.cursor)), array(members.map(bulk))]);
}
