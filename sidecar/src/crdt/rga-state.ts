import { buildTree, type RgaTree } from './order-statistic-tree.js';
import type { ElementIndex } from './rga-index.js';
import { ZERO_STAMP, type Stamp } from './stamp.js';

/**
 * A Redis list as an RGA: the sequence (with tombstones) in an order-statistic tree,
 * an id index for anchors, and the key-level metadata the store needs. Owned by the
 * store and mutated in place by `applyListEffect`; deterministic given the op order
 * (no clock, no randomness, no I/O).
 */
export interface ListState {
  readonly kind: 'list';
  tree: RgaTree;
  ids: ElementIndex;
  /** Highest stamp of any insert or set: decides the key's type in a type conflict. */
  lastWrite: Stamp;
  /** Number of tombstones currently stored (GC candidates once stable). */
  tombstones: number;
  /** Interned replica ids, so a million elements share a handful of strings. */
  readonly replicas: Map<string, string>;
}

export function createList(): ListState {
  return { kind: 'list', tree: buildTree([]), ids: new Map(), lastWrite: ZERO_STAMP, tombstones: 0, replicas: new Map() };
}

/** The shared instance of `replica` for this list. */
export function internReplica(state: ListState, replica: string): string {
  const known = state.replicas.get(replica);
  if (known !== undefined) return known;
  state.replicas.set(replica, replica);
  return replica;
}
