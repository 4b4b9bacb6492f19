import { compareStamps, type OpContext } from '../crdt/stamp.js';
import { isDeletedCounterHash } from '../crdt/hash.js';
import { isDeletedCounterZset } from '../crdt/sorted-set.js';
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
   * Set while the record holds an empty typed state (kept for its stamp, see
   * `visibleState`) or is only a deleted counter's history: the applied vector when it
   * last came to be so. Once the causally stable vector covers it, GC drops them.
   */
  invisibleAt: ReadonlyMap<string, number> | undefined;
  /** Deleted counter fields of a live hash waiting to be forgotten (dead-members.ts). */
  deadMembers: DeadMemberGeneration | undefined;
}

/** Members dead at `at` (the applied vector then), and those touched since (dead-members.ts). */
export interface DeadMemberGeneration {
  readonly at: ReadonlyMap<string, number>;
  /** Dead hash fields and dead sorted-set members (a type conflict may hold both). */
  readonly fields: readonly string[];
  readonly members: readonly string[];
  /** Fields or members an op touched since `at`: their history is not covered by it. */
  readonly touched: Set<string>;
}

export function newRecord(slot: number): KeyRecord {
  return { states: [], ttl: NO_TTL, slot, invisibleAt: undefined, deadMembers: undefined };
}

/**
 * A record that holds nothing but deleted counters (INCR, HINCRBY or ZINCRBY … then DEL,
 * HDEL, ZREM or expiry): nothing visible, no TTL, every increment covered by a delete (string-register.ts).
 */
export function isDeletedCounterRecord(record: KeyRecord): boolean {
  if (record.ttl.length > 0 || record.states.length === 0) return false;
  for (const state of record.states) {
    if (!isDeletedCounterState(state)) return false;
  }
  return true;
}

function isDeletedCounterState(state: TypedState): boolean {
  switch (state.kind) {
    case 'string': return isDeletedCounter(state);
    case 'hash': return isDeletedCounterHash(state);
    case 'zset': return isDeletedCounterZset(state);
    case 'list': case 'set': return false;
  }
}

/**
 * The visible state: among the non-empty typed states, the one whose latest write wins
 * by LWW order, so concurrent writes of different types resolve alike everywhere.
 *
 * A state's `lastWrite` is the highest stamp it ever saw, deleted writes included. That
 * is the same on every replica only as long as no replica drops the state while an op
 * concurrent with the ones that emptied it can still arrive: a replica that dropped it
 * would then rebuild it with a lower stamp than one that kept it, and the two could
 * show different types. So an emptied state is kept until causally stable (the keyspace
 * dates it, GC drops it): every op that arrives after that causally follows everything
 * in it, so its stamp is higher than any the state held, and dropping it changes nothing.
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
  // No allocation in the usual case (nothing to drop): this runs on every write without GC.
  if (!record.states.some(canForgetState)) return;
  record.states = record.states.filter((state) => !canForgetState(state));
}

/**
 * Whether the record holds something GC drops once causally stable: an emptied typed
 * state kept for its stamp, or a deleted counter. (Empty states that keep history GC
 * never drops, such as counter totals beside a live value of another type, do not count.)
 */
export function holdsCollectable(record: KeyRecord): boolean {
  for (const state of record.states) if (isStateEmpty(state) && canForgetState(state)) return true;
  return isDeletedCounterRecord(record);
}

/** How many typed states hold something (more than one: a type conflict). */
export function nonEmptyStates(record: KeyRecord): number {
  let count = 0;
  for (const state of record.states) if (!isStateEmpty(state)) count += 1;
  return count;
}

/** True when the record holds nothing at all and can be forgotten. */
export function isRecordDead(record: KeyRecord): boolean {
  return record.states.length === 0 && record.ttl.length === 0;
}

export type { OpContext };
