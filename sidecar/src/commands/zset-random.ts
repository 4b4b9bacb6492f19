import type { ZsetState } from '../crdt/sorted-set.js';
import { zsetAt, zsetItems, zsetSize, type ZsetItem } from '../crdt/sorted-set-range.js';
import { bulk, EMPTY_ARRAY, error, NULL, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { parseLongExact } from './zset-args.js';
import { readZset } from './zset-access.js';
import { itemsReply } from './zset-reply.js';

const LONG_MAX = 9223372036854775807n;

/**
 * ZRANDMEMBER key [count [WITHSCORES]] (t_zset.c zrandmemberCommand): a negative count
 * picks with repetition, a positive one distinct members. Randomness comes from
 * `server.random`, so tests can fix it.
 */
export function zrandmember(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length < 3) {
    const state = readZset(ctx, keyOf(args[1]));
    if (state === WRONG_TYPE) return ERR_WRONGTYPE;
    if (state === undefined) return NULL;
    const item = zsetAt(state, Math.floor(ctx.server.random() * zsetSize(state)));
    return item === undefined ? NULL : bulk(item.member);
  }
  const count = parseLongExact(args[2]);
  if (count === undefined) return ERR_NOT_INTEGER;
  if (count < -LONG_MAX) return error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  if (args.length > 4 || (args.length === 4 && lower(args[3]) !== 'withscores')) return ERR_SYNTAX;
  const withScores = args.length === 4;
  if (withScores && (count < -LONG_MAX / 2n || count > LONG_MAX / 2n)) return error('ERR value is out of range');
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined || count === 0n) return EMPTY_ARRAY;
  const items = count < 0n ? withRepetition(ctx, state, Number(-count)) : distinct(ctx, state, Number(count));
  return itemsReply(ctx, items, withScores);
}

function withRepetition(ctx: ExecContext, state: ZsetState, count: number): ZsetItem[] {
  const size = zsetSize(state);
  const out: ZsetItem[] = [];
  for (let i = 0; i < count; i++) {
    const item = zsetAt(state, Math.floor(ctx.server.random() * size));
    if (item !== undefined) out.push(item);
  }
  return out;
}

/**
 * `count` distinct members: the whole set when it has no more (highest score first,
 * as Redis 7.0 answers that case), else a partial Fisher-Yates shuffle.
 */
function distinct(ctx: ExecContext, state: ZsetState, count: number): ZsetItem[] {
  const size = zsetSize(state);
  if (count >= size) return zsetItems(state).reverse();
  if (count * 4 < size) return sparse(ctx, state, count);
  const items = zsetItems(state);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(ctx.server.random() * (size - i));
    const picked = items[j];
    const here = items[i];
    if (picked === undefined || here === undefined) continue;
    items[i] = picked;
    items[j] = here;
  }
  return items.slice(0, count);
}

/** Few members from a big set: random ranks until `count` distinct ones were drawn. */
function sparse(ctx: ExecContext, state: ZsetState, count: number): ZsetItem[] {
  const size = zsetSize(state);
  const ranks = new Set<number>();
  while (ranks.size < count) ranks.add(Math.floor(ctx.server.random() * size));
  const out: ZsetItem[] = [];
  for (const rank of ranks) {
    const item = zsetAt(state, rank);
    if (item !== undefined) out.push(item);
  }
  return out;
}
