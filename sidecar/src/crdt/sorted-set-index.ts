/**
 * The order of a sorted set: a counted B+tree over (score, member).
 *
 * Redis keeps this order in a skip list whose forward pointers carry spans (t_zset.c,
 * after Pugh 1990), which gives rank, score-range and lex-range queries in O(log n).
 * We get the same bounds from an order-statistic B+tree (Bayer & McCreight 1972; the
 * counting as in Cormen et al.'s order-statistic trees): leaves hold up to 64 sorted
 * entries, inner nodes up to 64 children plus each child's first entry and the
 * subtree size. In JavaScript this costs one array slot per entry instead of a node
 * object with two per-level arrays, and it walks arrays rather than chasing pointers.
 *
 * Entries are compared by score, then by member bytes (latin1 strings compare as
 * memcmp, like Redis's sdscmp). An entry's `score` must not change while it is in the
 * tree: remove it, change the score, insert it again.
 */
export interface Ranked {
  readonly score: number;
  readonly member: string;
}

interface Leaf<T> {
  readonly leaf: true;
  items: T[];
}

interface Inner<T> {
  readonly leaf: false;
  children: Node<T>[];
  /** First entry of each child (navigation keys). */
  mins: T[];
  size: number;
}

type Node<T> = Leaf<T> | Inner<T>;

export interface OrderTree<T extends Ranked> {
  root: Node<T>;
}

const MAX = 64;
const MIN = 16;

export function compareRanked(a: Ranked, b: Ranked): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  if (a.member === b.member) return 0;
  return a.member < b.member ? -1 : 1;
}

export function createOrderTree<T extends Ranked>(): OrderTree<T> {
  return { root: { leaf: true, items: [] } };
}

function sizeOf<T>(node: Node<T>): number {
  return node.leaf ? node.items.length : node.size;
}

function widthOf<T>(node: Node<T>): number {
  return node.leaf ? node.items.length : node.children.length;
}

function firstOf<T>(node: Node<T>): T | undefined {
  return node.leaf ? node.items[0] : node.mins[0];
}

