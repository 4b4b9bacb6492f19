import { keyToWire } from '../codec/state-codec.js';
import { messageType } from '../codec/schema.js';
import { siblingValues } from '../crdt/string-register.js';
import { stateOfKind } from '../store/key-record.js';
import type { ReplicaEngine } from './engine.js';

/** CRDT.MVGET: the concurrent values of a string (LWW winner first); undefined when no string. */
export function mvget(engine: ReplicaEngine, key: string): Buffer[] | undefined {
  const record = engine.keyspace.record(key);
  const register = record === undefined ? undefined : stateOfKind(record, 'string');
  return register === undefined ? undefined : siblingValues(register);
}

/** CRDT.STATE: a key's whole CRDT record (states, dots, stamps, TTL register) as JSON, for debugging. */
export function keyStateJson(engine: ReplicaEngine, key: string): string | undefined {
  const record = engine.keyspace.record(key);
  if (record === undefined) return undefined;
  const type = messageType('KeyState');
  const object = type.toObject(type.fromObject(keyToWire(key, record)), { bytes: String, longs: String, defaults: false });
  return JSON.stringify(object, (_k, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
