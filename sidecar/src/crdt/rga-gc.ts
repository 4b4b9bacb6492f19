import { advance, buildTree, elementAt, startCursor } from './order-statistic-tree.js';
import type { RgaElement } from './rga-element.js';
import { indexElement, type ElementIndex } from './rga-index.js';
import type { ListState } from './rga-state.js';
import { vvCovers } from './version-vector.js';

/**
 * Tombstone garbage collection.
 *
 * `stable` must be a version vector that the deps of every op this replica has not
 * applied yet cover: the pointwise minimum, over all replicas, of the deps of the latest
 * op applied here from that replica (and of our own version vector). Acks alone are not
 * enough: an op created before its origin saw a removal may still be in flight.
 * Every future op e has then seen every stable event, so its stamp exceeds theirs.
 *
 * A tombstone t may go when (1) its removal is stable, so no future op names it as
 * anchor (anchors are visible elements), and (2) each stored RGA child of t (an element
 * inserted right after it) has a stable insert. Why (2) suffices: integrating e scans
 * right from its anchor past elements with a larger stamp than e and stops at the first
 * smaller one. With t stored the scan would stop at t at the latest (t is stable, so
 * older than e). Without t it reaches the next stored element z instead: either a child
 * of a collected element — stable by (2), older than e — or a later sibling of a
 * collected element, which the RGA order makes older than that (stable) sibling. Either
 * way the scan stops in the same gap, so collected and uncollected replicas put e in
 * the same place. A concurrent child would not stop the scan: that is why it blocks.
 * (Leaves-only GC would be simpler but useless for queues: with RPUSH/LPOP every popped
 * element is the anchor of the next push and would never be a leaf.)
 *
 * O(n): it walks the sequence and rebuilds the tree and id index when anything went;
 * the store calls it from time to time, not per op. Returns the number collected.
 */
export function gcList(state: ListState, stable: ReadonlyMap<string, number>): number {
  if (!worthCollecting(state)) return 0;
  return collectList(state, stable);
}

/** Lists storing up to this many elements are collected whenever they hold a tombstone: their pass is cheap. */
export const SMALL_LIST = 4096;

/**
 * Whether a pass over the list is worth its O(n) cost now. A big list is collected only
 * once tombstones are half of what it stores, so its memory stays within twice its
 * visible elements while a queue drained at one end (LPOP/RPOP: every popped element is
 * a tombstone until stable) pays O(1) amortised per pop. Collecting it on every GC tick
 * instead stalled the event loop for its whole length each second: LPOP p99 was
 * 190–240 ms on a 400,000-element list under redis-benchmark, 21 ms without GC.
 */
export function worthCollecting(state: ListState): boolean {
  return state.tombstones > 0 && (state.tree.size <= SMALL_LIST || state.tombstones * 2 >= state.tree.size);
}

/** gcList without the cost check (tests, and the rule itself). */
export function collectList(state: ListState, stable: ReadonlyMap<string, number>): number {
  if (state.tombstones === 0) return 0;
  const all: RgaElement[] = [];
  const blocked = new Set<RgaElement>();
  const cursor = startCursor(state.tree);
  for (let element = elementAt(cursor); element !== undefined; element = elementAt(cursor)) {
    all.push(element);
    if (!vvCovers(stable, element.replica, element.seq)) {
      if (element.parent !== null) blocked.add(element.parent);
    } else {
      // A stable element never blocks its parent again: drop the link (and the memory).
      element.parent = null;
    }
    advance(cursor);
  }
  const survivors = all.filter((element) => !collectable(element, stable, blocked));
  const collected = all.length - survivors.length;
  if (collected === 0) return 0;
  state.tree = buildTree(survivors);
  state.ids = indexOf(survivors);
  state.tombstones -= collected;
  return collected;
}

function collectable(element: RgaElement, stable: ReadonlyMap<string, number>, blocked: ReadonlySet<RgaElement>): boolean {
  return element.value === null && element.removed !== null && !blocked.has(element)
    && vvCovers(stable, element.removed.replica, element.removed.seq);
}

function indexOf(elements: readonly RgaElement[]): ElementIndex {
  const index: ElementIndex = new Map();
  for (const element of elements) indexElement(index, element);
  return index;
}
