import { compareStamps, type OpContext } from '../crdt/stamp.js';
import { isDeletedCounterHash } from '../crdt/hash.js';
import { isDeletedCounter } from '../crdt/string-register.js';
import { NO_TTL, type TtlRegister } from '../crdt/ttl-register.js';
import { canForgetState, isStateEmpty, type RedisType, type TypedState } from './typed-state.js';

/**
 * Everything the store keeps for one key: its typed CRDT state(s) and its expiry
 * register. `slot` is the key's position in the keyspace's scan order.
 */
export interface KeyRecord {
  states: TypedState[];
  ttl: TtlRegister;
  slot: number;
  /**
   * Set while the record is only a deleted counter's history: the applied vector when it
   * became so. Once the causally stable vector covers it, the record can be forgotten.
   */
  deletedCounterAt: ReadonlyMap<string, number> | undefined;
}

export function newRecord(slot: number): KeyRecord {
  return { states: [], ttl: NO_TTL, slot, deletedCounterAt: undefined };
}

/**
 * A record that holds nothing but deleted counters (INCR or HINCRBY … then DEL, HDEL or
 * expiry): nothing visible, no TTL, every increment covered by a delete (string-register.ts).
 */
export function isDeletedCounterRecord(record: KeyRecord): boolean {
  if (record.ttl.length > 0 || record.states.length === 0) return false;
  for (const state of record.states) {
    if (state.kind === 'string' ? !isDeletedCounter(state) : state.kind !== 'hash' || !isDeletedCounterHash(state)) return false;
  }
  return true;
}

/**
 * The visible state: among the non-empty typed states, the one whose latest write wins
 * by LWW order, so concurrent writes of different types resolve alike everywhere.
 */
export function visibleState(record: KeyRecord): TypedState | undefined {
  const { states } = record;
  if (states.length === 1) {
    const only = states[0];
    return only !== undefined && !isStateEmpty(only) ? only : undefined;
  }
  let best: TypedState | undefined;
  for (const state of states) {
    if (isStateEmpty(state)) continue;
    if (best === undefined || compareStamps(state.lastWrite, best.lastWrite) > 0) best = state;
  }
  return best;
}

export function stateOfKind<K extends RedisType>(record: KeyRecord, kind: K): Extract<TypedState, { kind: K }> | undefined {
  for (const state of record.states) if (state.kind === kind) return state as Extract<TypedState, { kind: K }>;
  return undefined;
}

export function replaceState(record: KeyRecord, next: TypedState): void {
  const index = record.states.findIndex((state) => state.kind === next.kind);
  if (index === -1) record.states.push(next);
  else record.states[index] = next;
}

/** Drops typed states that hold nothing and keep no history. */
export function pruneEmptyStates(record: KeyRecord): void {
  if (record.states.length === 0) return;
  record.states = record.states.filter((state) => !canForgetState(state));
}

/** True when the record holds nothing at all and can be forgotten. */
export function isRecordDead(record: KeyRecord): boolean {
  return record.states.length === 0 && record.ttl.length === 0;
}

export type { OpContext };
