import type { ZsetState } from '../crdt/sorted-set.js';
import { zsetRangeByRank } from '../crdt/sorted-set-range.js';
import { array, bulk, EMPTY_ARRAY, error, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { blockOn, parseBlockingTimeout } from './blocking.js';
import type { BLOCKED } from './client.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { command, ONE_KEY, type CommandSpec, type KeySpec } from './spec.js';
import { parseLong } from './zset-args.js';
import { removeMembers, writeZset } from './zset-access.js';
import { scoreReply } from './zset-reply.js';
import { zrandmember } from './zset-random.js';

/**
 * ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms (t_zset.c genericZpopCommand,
 * zmpopGenericCommand, blockingGenericZpopCommand). A pop is an observed remove, so two
 * replicas popping concurrently may both return the same member (DESIGN.md §4).
 */
type Shape =
  /** ZPOPMIN key: [member, score]; also ZPOPMIN key count in RESP2. */
  | 'flat'
  /** ZPOPMIN key count in RESP3: [[member, score], …]. */
  | 'pairs'
  /** BZPOPMIN: [key, member, score]. */
  | 'keyed'
  /** ZMPOP / BZMPOP: [key, [[member, score], …]]. */
  | 'nested';

const ERR_POSITIVE = error('ERR value is out of range, must be positive');

/** The first key holding a sorted set (WRONGTYPE stops the search, as in Redis). */
function firstZset(ctx: ExecContext, keys: readonly string[]): { key: string; state: ZsetState } | undefined | typeof WRONG_TYPE {
  for (const key of keys) {
    const state = writeZset(ctx, key);
    if (state === WRONG_TYPE) return WRONG_TYPE;
    if (state !== undefined) return { key, state };
  }
  return undefined;
}

/** Pops up to `count` members of `key` (lowest first, or highest first for MAX) and shapes the reply. */
function pop(ctx: ExecContext, key: string, state: ZsetState, max: boolean, count: number, shape: Shape): Reply {
  const items = zsetRangeByRank(state, 0, count - 1, max);
  removeMembers(ctx, key, state, items.map((item) => item.member));
  const pairs = items.map((item) => array([bulk(item.member), scoreReply(item.score)]));
  switch (shape) {
    case 'flat': return array(items.flatMap((item) => [bulk(item.member), scoreReply(item.score)]));
    case 'pairs': return array(pairs);
    case 'keyed': return array([bulk(key), ...items.flatMap((item) => [bulk(item.member), scoreReply(item.score)])]);
    case 'nested': return array([bulk(key), array(pairs)]);
  }
}

/** ZPOPMIN / ZPOPMAX key [count]. */
function zpop(ctx: ExecContext, args: readonly Buffer[], max: boolean): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  const count = args.length === 3 ? parseLong(args[2]) : 1;
  if (count === undefined || count < 0) return ERR_POSITIVE;
  const found = firstZset(ctx, [keyOf(args[1])]);
  if (found === WRONG_TYPE) return ERR_WRONGTYPE;
  // The type is checked before a zero count answers (t_zset.c genericZpopCommand).
  if (found === undefined || count === 0) return EMPTY_ARRAY;
  const shape: Shape = args.length === 3 && ctx.client.protocol === 3 ? 'pairs' : 'flat';
  return pop(ctx, found.key, found.state, max, count, shape);
}

/** BZPOPMIN / BZPOPMAX key [key …] timeout. */
function bzpop(ctx: ExecContext, args: readonly Buffer[], max: boolean): Reply | typeof BLOCKED {
  const timeout = parseBlockingTimeout(args[args.length - 1]);
  if (typeof timeout !== 'number') return timeout;
  const keys = args.slice(1, -1).map(keyOf);
  const found = firstZset(ctx, keys);
  if (found === WRONG_TYPE) return ERR_WRONGTYPE;
  if (found !== undefined) return pop(ctx, found.key, found.state, max, 1, 'keyed');
  return blockOn(ctx, args, { keys, kind: 'zset', timeoutMs: timeout });
}

