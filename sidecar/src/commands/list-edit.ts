import {
  anchorForIndex, idAt, listEntries, listEntriesReverse, listFind, listFirstMatch, listLength,
  type ElementId, type ListEntry, type ListState,
} from '../crdt/rga.js';
import { integer, OK, ZERO, type Reply } from '../resp/reply.js';
import { argNumber, keyOf, lower } from './args.js';
import { ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { deleteIfEmptied, ERR_INDEX_RANGE, removeEntries, writeList } from './list-state.js';

/**
 * List edits by index or value (Redis 7.0 t_list.c): LSET, LINSERT, LREM, LTRIM. Each
 * removes only the element ids it observed and anchors inserts on observed ids, so the
 * effects commute with concurrent ones (DESIGN.md §4).
 */

const EMPTY = Buffer.alloc(0);
const MINUS_ONE = integer(-1);

/** lsetCommand: key first ("no such key"), then the index; LWW write of that element id. */
export function lset(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const list = writeList(ctx, key);
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return ERR_NO_SUCH_KEY;
  const index = argNumber(args[2]);
  if (index === undefined) return ERR_NOT_INTEGER;
  const id = idAt(list, index);
  if (id === undefined) return ERR_INDEX_RANGE;
  ctx.server.engine.emit(key, { type: 'list.set', id, value: args[3] ?? EMPTY });
  return OK;
}

/**
 * linsertCommand: BEFORE/AFTER is checked before the key; the first match of the pivot
 * from the head. AFTER p anchors on p; BEFORE p on p's predecessor (or the head).
 */
export function linsert(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const where = lower(args[2]);
  if (where !== 'before' && where !== 'after') return ERR_SYNTAX;
  const key = keyOf(args[1]);
  const list = writeList(ctx, key);
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return ZERO;
  const pivot = listFirstMatch(list, args[3] ?? EMPTY);
  if (pivot === undefined) return MINUS_ONE;
  const anchor = where === 'after' ? pivot.id : anchorForIndex(list, pivot.index);
  ctx.server.engine.emit(key, { type: 'list.insert', anchor, values: [args[4] ?? EMPTY] });
  return integer(listLength(list));
}

/** lremCommand: count > 0 from the head, < 0 from the tail, 0 every match. */
export function lrem(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const count = argNumber(args[2]);
  if (count === undefined) return ERR_NOT_INTEGER;
  const key = keyOf(args[1]);
  const list = writeList(ctx, key);
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return ZERO;
  const limit = Math.abs(count);
  const ids: ElementId[] = [];
  for (const match of listFind(list, args[3] ?? EMPTY, undefined, count < 0)) {
    ids.push(match.id);
    if (limit !== 0 && ids.length >= limit) break;
  }
  if (ids.length > 0) ctx.server.engine.emit(key, { type: 'list.remove', ids });
  deleteIfEmptied(ctx, key, list);
  return integer(ids.length);
}

/** ltrimCommand: Redis's index clamping; removes the observed elements outside [start, stop]. */
export function ltrim(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const start = argNumber(args[2]);
  const stop = argNumber(args[3]);
  if (start === undefined || stop === undefined) return ERR_NOT_INTEGER;
  const key = keyOf(args[1]);
  const list = writeList(ctx, key);
  if (list === WRONG_TYPE) return ERR_WRONGTYPE;
  if (list === undefined) return OK;
  removeEntries(ctx, key, trimmedEntries(list, start, stop));
  deleteIfEmptied(ctx, key, list);
  return OK;
}

/** The entries LTRIM drops: `ltrim` from the head and `rtrim` from the tail, as t_list.c computes them. */
function trimmedEntries(list: ListState, start: number, stop: number): ListEntry[] {
  const length = listLength(list);
  let from = start < 0 ? length + start : start;
  const to = stop < 0 ? length + stop : stop;
  if (from < 0) from = 0;
  const empty = from > to || from >= length;
  const ltrim = empty ? length : from;
  const rtrim = empty ? 0 : length - Math.min(to, length - 1) - 1;
  const out: ListEntry[] = [];
  if (ltrim > 0) {
    for (const entry of listEntries(list)) {
      out.push(entry);
      if (out.length >= ltrim) break;
    }
  }
  if (rtrim > 0) {
    let taken = 0;
    for (const entry of listEntriesReverse(list)) {
      out.push(entry);
      if (++taken >= rtrim) break;
    }
  }
  return out;
}
