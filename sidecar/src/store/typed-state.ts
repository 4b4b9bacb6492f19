import { EMPTY_STRING_REGISTER, isStringEmpty, type StringRegister } from '../crdt/string-register.js';
import type { Stamp } from '../crdt/stamp.js';

/**
 * The per-type CRDT states a key can hold. Usually one; two only while concurrent
 * writes of different types disagree (the later by LWW order is visible, DESIGN.md §4).
 */
export type TypedState = StringRegister;

export type RedisType = TypedState['kind'];

export function isStateEmpty(state: TypedState): boolean {
  switch (state.kind) {
    case 'string':
      return isStringEmpty(state);
  }
}

/**
 * True when the state is empty and keeps no history a future op could depend on, so the
 * store may forget it. A string register's per-origin counter totals are such history:
 * forgetting them would desynchronise contribution counts between replicas.
 */
export function canForgetState(state: TypedState): boolean {
  switch (state.kind) {
    case 'string':
      return state.writes.length === 0 && state.totals.size === 0;
  }
}

export function lastWriteOf(state: TypedState): Stamp {
  return state.lastWrite;
}

export function emptyStateOf(kind: RedisType): TypedState {
  switch (kind) {
    case 'string':
      return EMPTY_STRING_REGISTER;
  }
}
