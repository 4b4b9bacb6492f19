import { array, bulk, EMPTY_ARRAY, integer, NULL, NULL_ARRAY, ZERO, type Reply } from '../resp/reply.js';
import { argNumber, keyOf } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE, wrongArity } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import {
  endEntries, ERR_COUNT_POSITIVE, ERR_MUST_BE_POSITIVE, ERR_NUMKEYS, deleteIfEmptied, parseEnd, popValues,
  pushValues, removeEntries, writeList, type End,
} from './list-state.js';

/**
 * Pushes, pops and moves (Redis 7.0 t_list.c): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP
 * LMOVE RPOPLPUSH, and the cores the blocking variants share (list-blocking.ts).
 */

/** pushGenericCommand: the X variants push only onto an existing list. */
export function push(end: End, onlyExisting: boolean) {
  return (ctx: ExecContext, args: readonly Buffer[]): Reply => {
    const key = keyOf(args[1]);
    const list = writeList(ctx, key);
    if (list === WRONG_TYPE) return ERR_WRONGTYPE;
    if (list === undefined && onlyExisting) return ZERO;
    return integer(pushValues(ctx, key, list, args.slice(2), end));
  };
}

/**
 * popGenericCommand: the count is parsed before the key is looked up; with a count the
 * reply is an array (a null array for a missing key, empty for COUNT 0).
 */
export function pop(end: End) {
  const name = end === 'left' ? 'lpop' : 'rpop';
  return (ctx: ExecContext, args: readonly Buffer[]): Reply => {
    if (args.length > 3) return wrongArity(name);
    const count = args.length === 3 ? argNumber(args[2]) : -1;
    if (count === undefined || (args.length === 3 && count < 0)) return ERR_MUST_BE_POSITIVE;
    const key = keyOf(args[1]);
    const list = writeList(ctx, key);
    if (list === WRONG_TYPE) return ERR_WRONGTYPE;
    if (list === undefined) return count === -1 ? NULL : NULL_ARRAY;
    if (count === 0) return EMPTY_ARRAY;
    const values = popValues(ctx, key, list, count === -1 ? 1 : count, end);
    if (count === -1) return values[0] === undefined ? NULL : bulk(values[0]);
    return array(values.map(bulk));
  };
}

/** LMPOP/BLMPOP arguments after numkeys' position. */
export interface MpopArgs {
  readonly keys: readonly string[];
  readonly end: End;
  readonly count: number;
}

/**
 * lmpopGenericCommand's parser: numkeys (≥ 1), then LEFT|RIGHT right after the keys,
 * then an optional COUNT given at most once.
 */
export function parseMpop(args: readonly Buffer[], numkeysAt: number): MpopArgs | Reply {
  const numkeys = argNumber(args[numkeysAt]);
  if (numkeys === undefined || numkeys < 1) return ERR_NUMKEYS;
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= args.length) return ERR_SYNTAX;
  const end = parseEnd(args[whereAt]);
  if (end === undefined) return ERR_SYNTAX;
  let count = -1;
  for (let i = whereAt + 1; i < args.length; i++) {
    const hasNext = i + 1 < args.length;
    if (count === -1 && args[i]?.toString('latin1').toLowerCase() === 'count' && hasNext) {
      const value = argNumber(args[++i]);
      if (value === undefined || value < 1) return ERR_COUNT_POSITIVE;
      count = value;
    } else {
      return ERR_SYNTAX;
    }
  }
  const keys = args.slice(numkeysAt + 1, whereAt).map(keyOf);
  return { keys, end, count: count === -1 ? 1 : count };
}

/**
 * mpopGenericCommand: pops from the first non-empty list among `keys`, replying
 * [key, [values…]]; undefined when every key is missing; WRONGTYPE stops the scan.
 */
export function mpopFirst(ctx: ExecContext, request: MpopArgs): Reply | undefined {
  for (const key of request.keys) {
    const list = writeList(ctx, key);
    if (list === undefined) continue;
    if (list === WRONG_TYPE) return ERR_WRONGTYPE;
    const values = popValues(ctx, key, list, request.count, request.end);
    return array([bulk(key), array(values.map(bulk))]);
  }
  return undefined;
}

export function lmpop(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const request = parseMpop(args, 1);
  if (!('keys' in request)) return request;
  return mpopFirst(ctx, request) ?? NULL_ARRAY;
}

/**
 * lmoveGenericCommand: pop one value from `from` of the source, push it at `to` of the
 * destination (one operation: an observed remove and an insert). The destination's type
 * is checked before anything changes; a source emptied by the move is deleted. Undefined
 * when the source is missing (BLMOVE then blocks).
 */
export function moveValue(ctx: ExecContext, sourceKey: string, destinationKey: string, from: End, to: End): Reply | undefined {
  const source = writeList(ctx, sourceKey);
  if (source === WRONG_TYPE) return ERR_WRONGTYPE;
  if (source === undefined) return undefined;
  const destination = writeList(ctx, destinationKey);
  if (destination === WRONG_TYPE) return ERR_WRONGTYPE;
  const entries = endEntries(source, 1, from);
  const entry = entries[0];
  if (entry === undefined) return NULL;
  removeEntries(ctx, sourceKey, entries);
  pushValues(ctx, destinationKey, destination, [entry.value], to);
  deleteIfEmptied(ctx, sourceKey, source);
  return bulk(entry.value);
}

export function lmove(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  if (from === undefined || to === undefined) return ERR_SYNTAX;
  return moveValue(ctx, keyOf(args[1]), keyOf(args[2]), from, to) ?? NULL;
}

export function rpoplpush(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return moveValue(ctx, keyOf(args[1]), keyOf(args[2]), 'right', 'left') ?? NULL;
}
