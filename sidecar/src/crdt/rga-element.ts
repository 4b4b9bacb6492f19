import type { Hlc } from './hlc.js';
import type { RgaLeaf } from './order-statistic-tree.js';
import type { Dot, Stamp } from './stamp.js';

/**
 * The id of one list element: the dot of the operation that inserted it plus its
 * position in that operation's values. `RPUSH l a b c` is one op (origin, seq) whose
 * elements are (origin, seq, 0), (origin, seq, 1), (origin, seq, 2): unique without
 * spending a sequence number per value, and the whole chain shares one stamp.
 */
export interface ElementId {
  readonly replica: string;
  readonly seq: number;
  readonly idx: number;
}

/**
 * One element of the RGA sequence (Roh et al., "Replicated abstract data types", 2011),
 * visible or a tombstone. Mutable: the tree moves it between leaves and a remove or
 * LSET rewrites its value in place.
 */
export interface RgaElement {
  readonly replica: string;
  readonly seq: number;
  readonly idx: number;
  /** Insert time; with `replica` the RGA priority among siblings (higher goes first). */
  readonly hlc: Hlc;
  /**
   * The RGA tree parent: the anchor for idx 0 (null = the head), the previous value of
   * the same op otherwise. Only GC reads it, to keep a tombstone whose children may still
   * be concurrent with future ops; GC clears it once the element itself is stable.
   */
  parent: RgaElement | null;
  /** The value (see StoredValue); null once removed (a tombstone keeps only position and id). */
  value: StoredValue | null;
  /**
   * LWW stamp of the value after an LSET won; null while the value is the inserted one
   * (its stamp is then the insert's). Optional objects rather than four fields: Node's
   * V8 has no pointer compression, so every field costs 8 bytes on a million elements.
   */
  set: Stamp | null;
  /** The dot of the remove that made this a tombstone (GC waits for it to be stable). */
  removed: Dot | null;
  /** The leaf of the order-statistic tree that holds the element. */
  leaf: RgaLeaf;
}

/**
 * How a value is held. A Buffer costs ~100 bytes of object header on the V8 heap, more
 * than a typical list element's bytes; a one-byte ("latin1") string holding the same
 * bytes costs ~16 plus the bytes, round-trips exactly (byte b ↔ char code b) and
 * compares with ===. So values up to STRING_LIMIT bytes are kept as strings and turned
 * back into Buffers on read; larger ones stay Buffers (no V8 string length limit).
 * The type follows from the length, so equal values always have equal representations.
 */
export type StoredValue = string | Buffer;

const STRING_LIMIT = 4096;

export function storeValue(value: Buffer): StoredValue {
  if (value.length <= STRING_LIMIT) return value.toString('latin1');
  // A view into a bigger buffer (a socket read, a snapshot) would pin all of it: copy.
  return value.byteOffset === 0 && value.buffer.byteLength === value.length ? value : Buffer.from(value);
}

export function loadValue(value: StoredValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

/** Byte equality of two stored values. */
export function sameValue(a: StoredValue, b: StoredValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.equals(b);
}

/** True when `a` has RGA priority over `b`: larger (hlc, lower replica) insert stamp. */
export function insertedLater(a: RgaElement, hlc: Hlc, replica: string): boolean {
  if (a.hlc !== hlc) return a.hlc > hlc;
  // Same tie-break as compareStamps in stamp.ts: the lower replica id wins an exact tie.
  return a.replica < replica;
}

/** The LWW stamp of the element's current value. */
export function valueStamp(element: RgaElement): Stamp {
  return element.set ?? { hlc: element.hlc, replica: element.replica };
}

export function idOf(element: RgaElement): ElementId {
  return { replica: element.replica, seq: element.seq, idx: element.idx };
}

export function sameElementId(a: ElementId, b: ElementId): boolean {
  return a.seq === b.seq && a.idx === b.idx && a.replica === b.replica;
}

export function isVisible(element: RgaElement): boolean {
  return element.value !== null;
}
