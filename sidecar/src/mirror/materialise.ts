import { stringValue } from '../crdt/string-register.js';
import { expiresAt } from '../crdt/ttl-register.js';
import type { Keyspace } from '../store/keyspace.js';
import type { TypedState } from '../store/typed-state.js';
import { commandHead, encodedArg, type CommandWriter } from './command-writer.js';
import { writeCollection } from './materialise-collections.js';

const SET_PXAT = commandHead('SET', 5);
const PXAT = encodedArg('PXAT');
const DEL = commandHead('DEL', 2);
const PEXPIREAT = commandHead('PEXPIREAT', 3);
const PERSIST = commandHead('PERSIST', 2);
const EMPTY = Buffer.alloc(0);

/**
 * Encodes the commands that make the mirror's `key` equal to the store's visible value
 * and expiry at `now`; returns how many commands it wrote. A string is one SET (with
 * PXAT when it expires), a missing or expired key one DEL.
 */
export function writeKey(writer: CommandWriter, keyspace: Keyspace, key: string, now: number): number {
  const state = keyspace.lookup(key, now);
  if (state === undefined) return writeDel(writer, key);
  const record = keyspace.record(key);
  const at = record === undefined ? undefined : expiresAt(record.ttl);
  return writeState(writer, key, state, at);
}

function writeState(writer: CommandWriter, key: string, state: TypedState, at: number | undefined): number {
  if (state.kind !== 'string') return writeCollection(writer, key, state, at);
  const value = stringValue(state) ?? EMPTY;
  if (at === undefined) {
    const started = writer.beginPair();
    writer.latin1(key);
    writer.bytes(value);
    return started;
  }
  writer.begin(SET_PXAT);
  writer.latin1(key);
  writer.bytes(value);
  writer.encoded(PXAT);
  writer.integer(at);
  return 1;
}

/** Encodes only the key's expiry (after an EXPIRE/PERSIST that changed nothing else). */
export function writeExpiry(writer: CommandWriter, keyspace: Keyspace, key: string, now: number): number {
  if (keyspace.lookup(key, now) === undefined) return writeDel(writer, key);
  const record = keyspace.record(key);
  const at = record === undefined ? undefined : expiresAt(record.ttl);
  if (at === undefined) {
    writer.begin(PERSIST);
    writer.latin1(key);
    return 1;
  }
  return writeExpireAt(writer, key, at);
}

export function writeExpireAt(writer: CommandWriter, key: string, at: number): number {
  writer.begin(PEXPIREAT);
  writer.latin1(key);
  writer.integer(at);
  return 1;
}

export function writeDel(writer: CommandWriter, key: string): number {
  writer.begin(DEL);
  writer.latin1(key);
  return 1;
}
