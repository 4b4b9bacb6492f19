import { decodeHashState, encodeHashState } from '../crdt/hash-codec.js';
import { decodeSetState, encodeSetState } from '../crdt/or-set-codec.js';
import { decodeListState, encodeListState } from '../crdt/rga.js';
import { decodeZsetState, encodeZsetState } from '../crdt/sorted-set-codec.js';
import type { Dot, Stamp } from '../crdt/stamp.js';
import type { StringRegister } from '../crdt/string-register.js';
import type { TtlEntry } from '../crdt/ttl-register.js';
import type { KeyRecord } from '../store/key-record.js';
import type { TypedState } from '../store/typed-state.js';
import { decodeContributions, encodeContributions, type WireContribution } from './contributions-codec.js';
import { messageType } from './schema.js';

/** Encoding of whole key records (snapshots, full-state transfer). */
interface WireDot { replica?: string; seq?: number }
interface WireStamp { hlc?: number; replica?: string }
interface WireStringState {
  writes?: { value?: Uint8Array; dot?: WireDot; stamp?: WireStamp; observed?: WireContribution[] }[];
  totals?: WireContribution[];
  deleted?: WireContribution[];
  lastWrite?: WireStamp;
}
interface WireTypedState {
  string?: WireStringState | null;
  list?: Uint8Array | null;
  set?: Uint8Array | null;
  hash?: Uint8Array | null;
  zset?: Uint8Array | null;
}
export interface WireKeyState {
  key?: Uint8Array;
  states?: WireTypedState[];
  ttl?: { at?: number; dot?: WireDot; stamp?: WireStamp }[];
}
export interface WireStateHeader {
  replicaId?: string;
  versionVector?: { replica?: string; seq?: number }[];
  hlc?: number;
  keyCount?: number;
}

const dotOut = (dot: Dot): WireDot => ({ replica: dot.replica, seq: dot.seq });
const dotIn = (dot: WireDot | undefined): Dot => ({ replica: dot?.replica ?? '', seq: Number(dot?.seq ?? 0) });
const stampOut = (stamp: Stamp): WireStamp => ({ hlc: stamp.hlc, replica: stamp.replica });
const stampIn = (stamp: WireStamp | undefined): Stamp => ({ hlc: Number(stamp?.hlc ?? 0), replica: stamp?.replica ?? '' });
const bytesIn = (bytes: Uint8Array | undefined): Buffer => (bytes === undefined ? Buffer.alloc(0) : Buffer.from(bytes));

function encodeString(state: StringRegister): WireStringState {
  return {
    writes: state.writes.map((w) => ({ value: w.value, dot: dotOut(w.dot), stamp: stampOut(w.stamp), observed: encodeContributions(w.observed) })),
    totals: encodeContributions(state.totals),
    deleted: encodeContributions(state.deleted),
    lastWrite: stampOut(state.lastWrite),
  };
}

function decodeString(wire: WireStringState): StringRegister {
  return {
    kind: 'string',
    writes: (wire.writes ?? []).map((w) => ({ value: bytesIn(w.value), dot: dotIn(w.dot), stamp: stampIn(w.stamp), observed: decodeContributions(w.observed) })),
    totals: decodeContributions(wire.totals),
    deleted: decodeContributions(wire.deleted),
    lastWrite: stampIn(wire.lastWrite),
  };
}

/** Strings use the proto message; collections their own compact encodings (crdt/*-codec.ts). */
function encodeTyped(state: TypedState): WireTypedState {
  switch (state.kind) {
    case 'string':
      return { string: encodeString(state) };
    case 'list':
      return { list: encodeListState(state) };
    case 'set':
      return { set: encodeSetState(state) };
    case 'hash':
      return { hash: encodeHashState(state) };
    case 'zset':
      return { zset: encodeZsetState(state) };
  }
}

/**
 * Which member of the `state` oneof is set: a decoded protobufjs message answers every
 * bytes field with an empty buffer from its prototype, so only its own properties tell.
 * (Testing `wire.list` for truth read every set, hash and sorted set as an empty list,
 * and a replica whose snapshot held one could not start.)
 */
function decodeTyped(wire: WireTypedState): TypedState | undefined {
  const { string, list, set, hash, zset } = wire;
  if (isSet(wire, 'string', string)) return decodeString(string);
  if (isSet(wire, 'list', list)) return decodeListState(Buffer.from(list));
  if (isSet(wire, 'set', set)) return decodeSetState(set);
  if (isSet(wire, 'hash', hash)) return decodeHashState(hash);
  if (isSet(wire, 'zset', zset)) return decodeZsetState(zset);
  return undefined;
}

function isSet<T>(wire: WireTypedState, field: keyof WireTypedState, value: T | null | undefined): value is T {
  return value !== undefined && value !== null && Object.hasOwn(wire, field);
}

export function keyToWire(key: string, record: KeyRecord): WireKeyState {
  return {
    key: Buffer.from(key, 'latin1'),
    states: record.states.map(encodeTyped),
    ttl: record.ttl.map((e) => ({ at: e.at, dot: dotOut(e.dot), stamp: stampOut(e.stamp) })),
  };
}

export function keyFromWire(wire: WireKeyState): { key: string; record: KeyRecord } {
  const states: TypedState[] = [];
  for (const typed of wire.states ?? []) {
    const state = decodeTyped(typed);
    if (state === undefined) throw new Error('Snapshot key state of an unknown type: this build cannot read it (newer version?)');
    states.push(state);
  }
  const ttl: TtlEntry[] = (wire.ttl ?? []).map((e) => ({ at: e.at ?? Number.POSITIVE_INFINITY, dot: dotIn(e.dot), stamp: stampIn(e.stamp) }));
  return { key: bytesIn(wire.key).toString('latin1'), record: { states, ttl, slot: 0, invisibleAt: undefined, deadMembers: undefined } };
}

export function encodeKeyBatch(keys: WireKeyState[]): Uint8Array {
  return messageType('KeyStateBatch').encode({ keys }).finish();
}

export function decodeKeyBatch(bytes: Uint8Array): WireKeyState[] {
  const batch = messageType('KeyStateBatch').decode(bytes) as unknown as { keys?: WireKeyState[] };
  return batch.keys ?? [];
}

export function encodeStateHeader(header: WireStateHeader): Uint8Array {
  return messageType('StateHeader').encode(header).finish();
}

export function decodeStateHeader(bytes: Uint8Array): WireStateHeader {
  return messageType('StateHeader').decode(bytes) as unknown as WireStateHeader;
}
