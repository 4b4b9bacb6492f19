import {
  lastId, listEntries, listEntriesReverse, listLength, type ElementId, type ListEntry, type ListState,
} from '../crdt/rga.js';
import { error } from '../resp/reply.js';
import { nonEmptyStates } from '../store/key-record.js';
import type { ExecContext } from './exec-context.js';
import { deleteKey } from './key-writes.js';
import { lookupRead, lookupWrite, WRONG_TYPE } from './lookup.js';

/**
 * Shared pieces of the list commands (Redis 7.0 t_list.c): typed lookups, the push and
 * pop effects of DESIGN.md §4, and the key deletion when a list is emptied.
 */

/** A list key as a command sees it: absent, another type, or the list. */
export type ListLookup = ListState | undefined | typeof WRONG_TYPE;

/** Which end of a list: Redis's LIST_HEAD (LEFT) or LIST_TAIL (RIGHT). */
export type End = 'left' | 'right';

export const ERR_INDEX_RANGE = error('ERR index out of range');
export const ERR_MUST_BE_POSITIVE = error('ERR value is out of range, must be positive');
export const ERR_NUMKEYS = error('ERR numkeys should be greater than 0');
export const ERR_COUNT_POSITIVE = error('ERR count should be greater than 0');

function asList(state: ReturnType<typeof lookupRead>): ListLookup {
  if (state === undefined) return undefined;
  return state.kind === 'list' ? state : WRONG_TYPE;
}

/** lookupKeyRead + checkType(OBJ_LIST). */
export function readList(ctx: ExecContext, key: string): ListLookup {
  return asList(lookupRead(ctx, key));
}

/** lookupKeyWrite + checkType(OBJ_LIST): an expired key is deleted first. */
export function writeList(ctx: ExecContext, key: string): ListLookup {
  return asList(lookupWrite(ctx, key));
}

/** getListPositionFromObjectOrReply: LEFT or RIGHT, any case. */
export function parseEnd(arg: Buffer | undefined): End | undefined {
  const text = arg?.toString('latin1').toLowerCase();
  return text === 'left' ? 'left' : text === 'right' ? 'right' : undefined;
}

/**
 * LPUSH/RPUSH of `values` in argument order; returns the new length. LPUSH a b c gives
 * c b a, so the values go in reversed as one chain after the head; RPUSH chains them
 * after the current last element (DESIGN.md §4 anchors).
 */
export function pushValues(ctx: ExecContext, key: string, state: ListState | undefined, values: readonly Buffer[], end: End): number {
  const length = state === undefined ? 0 : listLength(state);
  if (values.length === 0) return length;
  const anchor: ElementId | null = end === 'left' || state === undefined ? null : lastId(state) ?? null;
  const chain = end === 'left' ? [...values].reverse() : values;
  ctx.server.engine.emit(key, { type: 'list.insert', anchor, values: chain });
  return length + values.length;
}

/** Up to `count` entries from one end, in pop order (RPOP returns the tail first). */
export function endEntries(state: ListState, count: number, end: End): ListEntry[] {
  const out: ListEntry[] = [];
  if (count <= 0) return out;
  for (const entry of end === 'left' ? listEntries(state) : listEntriesReverse(state)) {
    out.push(entry);
    if (out.length >= count) break;
  }
  return out;
}

/** Removes these observed elements (one `list.remove` effect). */
export function removeEntries(ctx: ExecContext, key: string, entries: readonly ListEntry[]): void {
  if (entries.length === 0) return;
  ctx.server.engine.emit(key, { type: 'list.remove', ids: entries.map((entry) => entry.id) });
}

/**
 * Pops up to `count` values from one end; deletes the key if that emptied it. The
 * caller holds a non-empty list.
 */
export function popValues(ctx: ExecContext, key: string, state: ListState, count: number, end: End): Buffer[] {
  const entries = endEntries(state, count, end);
  removeEntries(ctx, key, entries);
  deleteIfEmptied(ctx, key, state);
  return entries.map((entry) => entry.value);
}

/**
 * t_list.c listElementsRemoved: a list left empty is deleted (dbDelete), so its TTL goes
 * with it and the key no longer exists. With no TTL and no other typed state, the empty
 * list is already invisible and the delete would change nothing: skip its effect then.
 */
export function deleteIfEmptied(ctx: ExecContext, key: string, state: ListState): void {
  if (listLength(state) > 0) return;
  const { keyspace } = ctx.server;
  const record = keyspace.record(key);
  if (record === undefined) return;
  if (record.ttl.length > 0 || nonEmptyStates(record) > 0) deleteKey(ctx, key);
}
