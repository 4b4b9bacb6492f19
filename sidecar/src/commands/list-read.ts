import { listAt, listFind, listLength, listRange, type ListState } from '../crdt/rga.js';
import { array, bulk, bulkOrNull, EMPTY_ARRAY, error, integer, NULL, ZERO, type Reply } from '../resp/reply.js';
import { argInt, argNumber, keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { readList } from './list-state.js';

/** Read-only list commands (Redis 7.0 t_list.c): LLEN, LINDEX, LRANGE, LPOS. */

export function llen(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const list = readList(ctx, keyOf(args[1]));
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  return list === undefined ? ZERO : integer(listLength(list));
}

/** lindexCommand: the key is looked up before the index is parsed. O(log n). */
export function lindex(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const list = readList(ctx, keyOf(args[1]));
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return NULL;
  const index = argNumber(args[2]);
  if (index === undefined) return ERR_NOT_INTEGER;
  return bulkOrNull(listAt(list, index));
}

/** lrangeCommand: start and stop are parsed before the key is looked up. O(log n + k). */
export function lrange(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const start = argNumber(args[2]);
  const stop = argNumber(args[3]);
  if (start === undefined || stop === undefined) return ERR_NOT_INTEGER;
  const list = readList(ctx, keyOf(args[1]));
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return EMPTY_ARRAY;
  return array(listRange(list, start, stop).map(bulk));
}

interface LposOptions {
  rank: number;
  /** -1: COUNT not given (reply a single index); 0: every match. */
  count: number;
  /** 0: scan the whole list. */
  maxlen: number;
}

const ERR_RANK_ZERO = error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
const ERR_COUNT_NEGATIVE = error("ERR COUNT can't be negative");
const ERR_MAXLEN_NEGATIVE = error("ERR MAXLEN can't be negative");
const LONG_MIN = -(2n ** 63n);

/** lposCommand's option loop; a non-integer COUNT/MAXLEN gets the "can't be negative" text too. */
function parseLposOptions(args: readonly Buffer[]): LposOptions | Reply {
  const options: LposOptions = { rank: 1, count: -1, maxlen: 0 };
  for (let i = 3; i < args.length; i++) {
    const option = lower(args[i]);
    const hasNext = i + 1 < args.length;
    if (option === 'rank' && hasNext) {
      const rank = argInt(args[++i]);
      if (rank === undefined) return ERR_NOT_INTEGER;
      if (rank === 0n) return ERR_RANK_ZERO;
      // Redis 7.0 negates LONG_MIN into itself: still "from the tail", and every match counts.
      options.rank = rank === LONG_MIN ? -1 : Number(rank);
    } else if ((option === 'count' || option === 'maxlen') && hasNext) {
      const value = argNumber(args[++i]);
      if (value === undefined || value < 0) return option === 'count' ? ERR_COUNT_NEGATIVE : ERR_MAXLEN_NEGATIVE;
      if (option === 'count') options.count = value;
      else options.maxlen = value;
    } else {
      return ERR_SYNTAX;
    }
  }
  return options;
}

/** LPOS key element [RANK r] [COUNT n] [MAXLEN m]: a scan from the head (or the tail for rank < 0). */
export function lpos(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const options = parseLposOptions(args);
  if (!('rank' in options)) return options;
  const list = readList(ctx, keyOf(args[1]));
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return options.count !== -1 ? EMPTY_ARRAY : NULL;
  const matches = lposMatches(list, args[2] ?? Buffer.alloc(0), options);
  if (options.count !== -1) return array(matches.map((index) => integer(index)));
  const only = matches[0];
  return only === undefined ? NULL : integer(only);
}

/** The indexes LPOS reports: skip rank-1 matches, then up to COUNT (one without COUNT) within MAXLEN. */
function lposMatches(list: ListState, value: Buffer, options: LposOptions): number[] {
  const reverse = options.rank < 0;
  const skip = Math.abs(options.rank) - 1;
  const wanted = options.count === -1 ? 1 : options.count;
  const maxScan = options.maxlen > 0 ? options.maxlen : Number.POSITIVE_INFINITY;
  const out: number[] = [];
  let seen = 0;
  // MAXLEN bounds the elements compared, so a miss on a long list stays O(MAXLEN).
  for (const match of listFind(list, value, undefined, reverse, maxScan)) {
    seen++;
    if (seen <= skip) continue;
    out.push(match.index);
    if (wanted !== 0 && out.length >= wanted) break;
  }
  return out;
}
