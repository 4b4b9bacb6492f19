import { hashTombstones, isHashEmpty, createHash, type HashState } from '../crdt/hash.js';
import { createSet, isSetEmpty, type OrSet } from '../crdt/or-set.js';
import { createList, hasStoredElements, isListEmpty, type ListState } from '../crdt/rga.js';
import { createZset, type ZsetState } from '../crdt/sorted-set.js';
import { isZsetEmpty, zsetTombstones } from '../crdt/sorted-set-range.js';
import { EMPTY_STRING_REGISTER, isStringEmpty, type StringRegister } from '../crdt/string-register.js';
import type { Stamp } from '../crdt/stamp.js';

/**
 * The per-type CRDT states a key can hold. Usually one; two only while concurrent
 * writes of different types disagree (the later by LWW order is visible, DESIGN.md §4).
 */
export type TypedState = StringRegister | ListState | OrSet | HashState | ZsetState;

export type RedisType = TypedState['kind'];

export function isStateEmpty(state: TypedState): boolean {
  switch (state.kind) {
    case 'string':
      return isStringEmpty(state);
    case 'list':
      return isListEmpty(state);
    case 'set':
      return isSetEmpty(state);
    case 'hash':
      return isHashEmpty(state);
    case 'zset':
      return isZsetEmpty(state);
  }
}

/**
 * True when the state is empty and keeps no history a future op could depend on, so the
 * store may forget it. A string register's per-origin counter totals are such history:
 * forgetting them would desynchronise contribution counts between replicas; so are list
 * tombstones (anchors of concurrent inserts) and counter floors of hash fields and
 * sorted-set members.
 */
export function canForgetState(state: TypedState): boolean {
  switch (state.kind) {
    case 'string':
      return state.writes.length === 0 && state.totals.size === 0;
    case 'list':
      return !hasStoredElements(state);
    case 'set':
      return isSetEmpty(state);
    case 'hash':
      return isHashEmpty(state) && hashTombstones(state) === 0;
    case 'zset':
      return isZsetEmpty(state) && zsetTombstones(state) === 0;
  }
}

export function lastWriteOf(state: TypedState): Stamp {
  return state.lastWrite;
}

/** A fresh empty state of a type (mutable collections get a new object each time). */
export function emptyStateOf(kind: RedisType): TypedState {
  switch (kind) {
    case 'string':
      return EMPTY_STRING_REGISTER;
    case 'list':
      return createList();
    case 'set':
      return createSet();
    case 'hash':
      return createHash();
    case 'zset':
      return createZset();
  }
}
