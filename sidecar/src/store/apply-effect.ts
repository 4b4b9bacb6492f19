import { applyHashEffect, deleteHashObserved } from '../crdt/hash.js';
import { applySetEffect, deleteSetObserved } from '../crdt/or-set.js';
import { applyListEffect, deleteListObserved } from '../crdt/rga.js';
import { applyZsetEffect, deleteZsetObserved } from '../crdt/sorted-set.js';
import type { OpContext } from '../crdt/stamp.js';
import { applyStringEffect, deleteStringObserved, EMPTY_STRING_REGISTER } from '../crdt/string-register.js';
import { applyTtlWrite, removeObservedTtl } from '../crdt/ttl-register.js';
import type { Effect, KeyEffect } from './effects.js';
import { replaceState, stateOfKind, type KeyRecord } from './key-record.js';
import { emptyStateOf, type RedisType, type TypedState } from './typed-state.js';

type KeyDelete = Extract<KeyEffect, { type: 'key.del' }>;

function deleteObserved(state: TypedState, effect: KeyDelete, ctx: OpContext): TypedState {
  switch (state.kind) {
    case 'string':
      return deleteStringObserved(state, effect.counters, ctx);
    case 'list':
      return deleteListObserved(state, ctx);
    case 'set':
      return deleteSetObserved(state, ctx);
    case 'hash':
      return deleteHashObserved(state, ctx, effect.fields);
    case 'zset':
      return deleteZsetObserved(state, ctx, effect.members);
  }
}

function stateFor<K extends RedisType>(record: KeyRecord, kind: K): Extract<TypedState, { kind: K }> {
  return stateOfKind(record, kind) ?? (emptyStateOf(kind) as Extract<TypedState, { kind: K }>);
}

/**
 * Applies one effect to a key's record in place, with the op's own context. A state it
 * empties stays (the keyspace decides when to drop it: key-record.ts visibleState).
 */
export function applyEffect(record: KeyRecord, effect: Effect, ctx: OpContext): void {
  switch (effect.type) {
    case 'key.del':
      record.states = record.states.map((state) => deleteObserved(state, effect, ctx));
      record.ttl = removeObservedTtl(record.ttl, ctx);
      return;
    case 'key.expire':
      record.ttl = applyTtlWrite(record.ttl, effect.at, ctx);
      return;
    case 'str.set':
    case 'str.incr':
    case 'str.incrfloat':
      replaceState(record, applyStringEffect(stateOfKind(record, 'string') ?? EMPTY_STRING_REGISTER, effect, ctx));
      return;
    case 'list.insert':
    case 'list.remove':
    case 'list.set':
      replaceState(record, applyListEffect(stateFor(record, 'list'), effect, ctx));
      return;
    case 'set.add':
    case 'set.remove':
      replaceState(record, applySetEffect(stateFor(record, 'set'), effect, ctx));
      return;
    case 'hash.set':
    case 'hash.incr':
    case 'hash.incrfloat':
    case 'hash.del':
      replaceState(record, applyHashEffect(stateFor(record, 'hash'), effect, ctx));
      return;
    case 'zset.add':
    case 'zset.incr':
    case 'zset.remove':
      replaceState(record, applyZsetEffect(stateFor(record, 'zset'), effect, ctx));
  }
}
