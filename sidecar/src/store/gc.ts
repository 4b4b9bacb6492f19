import { gcList, listTombstones, worthCollecting } from '../crdt/rga.js';
import type { KeyRecord } from './key-record.js';

/**
 * Tombstone GC of one key's record with a causally stable vector (replica/stability.ts).
 *
 * Only list tombstones need collecting: they keep positions that concurrent inserts
 * may anchor on (rga-gc.ts). The other types keep nothing per removal that grows with
 * the number of operations: OR-Set, hash and sorted-set removes drop the observed dots
 * at once (causal delivery makes tombstones unnecessary, or-set.ts); a string write drops
 * the writes it observed, so siblings are only concurrent ones; the TTL register drops
 * observed entries. What stays per key is counter history (per-origin totals and delete
 * floors). A key left holding only deleted string or hash counters is forgotten whole
 * once stable (keyspace.ts, with the epochs of contributions.ts), a dead counter field
 * inside a live hash by generations (dead-members.ts); sorted-set members' histories
 * stay, bounded by the number of distinct members, not of ops (SEMANTICS.md).
 *
 * Returns the number of tombstones dropped; the keyspace drops states left empty.
 */
export function collectRecord(record: KeyRecord, stable: ReadonlyMap<string, number>): number {
  let collected = 0;
  for (const state of record.states) if (state.kind === 'list') collected += gcList(state, stable);
  return collected;
}

/** List tombstones the record holds. */
export function recordTombstones(record: KeyRecord): number {
  let held = 0;
  for (const state of record.states) if (state.kind === 'list') held += listTombstones(state);
  return held;
}

/** Elements stored by the record's lists that GC would walk now (gcList skips a big list with few tombstones). */
export function recordGcWork(record: KeyRecord): number {
  let size = 0;
  for (const state of record.states) if (state.kind === 'list' && worthCollecting(state)) size += state.tree.size;
  return size;
}
