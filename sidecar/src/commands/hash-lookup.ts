import type { HashState } from '../crdt/hash.js';
import { stateOfKind } from '../store/key-record.js';
import type { TypedState } from '../store/typed-state.js';
import type { ExecContext } from './exec-context.js';
import { lookupRead, lookupWrite, WRONG_TYPE } from './lookup.js';

/** A hash key as a command sees it: absent, the hash, or another type (WRONGTYPE). */
export type HashLookup = HashState | undefined | typeof WRONG_TYPE;

function asHash(state: TypedState | undefined): HashLookup {
  if (state === undefined) return undefined;
  return state.kind === 'hash' ? state : WRONG_TYPE;
}

/** t_hash.c lookupKeyRead + checkType(OBJ_HASH). */
export function readHash(ctx: ExecContext, key: string): HashLookup {
  return asHash(lookupRead(ctx, key));
}

/** t_hash.c hashTypeLookupWriteOrCreate's lookup: lazy expiry deletes an expired key first. */
export function writeHash(ctx: ExecContext, key: string): HashLookup {
  return asHash(lookupWrite(ctx, key));
}

/**
 * The hash state the store keeps for `key`, visible or not: after HDEL of a field that
 * had HINCRBY contributions the field's counter totals live on in a hidden state, and a
 * new write must say it observed them, or they would add up again (DESIGN.md §4).
 */
export function storedHash(ctx: ExecContext, key: string): HashState | undefined {
  const record = ctx.server.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'hash');
}
