import { zsetAddEffect, zsetRemoveEffect, type ZsetState } from '../crdt/sorted-set.js';
import { zsetSize, type ZsetItem } from '../crdt/sorted-set-range.js';
import { stateOfKind } from '../store/key-record.js';
import type { TypedState } from '../store/typed-state.js';
import type { ExecContext } from './exec-context.js';
import { deleteKey } from './key-writes.js';
import { lookupRead, lookupWrite, WRONG_TYPE } from './lookup.js';

/** Key access shared by the sorted-set command files. */
export type ZsetLookup = ZsetState | undefined | typeof WRONG_TYPE;

export function asZset(state: TypedState | undefined): ZsetLookup {
  if (state === undefined) return undefined;
  return state.kind === 'zset' ? state : WRONG_TYPE;
}

export function readZset(ctx: ExecContext, key: string): ZsetLookup {
  return asZset(lookupRead(ctx, key));
}

export function writeZset(ctx: ExecContext, key: string): ZsetLookup {
  return asZset(lookupWrite(ctx, key));
}

/** The key's sorted-set state, visible or not (a new write must observe its counter history). */
export function zsetHistory(ctx: ExecContext, key: string): ZsetState | undefined {
  const record = ctx.server.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'zset');
}

/**
 * Removes `members` (distinct, all present). Removing every member deletes the key
 * instead, so its TTL goes with it, as Redis deletes a sorted set that becomes empty
 * (t_zset.c zremCommand and friends call dbDelete).
 */
export function removeMembers(ctx: ExecContext, key: string, state: ZsetState, members: readonly Buffer[]): void {
  if (members.length === 0) return;
  if (members.length >= zsetSize(state)) deleteKey(ctx, key);
  else ctx.server.engine.emit(key, zsetRemoveEffect(state, members));
}

/**
 * Replaces `key` with a sorted set of `items` in this one operation (the *STORE
 * commands): an observed delete of whatever it held, then one add; an empty result
 * only deletes, as Redis does for an empty destination.
 */
export function storeZset(ctx: ExecContext, key: string, items: readonly ZsetItem[]): void {
  if (lookupWrite(ctx, key) !== undefined) deleteKey(ctx, key);
  if (items.length === 0) return;
  // A computed -0 is stored as 0, as Redis's listpack reads it back (see zset-reply.ts).
  const entries = items.map((item): [Buffer, number] => [item.member, item.score === 0 ? 0 : item.score]);
  ctx.server.engine.emit(key, zsetAddEffect(zsetHistory(ctx, key), entries));
}
