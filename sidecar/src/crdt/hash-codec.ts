import type { Contribution, Contributions } from './contributions.js';
import { isRegister, type FieldState } from './hash-field.js';
import { createHash, type HashState } from './hash.js';
import type { LongDouble } from './long-double.js';
import {
  finish, newReader, newWriter, readDot, readLatin1, readStamp, readUint53, readVersion, ReplicaTable,
  writeDot, writeLatin1, writeStamp, writeUint53, writeVersion, type Reader, type Writer,
} from './or-set-codec.js';
import { maxStamp, ZERO_STAMP } from './stamp.js';
import type { BaseWrite, StringRegister } from './string-register.js';

/**
 * Snapshot codec of a hash (layout as in or-set-codec.ts): fields in byte order, each
 * either plain (value, dot, HLC) or a full string register (sibling writes with their
 * observed contributions, per-origin totals, delete floor). Integers travel as decimal
 * strings (exact int64 sums), long doubles as sign, 64-bit mantissa and exponent.
 */
const HASH_KIND = 2;
const PLAIN = 0;
const REGISTER = 1;
/** A register whose contributions carry counter epochs (written only when one is not 0, so older readers still read the rest). */
const REGISTER_WITH_EPOCHS = 2;

function writeLongDouble(writer: Writer, value: LongDouble | null): void {
  if (value === null) { writer.uint32(0); return; }
  if (value.kind === 'nan') { writer.uint32(1); return; }
  if (value.kind === 'infinite') { writer.uint32(2).bool(value.negative); return; }
  writer.uint32(3).bool(value.negative).string(value.mantissa.toString()).sint32(value.exponent);
}

function readLongDouble(reader: Reader): LongDouble | null {
  switch (reader.uint32()) {
    case 0: return null;
    case 1: return { kind: 'nan' };
    case 2: return { kind: 'infinite', negative: reader.bool() };
    default: {
      const negative = reader.bool();
      const mantissa = BigInt(reader.string());
      return { kind: 'finite', negative, mantissa, exponent: reader.sint32() };
    }
  }
}

export function writeContributions(writer: Writer, table: ReplicaTable, contributions: Contributions, withEpochs = false): void {
  const origins = [...contributions.keys()].sort();
  writer.uint32(origins.length);
  for (const origin of origins) {
    const c = contributions.get(origin) as Contribution;
    writer.uint32(table.indexOf(origin));
    writeUint53(writer, c.count);
    if (withEpochs) writeUint53(writer, c.epoch);
    writer.string(c.int.toString());
    writeLongDouble(writer, c.float);
  }
}

export function readContributions(reader: Reader, table: ReplicaTable, withEpochs = false): Contributions {
  const out = new Map<string, Contribution>();
  for (let n = reader.uint32(); n > 0; n--) {
    const origin = table.idAt(reader.uint32());
    const count = readUint53(reader);
    const epoch = withEpochs ? readUint53(reader) : 0;
    const int = BigInt(reader.string());
    out.set(origin, { epoch, count, int, float: readLongDouble(reader) });
  }
  return out;
}

function registerReplicas(register: StringRegister): string[] {
  const ids = [...register.totals.keys(), ...register.deleted.keys()];
  for (const w of register.writes) ids.push(w.dot.replica, w.stamp.replica, ...w.observed.keys());
  return ids;
}

function hasEpochs(register: StringRegister): boolean {
  const lists = [register.totals, register.deleted, ...register.writes.map((w) => w.observed)];
  return lists.some((list) => [...list.values()].some((c) => c.epoch !== 0));
}

function writeRegister(writer: Writer, table: ReplicaTable, register: StringRegister, withEpochs: boolean): void {
  writer.uint32(register.writes.length);
  const writes = [...register.writes].sort((a, b) => (a.dot.replica === b.dot.replica ? a.dot.seq - b.dot.seq : a.dot.replica < b.dot.replica ? -1 : 1));
  for (const w of writes) {
    writer.bytes(w.value);
    writeDot(writer, table, w.dot);
    writeStamp(writer, table, w.stamp);
    writeContributions(writer, table, w.observed, withEpochs);
  }
  writeContributions(writer, table, register.totals, withEpochs);
  writeContributions(writer, table, register.deleted, withEpochs);
}

function readRegister(reader: Reader, table: ReplicaTable, withEpochs: boolean): StringRegister {
  const writes: BaseWrite[] = [];
  for (let n = reader.uint32(); n > 0; n--) {
    const value = Buffer.from(reader.bytes());
    const dot = readDot(reader, table);
    const stamp = readStamp(reader, table);
    writes.push({ value, dot, stamp, observed: readContributions(reader, table, withEpochs) });
  }
  const totals = readContributions(reader, table, withEpochs);
  const deleted = readContributions(reader, table, withEpochs);
  // A field's own lastWrite only matters for whole keys; the hash keeps its own.
  const lastWrite = writes.reduce((stamp, w) => maxStamp(stamp, w.stamp), ZERO_STAMP);
  return { kind: 'string', writes, totals, deleted, lastWrite };
}

function writeField(writer: Writer, table: ReplicaTable, field: FieldState): void {
  if (isRegister(field)) {
    const withEpochs = hasEpochs(field);
    writer.uint32(withEpochs ? REGISTER_WITH_EPOCHS : REGISTER);
    writeRegister(writer, table, field, withEpochs);
    return;
  }
  writer.uint32(PLAIN);
  writeLatin1(writer, field.value);
  writeDot(writer, table, { replica: field.origin, seq: field.seq });
  writer.double(field.hlc);
}

function readField(reader: Reader, table: ReplicaTable): FieldState {
  const kind = reader.uint32();
  if (kind === REGISTER || kind === REGISTER_WITH_EPOCHS) return readRegister(reader, table, kind === REGISTER_WITH_EPOCHS);
  const value = readLatin1(reader);
  const dot = readDot(reader, table);
  return { value, origin: dot.replica, seq: dot.seq, hlc: reader.double() };
}

export function encodeHashState(state: HashState): Buffer {
  const ids = [state.lastWrite.replica];
  for (const field of state.fields.values()) {
    if (isRegister(field)) ids.push(...registerReplicas(field));
    else ids.push(field.origin);
  }
  const table = ReplicaTable.of(ids);
  const writer = newWriter();
  writeVersion(writer, HASH_KIND);
  table.write(writer);
  writeStamp(writer, table, state.lastWrite);
  writer.uint32(state.length);
  const names = [...state.fields.keys()].sort();
  writer.uint32(names.length);
  for (const name of names) {
    writeLatin1(writer, name);
    writeField(writer, table, state.fields.get(name) as FieldState);
  }
  return finish(writer);
}

export function decodeHashState(buf: Uint8Array): HashState {
  const reader = newReader(buf);
  readVersion(reader, HASH_KIND);
  const table = ReplicaTable.read(reader);
  const state = createHash();
  state.lastWrite = readStamp(reader, table);
  state.length = reader.uint32();
  for (let n = reader.uint32(); n > 0; n--) {
    const name = readLatin1(reader);
    state.fields.set(name, readField(reader, table));
  }
  return state;
}
