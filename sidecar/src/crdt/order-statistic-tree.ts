import { isVisible, type RgaElement } from './rga-element.js';

/**
 * An order-statistic B+-tree over the RGA sequence, tombstones included.
 *
 * Leaves hold runs of up to LEAF_MAX elements in sequence order and are linked for
 * iteration; every node caches its *visible* weight (tombstones count 0), so the k-th
 * visible element is found by one descent and an element's visible index by one climb
 * from its leaf (each element points at its leaf). This is the layout of Diamond types'
 * content tree and of Yjs's skip list of items, reduced to what a Redis list needs.
 * All operations are O(B·log_B n) with B ≤ 64. Nodes never underflow except through
 * GC, which rebuilds the tree in bulk (rga-gc.ts).
 */
export interface RgaLeaf {
  readonly items: RgaElement[];
  weight: number;
  parent: RgaBranch | null;
  next: RgaLeaf | null;
  prev: RgaLeaf | null;
}

export interface RgaBranch {
  readonly children: RgaNode[];
  weight: number;
  parent: RgaBranch | null;
}

export type RgaNode = RgaLeaf | RgaBranch;

export interface RgaTree {
  root: RgaNode;
  first: RgaLeaf;
  /** Number of stored elements, tombstones included. */
  size: number;
}

/** A position in the sequence: element `pos` of `leaf`. */
export interface Cursor {
  leaf: RgaLeaf;
  pos: number;
}

const LEAF_MAX = 64;
const BRANCH_MAX = 32;

function isLeaf(node: RgaNode): node is RgaLeaf {
  return 'items' in node;
}

function newLeaf(items: RgaElement[]): RgaLeaf {
  const leaf: RgaLeaf = { items, weight: 0, parent: null, next: null, prev: null };
  for (const item of items) {
    item.leaf = leaf;
    if (isVisible(item)) leaf.weight++;
  }
  return leaf;
}

function newBranch(children: RgaNode[]): RgaBranch {
  const branch: RgaBranch = { children, weight: 0, parent: null };
  for (const child of children) {
    child.parent = branch;
    branch.weight += child.weight;
  }
  return branch;
}

/** Builds a balanced tree over `elements` (in sequence order) in O(n). */
export function buildTree(elements: readonly RgaElement[]): RgaTree {
  const fill = (LEAF_MAX * 3) >> 2;
  const leaves: RgaLeaf[] = [];
  for (let i = 0; i < elements.length; i += fill) leaves.push(newLeaf(elements.slice(i, i + fill)));
  if (leaves.length === 0) leaves.push(newLeaf([]));
  for (let i = 1; i < leaves.length; i++) link(leaves[i - 1] as RgaLeaf, leaves[i] as RgaLeaf);
  let level: RgaNode[] = leaves;
  while (level.length > 1) {
    const up: RgaNode[] = [];
    const branchFill = (BRANCH_MAX * 3) >> 2;
    for (let i = 0; i < level.length; i += branchFill) up.push(newBranch(level.slice(i, i + branchFill)));
    level = up;
  }
  return { root: level[0] as RgaNode, first: leaves[0] as RgaLeaf, size: elements.length };
}

function link(left: RgaLeaf, right: RgaLeaf): void {
  left.next = right;
  right.prev = left;
}

/** Adds `delta` to the visible weight of `leaf` and all its ancestors. */
export function adjustWeight(leaf: RgaLeaf, delta: number): void {
  leaf.weight += delta;
  for (let node = leaf.parent; node !== null; node = node.parent) node.weight += delta;
}

/** Cursor of the `index`-th visible element (0 ≤ index < root weight). */
export function locateVisible(tree: RgaTree, index: number): Cursor {
  let node = tree.root;
  let rest = index;
  while (!isLeaf(node)) {
    let chosen: RgaNode | undefined;
    for (const child of node.children) {
      if (rest < child.weight) { chosen = child; break; }
      rest -= child.weight;
    }
    if (chosen === undefined) throw new Error(`RGA index ${index} out of range`);
    node = chosen;
  }
  const items = node.items;
  // A leaf without tombstones is indexed directly: no visit of each element (cache misses).
  if (node.weight === items.length) return { leaf: node, pos: rest };
  for (let pos = 0; pos < items.length; pos++) {
    if (!isVisible(items[pos] as RgaElement)) continue;
    if (rest === 0) return { leaf: node, pos };
    rest--;
  }
  throw new Error(`RGA index ${index} out of range`);
}

