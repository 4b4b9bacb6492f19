import { stringValue, type StringRegister } from '../crdt/string-register.js';
import { visibleState } from '../store/key-record.js';
import type { TypedState } from '../store/typed-state.js';
import type { ExecContext } from './exec-context.js';

/** Marker for "the key holds another type" (the handler answers WRONGTYPE). */
export const WRONG_TYPE = Symbol('wrongtype');

/**
 * Reads a key for a read-only command: expires it first if its TTL passed (Redis's
 * lazy expiry), counts keyspace hits and misses.
 */
export function lookupRead(ctx: ExecContext, key: string): TypedState | undefined {
  const state = lookupFresh(ctx, key, false);
  if (state === undefined) ctx.server.stats.keyspaceMisses += 1;
  else ctx.server.stats.keyspaceHits += 1;
  return state;
}

/** Reads a key a write is about to change: an expired key is deleted first. */
export function lookupWrite(ctx: ExecContext, key: string): TypedState | undefined {
  return lookupFresh(ctx, key, true);
}

/**
 * The key's visible state after lazy expiry. Only a key with a TTL can have expired, so
 * the rest (the hot path) costs one map lookup.
 */
function lookupFresh(ctx: ExecContext, key: string, forWrite: boolean): TypedState | undefined {
  const { engine, keyspace } = ctx.server;
  const record = keyspace.record(key);
  if (record === undefined) return undefined;
  if (record.ttl.length === 0) return visibleState(record);
  engine.expireIfNeeded(key, forWrite);
  return keyspace.lookup(key, ctx.now);
}

export function asString(state: TypedState | undefined): StringRegister | undefined | typeof WRONG_TYPE {
  if (state === undefined) return undefined;
  return state.kind === 'string' ? state : WRONG_TYPE;
}

/** A string key's value for reading: undefined when absent, WRONG_TYPE for other types. */
export function readStringValue(ctx: ExecContext, key: string): Buffer | undefined | typeof WRONG_TYPE {
  const state = asString(lookupRead(ctx, key));
  if (state === WRONG_TYPE) return WRONG_TYPE;
  return state === undefined ? undefined : stringValue(state);
}
