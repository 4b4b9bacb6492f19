import protobuf from 'protobufjs/minimal.js';
import { dotsToArray, sortedDots, type DotSet } from './or-set-dots.js';
import { createSet, type OrSet } from './or-set.js';
import type { Dot, Stamp } from './stamp.js';

/**
 * Snapshot codec of the OR-Set, and the primitives the hash and sorted-set codecs share.
 *
 * Layout: protobuf wire primitives (varints, doubles, length-delimited bytes) written
 * positionally, without field tags: a format version, a table of replica ids (each dot
 * then costs a small index instead of the id), the key's last-write stamp, then the
 * elements. Replica ids are sorted and elements written in a canonical order, so equal
 * states encode to equal bytes.
 */
export const CODEC_VERSION = 1;
const TWO_32 = 2 ** 32;

export type Writer = protobuf.Writer;
export type Reader = protobuf.Reader;

export function newWriter(): Writer {
  return protobuf.Writer.create();
}

export function newReader(buf: Uint8Array): Reader {
  return protobuf.Reader.create(buf);
}

export function finish(writer: Writer): Buffer {
  const bytes = writer.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Non-negative safe integers (sequence numbers) as two varints, exact up to 2^53. */
export function writeUint53(writer: Writer, value: number): void {
  writer.uint32(value % TWO_32).uint32(Math.floor(value / TWO_32));
}

export function readUint53(reader: Reader): number {
  const low = reader.uint32();
  return reader.uint32() * TWO_32 + low;
}

export function writeLatin1(writer: Writer, text: string): void {
  writer.bytes(Buffer.from(text, 'latin1'));
}

export function readLatin1(reader: Reader): string {
  const bytes = reader.bytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Replica ids by index, written once per snapshot. */
export class ReplicaTable {
  private readonly index = new Map<string, number>();
  constructor(readonly ids: string[] = []) {
    ids.forEach((id, i) => this.index.set(id, i));
  }
  static of(ids: Iterable<string>): ReplicaTable {
    return new ReplicaTable([...new Set(ids)].sort());
  }
  indexOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`Replica ${id} missing from the codec table`);
    return i;
  }
  idAt(i: number): string {
    const id = this.ids[i];
    if (id === undefined) throw new Error(`Corrupt snapshot: replica index ${i} out of range`);
    return id;
  }
  write(writer: Writer): void {
    writer.uint32(this.ids.length);
    for (const id of this.ids) writer.string(id);
  }
  static read(reader: Reader): ReplicaTable {
    const ids: string[] = [];
    for (let n = reader.uint32(); n > 0; n--) ids.push(reader.string());
    return new ReplicaTable(ids);
  }
}

export function writeVersion(writer: Writer, kind: number): void {
  writer.uint32(CODEC_VERSION).uint32(kind);
}

export function readVersion(reader: Reader, kind: number): void {
  readVersionOf(reader, [kind]);
}

/** Reads the header of a state whose layout has variants (`kinds`); returns the one found. */
export function readVersionOf(reader: Reader, kinds: readonly number[]): number {
  const version = reader.uint32();
  const actual = reader.uint32();
  if (version !== CODEC_VERSION || !kinds.includes(actual)) throw new Error(`Unsupported snapshot: version ${version}, kind ${actual}`);
  return actual;
}

export function writeStamp(writer: Writer, table: ReplicaTable, stamp: Stamp): void {
  writer.double(stamp.hlc).uint32(table.indexOf(stamp.replica));
}

export function readStamp(reader: Reader, table: ReplicaTable): Stamp {
  const hlc = reader.double();
  return { hlc, replica: table.idAt(reader.uint32()) };
}

export function writeDot(writer: Writer, table: ReplicaTable, dot: Dot): void {
  writer.uint32(table.indexOf(dot.replica));
  writeUint53(writer, dot.seq);
}

export function readDot(reader: Reader, table: ReplicaTable): Dot {
  const replica = table.idAt(reader.uint32());
  return { replica, seq: readUint53(reader) };
}

export function writeDots(writer: Writer, table: ReplicaTable, dots: DotSet): void {
  const list = sortedDots(dots);
  writer.uint32(list.length);
  for (const dot of list) writeDot(writer, table, dot);
}

export function readDots(reader: Reader, table: ReplicaTable): DotSet {
  const dots: Dot[] = [];
  for (let n = reader.uint32(); n > 0; n--) dots.push(readDot(reader, table));
  const first = dots[0];
  if (first === undefined) throw new Error('Corrupt snapshot: element without dots');
  return dots.length === 1 ? first : dots;
}

export function replicasOfDots(dots: DotSet): string[] {
  return dotsToArray(dots).map((dot) => dot.replica);
}

const SET_KIND = 1;

export function encodeSetState(state: OrSet): Buffer {
  const table = ReplicaTable.of([state.lastWrite.replica, ...state.dots.flatMap(replicasOfDots)]);
  const writer = newWriter();
  writeVersion(writer, SET_KIND);
  table.write(writer);
  writeStamp(writer, table, state.lastWrite);
  const order = [...state.members.keys()].sort((a, b) => ((state.members[a] as string) < (state.members[b] as string) ? -1 : 1));
  writer.uint32(order.length);
  for (const slot of order) {
    writeLatin1(writer, state.members[slot] as string);
    writeDots(writer, table, state.dots[slot] as DotSet);
  }
  return finish(writer);
}

export function decodeSetState(buf: Uint8Array): OrSet {
  const reader = newReader(buf);
  readVersion(reader, SET_KIND);
  const table = ReplicaTable.read(reader);
  const state = createSet();
  state.lastWrite = readStamp(reader, table);
  for (let n = reader.uint32(); n > 0; n--) {
    const member = readLatin1(reader);
    state.slots.set(member, state.members.length);
    state.members.push(member);
    state.dots.push(readDots(reader, table));
  }
  return state;
}
