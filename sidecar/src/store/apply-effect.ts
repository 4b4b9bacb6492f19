import { deleteStringObserved, applyStringEffect, EMPTY_STRING_REGISTER } from '../crdt/string-register.js';
import type { OpContext } from '../crdt/stamp.js';
import { applyTtlWrite, removeObservedTtl } from '../crdt/ttl-register.js';
import type { Effect } from './effects.js';
import { pruneEmptyStates, replaceState, stateOfKind, type KeyRecord } from './key-record.js';
import type { TypedState } from './typed-state.js';

function deleteObserved(state: TypedState, effect: Extract<Effect, { type: 'key.del' }>, ctx: OpContext): TypedState {
  switch (state.kind) {
    case 'string':
      return deleteStringObserved(state, effect.counters, ctx);
  }
}

/** Applies one effect to a key's record in place, with the op's own context. */
export function applyEffect(record: KeyRecord, effect: Effect, ctx: OpContext): void {
  switch (effect.type) {
    case 'key.del':
      record.states = record.states.map((state) => deleteObserved(state, effect, ctx));
      record.ttl = removeObservedTtl(record.ttl, ctx);
      pruneEmptyStates(record);
      return;
    case 'key.expire':
      record.ttl = applyTtlWrite(record.ttl, effect.at, ctx);
      return;
    case 'str.set':
    case 'str.incr':
    case 'str.incrfloat':
      replaceState(record, applyStringEffect(stateOfKind(record, 'string') ?? EMPTY_STRING_REGISTER, effect, ctx));
      return;
  }
}
