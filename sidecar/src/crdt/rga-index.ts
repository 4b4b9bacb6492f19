import type { ElementId, RgaElement } from './rga-element.js';

/**
 * Element id → element, for O(1) anchor lookup. Keyed by replica, then seq; an op that
 * inserted a single value (the common RPUSH/LPUSH case) maps to the element itself,
 * a multi-value op to the array of its elements by idx (GC leaves holes: undefined).
 */
export type ElementIndex = Map<string, Map<number, RgaElement | (RgaElement | undefined)[]>>;

export function lookupElement(index: ElementIndex, id: ElementId): RgaElement | undefined {
  const entry = index.get(id.replica)?.get(id.seq);
  if (entry === undefined) return undefined;
  if (Array.isArray(entry)) return entry[id.idx];
  return id.idx === 0 ? entry : undefined;
}

export function hasOp(index: ElementIndex, replica: string, seq: number): boolean {
  return index.get(replica)?.has(seq) ?? false;
}

/** Registers the elements of one op (given in idx order, idx 0..n-1). */
export function indexOp(index: ElementIndex, elements: readonly RgaElement[]): void {
  const first = elements[0];
  if (first === undefined) return;
  let bySeq = index.get(first.replica);
  if (bySeq === undefined) {
    bySeq = new Map();
    index.set(first.replica, bySeq);
  }
  bySeq.set(first.seq, elements.length === 1 ? first : [...elements]);
}

/** Registers one element of a (possibly partly collected) op: used when decoding. */
export function indexElement(index: ElementIndex, element: RgaElement): void {
  let bySeq = index.get(element.replica);
  if (bySeq === undefined) {
    bySeq = new Map();
    index.set(element.replica, bySeq);
  }
  const entry = bySeq.get(element.seq);
  if (entry === undefined && element.idx === 0) {
    bySeq.set(element.seq, element);
    return;
  }
  const array: (RgaElement | undefined)[] = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
  array[element.idx] = element;
  bySeq.set(element.seq, array);
}