/** First index in `items` where `pred` holds (pred monotone: false…false true…true). */
function firstIndex<T>(items: readonly T[], pred: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(items[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `items.splice(index, 0, item)` without splice's result array (much faster in V8). */
function insertAt<T>(items: T[], index: number, item: T): void {
  items.push(item);
  for (let k = items.length - 1; k > index; k--) items[k] = items[k - 1] as T;
  items[index] = item;
}

/** `items.splice(index, 1)` without splice's result array. */
function removeAt<T>(items: T[], index: number): void {
  for (let k = index; k < items.length - 1; k++) items[k] = items[k + 1] as T;
  items.pop();
}

/** The child whose range holds `entry`: the last one whose first entry is ≤ it. */
function childFor<T extends Ranked>(node: Inner<T>, entry: Ranked): number {
  return Math.max(0, firstIndex(node.mins, (min) => compareRanked(min, entry) > 0) - 1);
}

function splitNode<T>(node: Node<T>): Node<T> {
  if (node.leaf) return { leaf: true, items: node.items.splice(node.items.length >>> 1) };
  const half = node.children.length >>> 1;
  const children = node.children.splice(half);
  const mins = node.mins.splice(half);
  const size = children.reduce((sum, child) => sum + sizeOf(child), 0);
  node.size -= size;
  return { leaf: false, children, mins, size };
}

function insertInto<T extends Ranked>(node: Node<T>, entry: T): Node<T> | undefined {
  if (node.leaf) {
    insertAt(node.items, firstIndex(node.items, (item) => compareRanked(item, entry) >= 0), entry);
  } else {
    const i = childFor(node, entry);
    const child = node.children[i] as Node<T>;
    const split = insertInto(child, entry);
    node.size += 1;
    node.mins[i] = firstOf(child) as T;
    if (split !== undefined) {
      insertAt(node.children, i + 1, split);
      insertAt(node.mins, i + 1, firstOf(split) as T);
    }
  }
  return widthOf(node) > MAX ? splitNode(node) : undefined;
}

export function treeInsert<T extends Ranked>(tree: OrderTree<T>, entry: T): void {
  const split = insertInto(tree.root, entry);
  if (split === undefined) return;
  const left = tree.root;
  tree.root = { leaf: false, children: [left, split], mins: [firstOf(left) as T, firstOf(split) as T], size: sizeOf(left) + sizeOf(split) };
}

/** Merges child `left` with child `left + 1`, splitting again when the result is too wide. */
function mergeChildren<T>(node: Inner<T>, left: number): void {
  const a = node.children[left] as Node<T>;
  const b = node.children[left + 1] as Node<T>;
  if (a.leaf && b.leaf) a.items = a.items.concat(b.items);
  else if (!a.leaf && !b.leaf) {
    a.children = a.children.concat(b.children);
    a.mins = a.mins.concat(b.mins);
    a.size += b.size;
  }
  node.children.splice(left + 1, 1);
  node.mins.splice(left + 1, 1);
  if (widthOf(a) > MAX) {
    const split = splitNode(a);
    node.children.splice(left + 1, 0, split);
    node.mins.splice(left + 1, 0, firstOf(split) as T);
  }
}

function fixChild<T>(node: Inner<T>, i: number): void {
  const child = node.children[i] as Node<T>;
  if (sizeOf(child) === 0) {
    removeAt(node.children, i);
    removeAt(node.mins, i);
    return;
  }
  node.mins[i] = firstOf(child) as T;
  if (widthOf(child) < MIN && node.children.length > 1) mergeChildren(node, i > 0 ? i - 1 : i);
}

function removeFrom<T extends Ranked>(node: Node<T>, entry: T): boolean {
  if (node.leaf) {
    const index = firstIndex(node.items, (item) => compareRanked(item, entry) >= 0);
    if (node.items[index] !== entry) return false;
    removeAt(node.items, index);
    return true;
  }
  const i = childFor(node, entry);
  if (!removeFrom(node.children[i] as Node<T>, entry)) return false;
  node.size -= 1;
  fixChild(node, i);
  return true;
}

/** Removes `entry` (by identity, found by its current key); false when absent. */
export function treeRemove<T extends Ranked>(tree: OrderTree<T>, entry: T): boolean {
  const removed = removeFrom(tree.root, entry);
  let root = tree.root;
  while (!root.leaf && root.children.length <= 1) root = root.children[0] ?? { leaf: true, items: [] };
  tree.root = root;
  return removed;
}

export function treeSize<T extends Ranked>(tree: OrderTree<T>): number {
  return sizeOf(tree.root);
}

/** Number of entries before the first one where `pred` holds (pred monotone in tree order). */
export function treeCountBefore<T extends Ranked>(tree: OrderTree<T>, pred: (entry: T) => boolean): number {
  let node = tree.root;
  let rank = 0;
  while (!node.leaf) {
    // The first match is in the child before the first child whose first entry matches
    // (or is that child's first entry).
    const j = firstIndex(node.mins, pred);
    if (j === 0) return rank;
    for (let k = 0; k < j - 1; k++) rank += sizeOf(node.children[k] as Node<T>);
    node = node.children[j - 1] as Node<T>;
  }
  return rank + firstIndex(node.items, pred);
}

/** 0-based rank of an entry by key (the number of entries ordered before it). */
export function treeRank<T extends Ranked>(tree: OrderTree<T>, key: Ranked): number {
  return treeCountBefore(tree, (entry) => compareRanked(entry, key) >= 0);
}

/** The entry at 0-based `rank`, or undefined out of range. */
export function treeAt<T extends Ranked>(tree: OrderTree<T>, rank: number): T | undefined {
  if (rank < 0 || rank >= sizeOf(tree.root)) return undefined;
  let node = tree.root;
  let left = rank;
  while (!node.leaf) {
    let i = 0;
    for (; i < node.children.length - 1; i++) {
      const size = sizeOf(node.children[i] as Node<T>);
      if (left < size) break;
      left -= size;
    }
    node = node.children[i] as Node<T>;
  }
  return node.items[left];
}

function collect<T>(node: Node<T>, skip: number, out: T[], limit: number): number {
  if (node.leaf) {
    for (let k = skip; k < node.items.length && out.length < limit; k++) out.push(node.items[k] as T);
    return Math.max(0, skip - node.items.length);
  }
  let left = skip;
  for (const child of node.children) {
    if (out.length >= limit) break;
    const size = sizeOf(child);
    if (left >= size) { left -= size; continue; }
    collect(child, left, out, limit);
    left = 0;
  }
  return left;
}

/** Entries with ranks in [from, from + count), in order. O(log n + count). */
export function treeSlice<T extends Ranked>(tree: OrderTree<T>, from: number, count: number): T[] {
  const out: T[] = [];
  if (count > 0 && from < sizeOf(tree.root)) collect(tree.root, Math.max(0, from), out, count);
  return out;
}

/** Every entry in order (snapshots, tests). */
export function treeEntries<T extends Ranked>(tree: OrderTree<T>): T[] {
  return treeSlice(tree, 0, sizeOf(tree.root));
}