/** Number of visible elements strictly before `element` in the sequence. */
export function visibleBefore(element: RgaElement): number {
  const leaf = element.leaf;
  let count = 0;
  if (leaf.weight === leaf.items.length) {
    count = leaf.items.indexOf(element);
  } else {
    for (const item of leaf.items) {
      if (item === element) break;
      if (isVisible(item)) count++;
    }
  }
  let child: RgaNode = leaf;
  for (let node = leaf.parent; node !== null; child = node, node = node.parent) {
    for (const sibling of node.children) {
      if (sibling === child) break;
      count += sibling.weight;
    }
  }
  return count;
}

export function cursorOf(element: RgaElement): Cursor {
  return { leaf: element.leaf, pos: element.leaf.items.indexOf(element) };
}

/** The element at `cursor`, or undefined at the end of the sequence. */
export function elementAt(cursor: Cursor): RgaElement | undefined {
  return cursor.leaf.items[cursor.pos];
}

/** Moves `cursor` one element forward (possibly past the end: elementAt → undefined). */
export function advance(cursor: Cursor): void {
  cursor.pos++;
  while (cursor.pos >= cursor.leaf.items.length && cursor.leaf.next !== null) {
    cursor.leaf = cursor.leaf.next;
    cursor.pos = 0;
  }
}

/** Moves `cursor` one element back; returns false at the start of the sequence. */
export function retreat(cursor: Cursor): boolean {
  cursor.pos--;
  while (cursor.pos < 0) {
    const prev = cursor.leaf.prev;
    if (prev === null) return false;
    cursor.leaf = prev;
    cursor.pos = prev.items.length - 1;
  }
  return true;
}

/** A cursor at the first stored element (or at the end when the tree is empty). */
export function startCursor(tree: RgaTree): Cursor {
  const cursor = { leaf: tree.first, pos: -1 };
  advance(cursor);
  return cursor;
}

/** The last leaf of the chain (O(log n) descent along the right spine). */
export function lastLeaf(tree: RgaTree): RgaLeaf {
  let node = tree.root;
  while (!isLeaf(node)) node = node.children[node.children.length - 1] as RgaNode;
  return node;
}

/**
 * Inserts `elements` (all visible) into the sequence right after position `at`
 * (`at.pos` = -1 means before the leaf's first element), splitting full nodes.
 */
export function insertAt(tree: RgaTree, at: Cursor, elements: readonly RgaElement[]): void {
  const leaf = at.leaf;
  leaf.items.splice(at.pos + 1, 0, ...elements);
  for (const element of elements) element.leaf = leaf;
  adjustWeight(leaf, elements.length);
  tree.size += elements.length;
  if (leaf.items.length > LEAF_MAX) splitLeaf(tree, leaf);
}

function splitLeaf(tree: RgaTree, leaf: RgaLeaf): void {
  const chunk = LEAF_MAX >> 1;
  const moved = leaf.items.splice(chunk);
  const fresh: RgaLeaf[] = [];
  for (let i = 0; i < moved.length; i += chunk) fresh.push(newLeaf(moved.slice(i, i + chunk)));
  let removed = 0;
  for (const part of fresh) removed += part.weight;
  leaf.weight -= removed;
  let left = leaf;
  const after = leaf.next;
  for (const part of fresh) { link(left, part); left = part; }
  left.next = after;
  if (after !== null) after.prev = left;
  insertSiblings(tree, leaf, fresh);
}

/** Puts `fresh` (whose weight was taken out of `node`) right after `node` in its parent. */
function insertSiblings(tree: RgaTree, node: RgaNode, fresh: RgaNode[]): void {
  let parent = node.parent;
  if (parent === null) {
    // The root split: grow the tree by one level.
    parent = newBranch([node]);
    for (const child of fresh) parent.weight += child.weight;
    tree.root = parent;
  }
  const at = parent.children.indexOf(node) + 1;
  parent.children.splice(at, 0, ...fresh);
  for (const child of fresh) child.parent = parent;
  if (parent.children.length > BRANCH_MAX) splitBranch(tree, parent);
}

function splitBranch(tree: RgaTree, branch: RgaBranch): void {
  const chunk = BRANCH_MAX >> 1;
  const moved = branch.children.splice(chunk);
  const fresh: RgaBranch[] = [];
  for (let i = 0; i < moved.length; i += chunk) fresh.push(newBranch(moved.slice(i, i + chunk)));
  for (const part of fresh) branch.weight -= part.weight;
  insertSiblings(tree, branch, fresh);
}
