import type { Hlc } from './hlc.js';
import type { RgaLeaf } from './order-statistic-tree.js';

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
  /** The value; null once removed (a tombstone keeps only its position and id). */
  value: Buffer | null;
  /** LWW stamp of the value (LSET): hlc and replica of the last winning write. */
  setHlc: Hlc;
  setReplica: string;
  /** The dot of the remove that made this a tombstone (GC waits for it to be stable). */
  removedReplica: string | null;
  removedSeq: number;
  /** The leaf of the order-statistic tree that holds the element. */
  leaf: RgaLeaf;
}

/** True when `a` has RGA priority over `b`: larger (hlc, lower replica) insert stamp. */
export function insertedLater(a: RgaElement, hlc: Hlc, replica: string): boolean {
  if (a.hlc !== hlc) return a.hlc > hlc;
  // Same tie-break as compareStamps in stamp.ts: the lower replica id wins an exact tie.
  return a.replica < replica;
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
