import { setSize, type OrSet } from '../crdt/or-set.js';
import { bulk, type Reply } from '../resp/reply.js';
import type { TypedState } from '../store/typed-state.js';
import type { ExecContext } from './exec-context.js';
import { deleteKey } from './key-writes.js';
import { lookupRead, lookupWrite, WRONG_TYPE } from './lookup.js';

/** An empty RESP3 set (RESP2 `*0`): Redis's shared.emptyset. */
export const EMPTY_SET: Reply = { kind: 'set', items: [] };

/** Members as a RESP3 set reply (SMEMBERS, SINTER, SPOP with a count...). */
export function setReply(members: readonly Buffer[]): Reply {
  return { kind: 'set', items: members.map(bulk) };
}

/** A set key as a command sees it: absent, the set, or another type (WRONGTYPE). */
export type SetLookup = OrSet | undefined | typeof WRONG_TYPE;

export function asSet(state: TypedState | undefined): SetLookup {
  if (state === undefined) return undefined;
  return state.kind === 'set' ? state : WRONG_TYPE;
}

/** t_set.c lookupKeyRead + checkType(OBJ_SET). */
export function readSet(ctx: ExecContext, key: string): SetLookup {
  return asSet(lookupRead(ctx, key));
}

/** t_set.c lookupKeyWrite + checkType(OBJ_SET): lazy expiry deletes an expired key first. */
export function writeSet(ctx: ExecContext, key: string): SetLookup {
  return asSet(lookupWrite(ctx, key));
}

/**
 * Picks `count` distinct slot indexes out of `size` (count ≤ size) with a partial
 * Fisher–Yates shuffle over a virtual array: O(count) time and memory whatever `size`.
 */
export function distinctIndexes(size: number, count: number, random: () => number): number[] {
  const swapped = new Map<number, number>();
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (size - i));
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    picked.push(atJ);
  }
  return picked;
}

/**
 * Removes members this replica sees in `set` (SREM, SPOP, SMOVE). Removing the last one
 * deletes the key (t_set.c: `if (setTypeSize(set) == 0) dbDelete(...)`): a key delete
 * observes every member and the TTL, so the expiry goes too, as in Redis.
 */
export function removeMembers(ctx: ExecContext, key: string, set: OrSet, members: readonly Buffer[]): void {
  if (members.length === 0) return;
  if (members.length >= setSize(set)) deleteKey(ctx, key);
  else ctx.server.engine.emit(key, { type: 'set.remove', members });
}
