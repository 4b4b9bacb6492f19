import { array, bulk, NULL, type Reply } from '../resp/reply.js';
import { keyOf } from './args.js';
import { blockOn, parseBlockingTimeout } from './blocking.js';
import type { BLOCKED } from './client.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { mpopFirst, moveValue, parseMpop } from './list-pop.js';
import { parseEnd, popValues, writeList, type End } from './list-state.js';

/**
 * The blocking list commands (Redis 7.0 t_list.c blockingPopGenericCommand,
 * blmoveGenericCommand): serve at once like the plain command when a list has data,
 * else wait through blocking.ts, which re-runs the same handler when a key changes.
 * Inside MULTI they answer at once: a null array (BLMOVE/BRPOPLPUSH: a null bulk).
 */

type Result = Reply | typeof BLOCKED;

/** BLPOP/BRPOP key [key …] timeout: the timeout is parsed first, keys in order, WRONGTYPE stops. */
export function bpop(end: End) {
  return (ctx: ExecContext, args: readonly Buffer[]): Result => {
    const timeoutMs = parseBlockingTimeout(args[args.length - 1]);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const keys = args.slice(1, -1).map(keyOf);
    for (const key of keys) {
      const list = writeList(ctx, key);
      if (list === undefined) continue;
      if (list === WRONG_TYPE) return ERR_WRONGTYPE;
      const [value] = popValues(ctx, key, list, 1, end);
      if (value !== undefined) return array([bulk(key), bulk(value)]);
    }
    return blockOn(ctx, args, { keys, kind: 'list', timeoutMs });
  };
}

/** BLMPOP timeout numkeys key [key …] LEFT|RIGHT [COUNT n]: numkeys/where/COUNT errors come before the timeout's. */
export function blmpop(ctx: ExecContext, args: readonly Buffer[]): Result {
  const request = parseMpop(args, 2);
  if (!('keys' in request)) return request;
  const timeoutMs = parseBlockingTimeout(args[1]);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  return mpopFirst(ctx, request) ?? blockOn(ctx, args, { keys: request.keys, kind: 'list', timeoutMs });
}

/** blmoveGenericCommand: only the source's type is checked before blocking. */
function bmove(ctx: ExecContext, args: readonly Buffer[], from: End, to: End, timeoutArg: Buffer | undefined): Result {
  const timeoutMs = parseBlockingTimeout(timeoutArg);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  const source = keyOf(args[1]);
  return moveValue(ctx, source, keyOf(args[2]), from, to)
    ?? blockOn(ctx, args, { keys: [source], kind: 'list', timeoutMs, deniedReply: NULL });
}

export function blmove(ctx: ExecContext, args: readonly Buffer[]): Result {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  if (from === undefined || to === undefined) return ERR_SYNTAX;
  return bmove(ctx, args, from, to, args[5]);
}

export function brpoplpush(ctx: ExecContext, args: readonly Buffer[]): Result {
  return bmove(ctx, args, 'right', 'left', args[3]);
}
