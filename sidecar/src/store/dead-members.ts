import { deadFieldNames, forgetDeadFields, hashTombstones } from '../crdt/hash.js';
import { memberKey } from '../crdt/or-set.js';
import { vvDominates } from '../crdt/version-vector.js';
import type { Effect } from './effects.js';
import { stateOfKind, type KeyRecord } from './key-record.js';

/**
 * Deleted counter fields inside a hash that lives on (`HINCRBY h f 1`, later `HDEL h f`):
 * a field whose every increment a delete covered shows nothing but keeps its per-origin
 * counts. It may be forgotten once every op in its history is causally stable, for the
 * reason a whole deleted counter may (keyspace.ts collectGarbage, contributions.ts).
 *
 * A whole key is dated with the applied vector each time it changes; dating a busy hash
 * that way would never let stability catch up. So fields are dated by generation: a GC
 * pass takes the fields dead now with the applied vector now; the fields of that
 * generation not touched by any op since, and still dead, are forgotten by the first
 * pass whose stable vector covers that vector (their whole history is older than it).
 * The generation lives on the record (key-record.ts DeadMemberGeneration).
 */
/** Records the fields `effect` touches in the record's pending generation, if any. */
export function noteTouchedMembers(record: KeyRecord, effect: Effect): void {
  const generation = record.deadMembers;
  if (generation === undefined) return;
  if (effect.type === 'hash.set') for (const [field] of effect.fields) generation.touched.add(memberKey(field));
  else if (effect.type === 'hash.incr' || effect.type === 'hash.incrfloat') generation.touched.add(memberKey(effect.field));
  else if (effect.type === 'hash.del') for (const field of effect.fields) generation.touched.add(memberKey(field));
  // A key delete touches every field.
  else if (effect.type === 'key.del') record.deadMembers = undefined;
}

/**
 * One GC visit: forgets the pending generation's fields once `stable` covers it, then
 * starts a new generation (dated `applied`) if dead fields remain. Returns how many went
 * and whether a generation is pending (the key needs another visit).
 */
export function collectDeadMembers(record: KeyRecord, stable: ReadonlyMap<string, number>, applied: ReadonlyMap<string, number>): { forgotten: number; pending: boolean } {
  const hash = stateOfKind(record, 'hash');
  if (hash === undefined) {
    record.deadMembers = undefined;
    return { forgotten: 0, pending: false };
  }
  let forgotten = 0;
  const generation = record.deadMembers;
  if (generation !== undefined && vvDominates(stable, generation.at)) {
    forgotten = forgetDeadFields(hash, generation.names.filter((name) => !generation.touched.has(name)));
    record.deadMembers = undefined;
  }
  if (record.deadMembers === undefined) {
    const names = deadFieldNames(hash);
    if (names.length > 0) record.deadMembers = { at: new Map(applied), names, touched: new Set() };
  }
  return { forgotten, pending: record.deadMembers !== undefined };
}

/** O(1): whether the record's hash keeps fields that show nothing (some may be deleted counters). */
export function mayHaveDeadMembers(record: KeyRecord): boolean {
  const hash = stateOfKind(record, 'hash');
  return hash !== undefined && hashTombstones(hash) > 0;
}
