import {
  adjustWeight, advance, cursorOf, elementAt, insertAt, startCursor, type Cursor,
} from './order-statistic-tree.js';
import { insertedLater, storeValue, valueStamp, type ElementId, type RgaElement } from './rga-element.js';
import { hasOp, indexOp, lookupElement } from './rga-index.js';
import { internReplica, type ListState } from './rga-state.js';
import { compareStamps, maxStamp, observed, type OpContext } from './stamp.js';

/**
 * The RGA list CRDT (Roh, Jeon, Kim, Lee: "Replicated abstract data types: building
 * blocks for collaborative applications", JPDC 2011), with Redis list semantics from
 * DESIGN.md §4:
 *
 * - Every element has a unique id and was inserted *after an anchor* (an element the
 *   inserter saw, or the head). The anchors form a tree; the list is its pre-order walk
 *   where the children of a node come in descending insert stamp (hlc, replica). Since
 *   an HLC is larger than every stamp its op observed, a new element outranks everything
 *   already after its anchor except concurrent inserts, so integration is "skip right
 *   over elements with a larger stamp, insert before the first smaller one" — the same
 *   result on every replica whatever the delivery order.
 * - Removes only tombstone (the position stays, so concurrent inserts still find their
 *   anchors); rga-gc.ts drops tombstones once that is provably safe.
 * - LSET is an LWW register per element; a tombstone ignores later sets, so removal
 *   wins over a concurrent LSET in either delivery order.
 *
 * Applying an effect twice is a no-op for inserts (the op's id is known) and removes,
 * and LWW-idempotent for sets; the store still dedupes by version vector first.
 */
export type ListEffect =
  /** LPUSH/RPUSH/LINSERT/LMOVE: `values` become a chain right after `anchor` (null = head). */
  | { readonly type: 'list.insert'; readonly anchor: ElementId | null; readonly values: readonly Buffer[] }
  /** LPOP/RPOP/LREM/LTRIM/LMOVE: tombstone these observed elements. */
  | { readonly type: 'list.remove'; readonly ids: readonly ElementId[] }
  /** LSET: LWW write of one element's value. */
  | { readonly type: 'list.set'; readonly id: ElementId; readonly value: Buffer };

/** Applies `effect`, made by the op with context `ctx`, in place; returns `state`. */
export function applyListEffect(state: ListState, effect: ListEffect, ctx: OpContext): ListState {
  switch (effect.type) {
    case 'list.insert':
      integrateInsert(state, effect.anchor, effect.values, ctx);
      break;
    case 'list.remove':
      for (const id of effect.ids) {
        const element = lookupElement(state.ids, id);
        if (element !== undefined) tombstone(state, element, ctx);
      }
      break;
    case 'list.set':
      applySet(state, effect.id, effect.value, ctx);
      break;
  }
  return state;
}

function integrateInsert(state: ListState, anchorId: ElementId | null, values: readonly Buffer[], ctx: OpContext): void {
  if (values.length === 0 || hasOp(state.ids, ctx.origin, ctx.seq)) return;
  const anchor = anchorId === null ? null : lookupElement(state.ids, anchorId);
  if (anchor === undefined) {
    // Causal delivery guarantees the anchor was applied first and GC never drops an
    // element a future op can name (rga-gc.ts): reaching this is a bug upstream.
    throw new Error(`RGA anchor ${anchorId?.replica}:${anchorId?.seq}:${anchorId?.idx} unknown`);
  }
  const at = skipConcurrent(state, anchor, ctx);
  const replica = internReplica(state, ctx.origin);
  const elements: RgaElement[] = [];
  let parent = anchor;
  for (let idx = 0; idx < values.length; idx++) {
    const element: RgaElement = {
      replica, seq: ctx.seq, idx, hlc: ctx.hlc, parent, value: storeValue(values[idx] as Buffer),
      set: null, removed: null, leaf: at.leaf,
    };
    elements.push(element);
    parent = element;
  }
  insertAt(state.tree, at, elements);
  indexOp(state.ids, elements);
  state.lastWrite = maxStamp(state.lastWrite, { hlc: ctx.hlc, replica });
}

/**
 * RGA integration: from the anchor, skip every following element whose insert stamp
 * beats ours — concurrent inserts after the same anchor with higher priority, and the
 * subtrees under them (whose stamps are larger still). Returns the position to insert
 * after. Without concurrency the loop stops at once: O(1) steps after the O(B) cursor.
 */
function skipConcurrent(state: ListState, anchor: RgaElement | null, ctx: OpContext): Cursor {
  const at: Cursor = anchor === null ? { leaf: state.tree.first, pos: -1 } : cursorOf(anchor);
  const probe: Cursor = anchor === null ? startCursor(state.tree) : { ...at };
  if (anchor !== null) advance(probe);
  for (let next = elementAt(probe); next !== undefined; next = elementAt(probe)) {
    if (!insertedLater(next, ctx.hlc, ctx.origin)) break;
    at.leaf = probe.leaf;
    at.pos = probe.pos;
    advance(probe);
  }
  return at;
}

function tombstone(state: ListState, element: RgaElement, ctx: OpContext): void {
  if (element.value === null) return; // first remover wins the record; any one is enough for GC
  element.value = null;
  element.removed = { replica: internReplica(state, ctx.origin), seq: ctx.seq };
  adjustWeight(element.leaf, -1);
  state.tombstones++;
}

function applySet(state: ListState, id: ElementId, value: Buffer, ctx: OpContext): void {
  const stamp = { hlc: ctx.hlc, replica: ctx.origin };
  // Counted even when the element is gone, so lastWrite does not depend on delivery order.
  state.lastWrite = maxStamp(state.lastWrite, stamp);
  const element = lookupElement(state.ids, id);
  // A removed (or collected) element stays removed: removal wins over a concurrent LSET.
  if (element === undefined || element.value === null) return;
  if (compareStamps(stamp, valueStamp(element)) <= 0) return;
  element.value = storeValue(value);
  element.set = { hlc: ctx.hlc, replica: internReplica(state, ctx.origin) };
}

/**
 * Key delete (DEL, UNLINK, FLUSHALL…): removes every element the deleting op had
 * observed, so a concurrent, unobserved push survives (`DEL l ∥ RPUSH l x` → [x]). O(n).
 */
export function deleteListObserved(state: ListState, ctx: OpContext): ListState {
  const cursor = startCursor(state.tree);
  for (let element = elementAt(cursor); element !== undefined; element = elementAt(cursor)) {
    if (element.value !== null && observed(ctx, element)) tombstone(state, element, ctx);
    advance(cursor);
  }
  return state;
}

export { createList, type ListState } from './rga-state.js';
export { idOf, sameElementId, type ElementId } from './rga-element.js';
export * from './rga-read.js';
export * from './rga-search.js';
export { collectList, gcList, SMALL_LIST, worthCollecting } from './rga-gc.js';
export { decodeListState, encodeListState } from './rga-codec.js';
