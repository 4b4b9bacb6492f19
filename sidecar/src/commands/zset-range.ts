import type { ZsetState } from '../crdt/sorted-set.js';
import { zsetRangeByRank, zsetRangeByScore, type LexRange, type Limit, type ScoreRange, type ZsetItem } from '../crdt/sorted-set-range.js';
import { EMPTY_ARRAY, error, integer, ZERO, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { command, ONE_KEY, TWO_KEYS, type CommandSpec } from './spec.js';
import { ERR_LEX_RANGE, ERR_RANGE_NOT_FLOAT, parseLexRange, parseLong, parseScoreRange } from './zset-args.js';
import { readZset, removeMembers, storeZset, writeZset } from './zset-access.js';
import { lexRange } from './zset-lex.js';
import { itemsReply } from './zset-reply.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** A parsed range request: what to select, in which direction, how much of it. */
type RangeSpec =
  | { readonly type: 'rank'; readonly start: number; readonly stop: number }
  | { readonly type: 'score'; readonly range: ScoreRange }
  | { readonly type: 'lex'; readonly range: LexRange };

interface RangeRequest {
  readonly spec: RangeSpec;
  readonly reverse: boolean;
  readonly withScores: boolean;
  readonly limit: Limit | undefined;
}

interface RangeOptions {
  type: RangeType;
  direction: Direction;
  withScores: boolean;
  limit: Limit | undefined;
}

/** Step 1 of t_zset.c zrangeGenericCommand: the options after `key min max`. */
function parseOptions(args: readonly Buffer[], from: number, store: boolean, options: RangeOptions): Reply | undefined {
  for (let j = from; j < args.length; j++) {
    const option = lower(args[j]);
    if (!store && option === 'withscores') options.withScores = true;
    else if (option === 'limit' && args.length - j - 1 >= 2) {
      const offset = parseLong(args[j + 1]);
      const count = parseLong(args[j + 2]);
      if (offset === undefined || count === undefined) return ERR_NOT_INTEGER;
      options.limit = { offset, count };
      j += 2;
    } else if (options.direction === 'auto' && option === 'rev') options.direction = 'reverse';
    else if (options.type === 'auto' && option === 'bylex') options.type = 'lex';
    else if (options.type === 'auto' && option === 'byscore') options.type = 'score';
    else return ERR_SYNTAX;
  }
  return undefined;
}

/** Steps 1-2 of zrangeGenericCommand: options, conflicts, then the range itself. */
function parseRange(args: readonly Buffer[], start: number, store: boolean, type: RangeType, direction: Direction): RangeRequest | Reply {
  const options: RangeOptions = { type, direction, withScores: false, limit: undefined };
  const failed = parseOptions(args, start + 3, store, options);
  if (failed !== undefined) return failed;
  const rangeType = options.type === 'auto' ? 'rank' : options.type;
  const reverse = options.direction === 'reverse';
  if (options.limit !== undefined && options.limit.count !== -1 && rangeType === 'rank') {
    return error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (options.withScores && rangeType === 'lex') return error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  // BYSCORE and BYLEX ranges are given as max..min when reversed.
  const swap = reverse && rangeType !== 'rank';
  const min = args[swap ? start + 2 : start + 1];
  const max = args[swap ? start + 1 : start + 2];
  const spec = parseSpec(rangeType, min, max);
  if ('kind' in spec) return spec;
  return { spec, reverse, withScores: options.withScores, limit: options.limit };
}

function parseSpec(type: 'rank' | 'score' | 'lex', min: Buffer | undefined, max: Buffer | undefined): RangeSpec | Reply {
  switch (type) {
    case 'rank': {
      const start = parseLong(min);
      const stop = parseLong(max);
      return start === undefined || stop === undefined ? ERR_NOT_INTEGER : { type, start, stop };
    }
    case 'score': {
      const range = parseScoreRange(min, max);
      return range === undefined ? ERR_RANGE_NOT_FLOAT : { type, range };
    }
    case 'lex': {
      const range = parseLexRange(min, max);
      return range === undefined ? ERR_LEX_RANGE : { type, range };
    }
  }
}

function isRequest(value: RangeRequest | Reply): value is RangeRequest {
  return !('kind' in value);
}

function select(state: ZsetState, request: RangeRequest): ZsetItem[] {
  const { spec, reverse, limit } = request;
  switch (spec.type) {
    case 'rank': return zsetRangeByRank(state, spec.start, spec.stop, reverse);
    case 'score': return zsetRangeByScore(state, spec.range, reverse, limit);
    case 'lex': return lexRange(state, spec.range, reverse, limit);
  }
}

/** ZRANGE and its older spellings, which fix the type and direction up front. */
function rangeGeneric(ctx: ExecContext, args: readonly Buffer[], type: RangeType, direction: Direction): Reply {
  const request = parseRange(args, 1, false, type, direction);
  if (!isRequest(request)) return request;
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return EMPTY_ARRAY;
  return itemsReply(ctx, select(state, request), request.withScores);
}

/** ZRANGESTORE dst src min max …: the destination is replaced (deleted when the result is empty). */
function zrangestore(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const request = parseRange(args, 2, true, 'auto', 'auto');
  if (!isRequest(request)) return request;
  const state = readZset(ctx, keyOf(args[2]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const items = state === undefined ? [] : select(state, request);
  storeZset(ctx, keyOf(args[1]), items);
  return integer(items.length);
}

/** ZREMRANGEBY* (t_zset.c zremrangeGenericCommand): range first, then the key. */
function zremrange(ctx: ExecContext, args: readonly Buffer[], type: 'rank' | 'score' | 'lex'): Reply {
  const spec = parseSpec(type, args[2], args[3]);
  if ('kind' in spec) return spec;
  const key = keyOf(args[1]);
  const state = writeZset(ctx, key);
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return ZERO;
  const items = select(state, { spec, reverse: false, withScores: false, limit: undefined });
  removeMembers(ctx, key, state, items.map((item) => item.member));
  return integer(items.length);
}

const G = 'sorted-set';
const RO = ['readonly'] as const;

export const zsetRangeCommands: CommandSpec[] = [
  command('zrange', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a range of indexes', (c, a) => rangeGeneric(c, a, 'auto', 'auto'), '1.2.0'),
  command('zrevrange', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a range of indexes in reverse order', (c, a) => rangeGeneric(c, a, 'rank', 'reverse'), '1.2.0'),
  command('zrangebyscore', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a range of scores', (c, a) => rangeGeneric(c, a, 'score', 'forward'), '1.0.5'),
  command('zrevrangebyscore', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a range of scores in reverse order', (c, a) => rangeGeneric(c, a, 'score', 'reverse'), '2.2.0'),
  command('zrangebylex', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a lexicographical range', (c, a) => rangeGeneric(c, a, 'lex', 'forward'), '2.8.9'),
  command('zrevrangebylex', -4, RO, ONE_KEY, G, 'Returns members in a sorted set within a lexicographical range in reverse order', (c, a) => rangeGeneric(c, a, 'lex', 'reverse'), '2.8.9'),
  command('zrangestore', -5, ['write', 'denyoom'], TWO_KEYS, G, 'Stores a range of members from sorted set in a key', zrangestore, '6.2.0'),
  command('zremrangebyrank', 4, ['write'], ONE_KEY, G, 'Removes members in a sorted set within a range of indexes', (c, a) => zremrange(c, a, 'rank'), '2.0.0'),
  command('zremrangebyscore', 4, ['write'], ONE_KEY, G, 'Removes members in a sorted set within a range of scores', (c, a) => zremrange(c, a, 'score'), '1.2.0'),
  command('zremrangebylex', 4, ['write'], ONE_KEY, G, 'Removes members in a sorted set within a lexicographical range', (c, a) => zremrange(c, a, 'lex'), '2.8.9'),
];
