import type { Contributions } from '../crdt/contributions.js';
import type { Effect, Operation } from '../store/effects.js';
import { encodeKeyedEffectReflect } from './operation-codec.js';
import { ProtoWriter } from './proto-writer.js';

/**
 * The encoding of an operation (proto `Operation`), written by hand for the effects
 * every write makes (string SET/INCR, EXPIRE, DEL) and through protobufjs for the others:
 * encoding showed as the largest single cost of a SET in profiles. The bytes are exactly
 * protobufjs's for the same operation (fields in number order, defaults omitted);
 * `operation-encoder.test.ts` checks that on random operations of every effect type.
 */
const writer = new ProtoWriter();

// Field numbers of operation.proto.
const OP_ORIGIN = 1;
const OP_SEQ = 2;
const OP_HLC = 3;
const OP_DEPS = 4;
const OP_EFFECTS = 5;
const OP_ATOMIC_GROUP = 6;
const EFFECT_KEY = 1;
const EFFECT_STRING_SET = 2;
const EFFECT_STRING_INCR = 3;
const EFFECT_KEY_DELETE = 5;
const EFFECT_KEY_EXPIRE = 6;

export function encodeOperation(op: Operation): Buffer {
  const w = writer;
  w.reset();
  const { origin, seq, hlc, deps } = op.ctx;
  w.tag(OP_ORIGIN, 2);
  w.string(origin);
  w.tag(OP_SEQ, 0);
  w.varint(seq);
  w.tag(OP_HLC, 0);
  w.varint(hlc);
  for (const [replica, depSeq] of deps) {
    if (replica === origin) continue; // implied: seq - 1
    w.tag(OP_DEPS, 2);
    const entry = w.begin();
    w.tag(1, 2);
    w.string(replica);
    w.tag(2, 0);
    w.varint(depSeq);
    w.end(entry);
  }
  for (const { key, effect } of op.effects) {
    w.tag(OP_EFFECTS, 2);
    const start = w.begin();
    if (!writeKeyedEffect(w, key, effect)) {
      const bytes = encodeKeyedEffectReflect(key, effect);
      w.pos = start - 1;
      w.bytes(bytes);
      continue;
    }
    w.end(start);
  }
  if (op.atomicGroup !== 0) {
    w.tag(OP_ATOMIC_GROUP, 0);
    w.varint(op.atomicGroup);
  }
  return w.finish();
}

/** Writes the KeyedEffect's fields; false when the effect is not one the fast path knows. */
function writeKeyedEffect(w: ProtoWriter, key: string, effect: Effect): boolean {
  switch (effect.type) {
    case 'str.set': {
      if (!plainContributions(effect.observed)) return false;
      writeKey(w, key);
      w.tag(EFFECT_STRING_SET, 2);
      const start = w.begin();
      if (effect.value.length > 0) {
        w.tag(1, 2);
        w.bytes(effect.value);
      }
      writeContributions(w, 2, effect.observed);
      w.end(start);
      return true;
    }
    case 'str.incr': {
      writeKey(w, key);
      w.tag(EFFECT_STRING_INCR, 2);
      const start = w.begin();
      const delta = effect.delta.toString();
      if (delta !== '') {
        w.tag(1, 2);
        w.string(delta);
      }
      if (effect.newEpoch === true) {
        w.tag(2, 0);
        w.varint(1);
      }
      w.end(start);
      return true;
    }
    case 'key.expire': {
      writeKey(w, key);
      w.tag(EFFECT_KEY_EXPIRE, 2);
      const start = w.begin();
      w.tag(1, 1);
      w.double(effect.at);
      w.end(start);
      return true;
    }
    case 'key.del': {
      if (effect.fields !== undefined || effect.members !== undefined || !plainContributions(effect.counters)) return false;
      writeKey(w, key);
      w.tag(EFFECT_KEY_DELETE, 2);
      const start = w.begin();
      writeContributions(w, 1, effect.counters);
      w.end(start);
      return true;
    }
    // Collections and INCRBYFLOAT (LongDouble totals): protobufjs.
    case 'str.incrfloat': case 'list.insert': case 'list.remove': case 'list.set': case 'set.add': case 'set.remove':
    case 'hash.set': case 'hash.incr': case 'hash.incrfloat': case 'hash.del': case 'zset.add': case 'zset.incr': case 'zset.remove':
      return false;
  }
}

function writeKey(w: ProtoWriter, key: string): void {
  // protobufjs leaves an empty bytes field off the wire.
  if (key.length === 0) return;
  w.tag(EFFECT_KEY, 2);
  w.latin1(key);
}

/** Integer-only contributions (float totals are LongDouble messages: left to protobufjs). */
function plainContributions(contributions: Contributions): boolean {
  for (const c of contributions.values()) if (c.float !== null) return false;
  return true;
}

/** Repeated Contribution: replica, count, int_total, epoch (float_total is null here). */
function writeContributions(w: ProtoWriter, field: number, contributions: Contributions): void {
  for (const [replica, c] of contributions) {
    w.tag(field, 2);
    const start = w.begin();
    w.tag(1, 2);
    w.string(replica);
    w.tag(2, 0);
    w.varint(c.count);
    w.tag(3, 2);
    w.string(c.int.toString());
    if (c.epoch !== 0) {
      w.tag(5, 0);
      w.varint(c.epoch);
    }
    w.end(start);
  }
}