interface MpopRequest {
  readonly keys: string[];
  readonly max: boolean;
  readonly count: number;
}

/** `numkeys key … MIN|MAX [COUNT count]` from `at` (t_zset.c zmpopGenericCommand). */
function parseMpop(args: readonly Buffer[], at: number): MpopRequest | Reply {
  const numkeys = parseLong(args[at]);
  if (numkeys === undefined || numkeys < 1) return error('ERR numkeys should be greater than 0');
  const whereAt = at + numkeys + 1;
  if (whereAt >= args.length) return ERR_SYNTAX;
  const where = lower(args[whereAt]);
  if (where !== 'min' && where !== 'max') return ERR_SYNTAX;
  let count: number | undefined;
  for (let j = whereAt + 1; j < args.length; j++) {
    if (count === undefined && lower(args[j]) === 'count' && j + 1 < args.length) {
      count = parseLong(args[++j]);
      if (count === undefined || count < 1) return error('ERR count should be greater than 0');
    } else return ERR_SYNTAX;
  }
  return { keys: args.slice(at + 1, whereAt).map(keyOf), max: where === 'max', count: count ?? 1 };
}

function zmpop(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const request = parseMpop(args, 1);
  if ('kind' in request) return request;
  const found = firstZset(ctx, request.keys);
  if (found === WRONG_TYPE) return ERR_WRONGTYPE;
  if (found === undefined) return NULL_ARRAY;
  return pop(ctx, found.key, found.state, request.max, request.count, 'nested');
}

function bzmpop(ctx: ExecContext, args: readonly Buffer[]): Reply | typeof BLOCKED {
  const timeout = parseBlockingTimeout(args[1]);
  if (typeof timeout !== 'number') return timeout;
  const request = parseMpop(args, 2);
  if ('kind' in request) return request;
  const found = firstZset(ctx, request.keys);
  if (found === WRONG_TYPE) return ERR_WRONGTYPE;
  if (found !== undefined) return pop(ctx, found.key, found.state, request.max, request.count, 'nested');
  return blockOn(ctx, args, { keys: request.keys, kind: 'zset', timeoutMs: timeout });
}

const G = 'sorted-set';
const NO_FIXED_KEYS: KeySpec = { first: 0, last: 0, step: 0 };
const ALL_BUT_TIMEOUT: KeySpec = { first: 1, last: -2, step: 1 };

export const zsetPopCommands: CommandSpec[] = [
  command('zpopmin', -2, ['write', 'fast'], ONE_KEY, G, 'Returns the lowest-scoring members from a sorted set after removing them', (c, a) => zpop(c, a, false), '5.0.0'),
  command('zpopmax', -2, ['write', 'fast'], ONE_KEY, G, 'Returns the highest-scoring members from a sorted set after removing them', (c, a) => zpop(c, a, true), '5.0.0'),
  command('bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_TIMEOUT, G, 'Removes and returns the member with the lowest score from one or more sorted sets, or blocks until one is available', (c, a) => bzpop(c, a, false), '5.0.0'),
  command('bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_TIMEOUT, G, 'Removes and returns the member with the highest score from one or more sorted sets, or blocks until one is available', (c, a) => bzpop(c, a, true), '5.0.0'),
  command('zmpop', -4, ['write', 'movablekeys'], NO_FIXED_KEYS, G, 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them', zmpop, '7.0.0'),
  command('bzmpop', -5, ['write', 'blocking', 'movablekeys'], NO_FIXED_KEYS, G, 'Removes and returns a member by score from one or more sorted sets, or blocks until one is available', bzmpop, '7.0.0'),
  command('zrandmember', -2, ['readonly'], ONE_KEY, G, 'Returns one or more random members from a sorted set', zrandmember, '6.2.0'),
];
