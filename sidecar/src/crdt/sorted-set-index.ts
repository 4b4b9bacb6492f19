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
  scores: number[];
}

interface Inner<T> {
  readonly leaf: false;
  children: Node<T>[];
  /** First entry of each child and its score (navigation keys). */
  mins: T[];
  minScores: number[];
  size: number;
}

type Node<T> = Leaf<T> | Inner<T>;

export interface OrderTree<T extends Ranked> {
  root: Node<T>;
}

/** A monotone predicate over tree order (false…false true…true), given an entry and its score. */
export type TreePredicate<T> = (score: number, entry: T) => boolean;

const MAX = 64;
const MIN = 16;

export function compareRanked(a: Ranked, b: Ranked): number {
  return compareKey(a.score, a, b);
}

/** Compares the entry `item` (whose score is `score`) with `key`. */
function compareKey(score: number, item: Ranked, key: Ranked): number {
  if (score !== key.score) return score < key.score ? -1 : 1;
  if (item.member === key.member) return 0;
  return item.member < key.member ? -1 : 1;
}

function emptyLeaf<T>(): Leaf<T> {
  return { leaf: true, items: [], scores: [] };
}

export function createOrderTree<T extends Ranked>(): OrderTree<T> {
  return { root: emptyLeaf() };
}

function sizeOf<T>(node: Node<T>): number {
  return node.leaf ? node.items.length : node.size;
}

function widthOf<T>(node: Node<T>): number {
  return node.leaf ? node.items.length : node.children.length;
}

function firstOf<T>(node: Node<T>): T {
  return (node.leaf ? node.items[0] : node.mins[0]) as T;
}

function firstScoreOf<T>(node: Node<T>): number {
  return (node.leaf ? node.scores[0] : node.minScores[0]) as number;
}

/** First index where `pred` holds over parallel `scores`/`items` (binary search). */
function firstIndex<T>(scores: readonly number[], items: readonly T[], pred: TreePredicate<T>): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(scores[mid] as number, items[mid] as T)) hi = mid;
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

/** The child whose range holds `key`: the last one whose first entry is ≤ it. */
function childFor<T extends Ranked>(node: Inner<T>, key: Ranked): number {
  return Math.max(0, firstIndex(node.minScores, node.mins, (score, min) => compareKey(score, min, key) > 0) - 1);
}

function setChildKey<T>(node: Inner<T>, i: number): void {
  const child = node.children[i] as Node<T>;
  node.mins[i] = firstOf(child);
  node.minScores[i] = firstScoreOf(child);
}

function insertChild<T>(node: Inner<T>, i: number, child: Node<T>): void {
  insertAt(node.children, i, child);
  insertAt(node.mins, i, firstOf(child));
  insertAt(node.minScores, i, firstScoreOf(child));
}

function removeChild<T>(node: Inner<T>, i: number): void {
  removeAt(node.children, i);
  removeAt(node.mins, i);
  removeAt(node.minScores, i);
}

function splitNode<T>(node: Node<T>): Node<T> {
  const half = widthOf(node) >>> 1;
  if (node.leaf) return { leaf: true, items: node.items.splice(half), scores: node.scores.splice(half) };
  const children = node.children.splice(half);
  const size = children.reduce((sum, child) => sum + sizeOf(child), 0);
  node.size -= size;
  return { leaf: false, children, mins: node.mins.splice(half), minScores: node.minScores.splice(half), size };
}

function insertInto<T extends Ranked>(node: Node<T>, entry: T): Node<T> | undefined {
  if (node.leaf) {
    const index = firstIndex(node.scores, node.items, (score, item) => compareKey(score, item, entry) >= 0);
    insertAt(node.items, index, entry);
    insertAt(node.scores, index, entry.score);
  } else {
    const i = childFor(node, entry);
    const split = insertInto(node.children[i] as Node<T>, entry);
    node.size += 1;
    setChildKey(node, i);
    if (split !== undefined) insertChild(node, i + 1, split);
  }
  return widthOf(node) > MAX ? splitNode(node) : undefined;
}

export function treeInsert<T extends Ranked>(tree: OrderTree<T>, entry: T): void {
  const split = insertInto(tree.root, entry);
  if (split === undefined) return;
  const left = tree.root;
  tree.root = {
    leaf: false, children: [left, split], mins: [firstOf(left), firstOf(split)],
    minScores: [firstScoreOf(left), firstScoreOf(split)], size: sizeOf(left) + sizeOf(split),
  };
}

/** Merges child `left` with child `left + 1`, splitting again when the result is too wide. */
function mergeChildren<T>(node: Inner<T>, left: number): void {
  const a = node.children[left] as Node<T>;
  const b = node.children[left + 1] as Node<T>;
  if (a.leaf && b.leaf) {
    a.items = a.items.concat(b.items);
    a.scores = a.scores.concat(b.scores);
  } else if (!a.leaf && !b.leaf) {
    a.children = a.children.concat(b.children);
    a.mins = a.mins.concat(b.mins);
    a.minScores = a.minScores.concat(b.minScores);
    a.size += b.size;
  }
  removeChild(node, left + 1);
  if (widthOf(a) > MAX) insertChild(node, left + 1, splitNode(a));
}

function fixChild<T>(node: Inner<T>, i: number): void {
  const child = node.children[i] as Node<T>;
  if (sizeOf(child) === 0) {
    removeChild(node, i);
    return;
  }
  setChildKey(node, i);
  if (widthOf(child) < MIN && node.children.length > 1) mergeChildren(node, i > 0 ? i - 1 : i);
}

function removeFrom<T extends Ranked>(node: Node<T>, entry: T): boolean {
  if (node.leaf) {
    const index = firstIndex(node.scores, node.items, (score, item) => compareKey(score, item, entry) >= 0);
    if (node.items[index] !== entry) return false;
    removeAt(node.items, index);
    removeAt(node.scores, index);
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
  while (!root.leaf && root.children.length <= 1) root = root.children[0] ?? emptyLeaf();
  tree.root = root;
  return removed;
}

export function treeSize<T extends Ranked>(tree: OrderTree<T>): number {
  return sizeOf(tree.root);
}

/** Number of entries before the first one where `pred` holds (pred monotone in tree order). */
export function treeCountBefore<T extends Ranked>(tree: OrderTree<T>, pred: TreePredicate<T>): number {
  let node = tree.root;
  let rank = 0;
  while (!node.leaf) {
    // The first match is in the child before the first child whose first entry
    // matches (or is that child's first entry).
    const j = firstIndex(node.minScores, node.mins, pred);
    if (j === 0) return rank;
    for (let k = 0; k < j - 1; k++) rank += sizeOf(node.children[k] as Node<T>);
    node = node.children[j - 1] as Node<T>;
  }
  return rank + firstIndex(node.scores, node.items, pred);
}

/** 0-based rank of a key (the number of entries ordered before it). */
export function treeRank<T extends Ranked>(tree: OrderTree<T>, key: Ranked): number {
  return treeCountBefore(tree, (score, entry) => compareKey(score, entry, key) >= 0);
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
