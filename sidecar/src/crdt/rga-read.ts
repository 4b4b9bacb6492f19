import {
  advance, elementAt, locateVisible, retreat, startCursor, visibleBefore, type Cursor,
} from './order-statistic-tree.js';
import { idOf, loadValue, type ElementId, type RgaElement } from './rga-element.js';
import { lookupElement } from './rga-index.js';
import type { ListState } from './rga-state.js';

/**
 * Reads of a list by visible index, as the Redis list commands need them. Indexes are
 * Redis's: 0 is the head, negative counts from the tail (-1 is the last element).
 * Index lookups are one tree descent, O(log n); ranges then walk the leaf chain.
 */
export interface ListEntry {
  readonly id: ElementId;
  readonly value: Buffer;
}

export function listLength(state: ListState): number {
  return state.tree.root.weight;
}

/** No visible element (the key does not exist for Redis; tombstones may remain). */
export function isListEmpty(state: ListState): boolean {
  return state.tree.root.weight === 0;
}

/** Tombstones still stored: a list with none and no elements can be dropped by the store. */
export function listTombstones(state: ListState): number {
  return state.tombstones;
}

/** `index` (negative from the tail) as a 0-based index, or undefined when out of range. */
export function normalizeIndex(state: ListState, index: number): number | undefined {
  const length = listLength(state);
  const at = index < 0 ? index + length : index;
  return at >= 0 && at < length ? at : undefined;
}

function visibleCursor(state: ListState, index: number): Cursor | undefined {
  const at = normalizeIndex(state, index);
  return at === undefined ? undefined : locateVisible(state.tree, at);
}

/** LINDEX. */
export function listAt(state: ListState, index: number): Buffer | undefined {
  const cursor = visibleCursor(state, index);
  const value = cursor === undefined ? null : elementAt(cursor)?.value ?? null;
  return value === null ? undefined : loadValue(value);
}

export function entryAt(state: ListState, index: number): ListEntry | undefined {
  const cursor = visibleCursor(state, index);
  const element = cursor === undefined ? undefined : elementAt(cursor);
  return element === undefined ? undefined : toEntry(element);
}

/** The id at `index` (no value copy: the hot path of RPUSH, pops and anchors). */
export function idAt(state: ListState, index: number): ElementId | undefined {
  const cursor = visibleCursor(state, index);
  const element = cursor === undefined ? undefined : elementAt(cursor);
  return element === undefined ? undefined : idOf(element);
}

export function firstId(state: ListState): ElementId | undefined {
  return idAt(state, 0);
}

export function lastId(state: ListState): ElementId | undefined {
  return idAt(state, -1);
}

/** Visible index of an element, or -1 when it is unknown or removed. O(log n). */
export function indexOfId(state: ListState, id: ElementId): number {
  const element = lookupElement(state.ids, id);
  if (element === undefined || element.value === null) return -1;
  return visibleBefore(element);
}

/** The current value of an element, or undefined when it is unknown or removed. */
export function valueOfId(state: ListState, id: ElementId): Buffer | undefined {
  const value = lookupElement(state.ids, id)?.value ?? null;
  return value === null ? undefined : loadValue(value);
}

/**
 * The anchor for an insert that should land at visible `index` (0 ≤ index ≤ length):
 * null (the head) for 0, else the element now at `index - 1`. LPUSH uses 0, RPUSH
 * `length`, LINSERT BEFORE p `indexOfId(p)`, LINSERT AFTER p `indexOfId(p) + 1`.
 */
export function anchorForIndex(state: ListState, index: number): ElementId | null {
  if (index <= 0) return null;
  return idAt(state, Math.min(index, listLength(state)) - 1) ?? null;
}

/** Visible entries from visible index `from` (negative from the tail) to the end. */
export function* listEntries(state: ListState, from = 0): Generator<ListEntry> {
  const start = from < 0 ? Math.max(0, from + listLength(state)) : from;
  if (start >= listLength(state)) return;
  const cursor = locateVisible(state.tree, start);
  for (let element = elementAt(cursor); element !== undefined; element = elementAt(cursor)) {
    if (element.value !== null) yield toEntry(element);
    advance(cursor);
  }
}

/** Visible entries from visible index `from` (default the tail) back to the head. */
export function* listEntriesReverse(state: ListState, from = -1): Generator<ListEntry> {
  const length = listLength(state);
  const start = from < 0 ? from + length : Math.min(from, length - 1);
  if (start < 0) return;
  const cursor = locateVisible(state.tree, start);
  do {
    const element = elementAt(cursor);
    if (element !== undefined && element.value !== null) yield toEntry(element);
  } while (retreat(cursor));
}

/** LRANGE: Redis's clamping of start/stop, inclusive. O(log n + k). */
export function listRangeEntries(state: ListState, start: number, stop: number): ListEntry[] {
  const length = listLength(state);
  const from = Math.max(0, start < 0 ? start + length : start);
  const to = Math.min(length - 1, stop < 0 ? stop + length : stop);
  const out: ListEntry[] = [];
  if (from > to) return out;
  for (const entry of listEntries(state, from)) {
    out.push(entry);
    if (out.length > to - from) break;
  }
  return out;
}

export function listRange(state: ListState, start: number, stop: number): Buffer[] {
  return listRangeEntries(state, start, stop).map((entry) => entry.value);
}

/** Every visible value, head to tail. */
export function listValues(state: ListState): Buffer[] {
  return [...listEntries(state)].map((entry) => entry.value);
}

/** The ids of every stored element, tombstones included, in sequence order (debugging, tests). */
export function listElementOrder(state: ListState): ElementId[] {
  const out: ElementId[] = [];
  const cursor = startCursor(state.tree);
  for (let element = elementAt(cursor); element !== undefined; element = elementAt(cursor)) {
    out.push(idOf(element));
    advance(cursor);
  }
  return out;
}

/** Any element stored, tombstones included: the store may drop the key's state only when false. */
export function hasStoredElements(state: ListState): boolean {
  return state.tree.size > 0;
}

function toEntry(element: RgaElement): ListEntry {
  return { id: idOf(element), value: loadValue(element.value as Buffer) };
}
