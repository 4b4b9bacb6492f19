import { locateVisible, type RgaLeaf } from './order-statistic-tree.js';
import { idOf, storeValue, type ElementId, type RgaElement } from './rga-element.js';
import type { ListState } from './rga-state.js';

/**
 * Search by value, for LPOS, LREM and LINSERT's pivot: like Redis, a linear scan
 * (O(log n) to the start, then O(elements scanned)), but over the tree's leaves with
 * no per-element allocation, comparing stored values directly (=== for the common
 * short values, see StoredValue).
 */
export interface ListMatch {
  /** Visible index of the match. */
  readonly index: number;
  readonly id: ElementId;
}

/**
 * Every element equal to `value`, walking from visible index `from` (negative counts
 * from the tail; default the head, or the tail when `reverse`) towards the tail, or
 * towards the head when `reverse`, comparing at most `maxScan` elements (LPOS MAXLEN).
 * Stop iterating when you have enough matches (LPOS COUNT, LREM count).
 */
export function* listFind(
  state: ListState, value: Buffer, from?: number, reverse = false, maxScan = Number.POSITIVE_INFINITY,
): Generator<ListMatch> {
  const length = state.tree.root.weight;
  const requested = from ?? (reverse ? -1 : 0);
  const start = requested < 0 ? requested + length : requested;
  if (start < 0 || start >= length) return;
  const probe = storeValue(value);
  const { leaf: first, pos } = locateVisible(state.tree, start);
  let index = start;
  const last = reverse ? start - maxScan : start + maxScan; // first index not to compare
  // Leaf by leaf, in a plain loop: the scan is what LINSERT/LPOS/LREM spend their time in.
  for (let leaf: RgaLeaf | null = first, at = pos; leaf !== null; leaf = reverse ? leaf.prev : leaf.next) {
    const items = leaf.items;
    if (at < 0) at = reverse ? items.length - 1 : 0;
    for (; at >= 0 && at < items.length; at += reverse ? -1 : 1) {
      const stored = (items[at] as RgaElement).value;
      if (stored === null) continue;
      if (index === last) return;
      if (stored === probe || (typeof stored !== 'string' && typeof probe !== 'string' && stored.equals(probe))) {
        yield { index, id: idOf(items[at] as RgaElement) };
      }
      index += reverse ? -1 : 1;
    }
    at = -1;
  }
}

/** The first match from the head (LINSERT's pivot), or undefined. */
export function listFirstMatch(state: ListState, value: Buffer): ListMatch | undefined {
  for (const match of listFind(state, value)) return match;
  return undefined;
}
