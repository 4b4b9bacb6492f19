import { deadFieldNames, forgetDeadFields, hashTombstones } from '../crdt/hash.js';
import { memberKey } from '../crdt/or-set.js';
import { zsetTombstones } from '../crdt/sorted-set-range.js';
import { deadMemberNames, forgetDeadMembers } from '../crdt/sorted-set.js';
import { vvDominates } from '../crdt/version-vector.js';
import type { Effect } from './effects.js';
import { stateOfKind, type KeyRecord } from './key-record.js';

/**
 * Deleted counters inside a hash or sorted set that lives on (`HINCRBY h f 1`, later
 * `HDEL h f`; `ZINCRBY z 1 m`, later `ZREM z m`): a field or member whose every increment
 * a delete covered shows nothing but keeps its per-origin counts. It may be forgotten
 * once every op in its history is causally stable, for the reason a whole deleted
 * counter may (keyspace.ts collectGarbage, contributions.ts).
 *
 * A whole key is dated with the applied vector each time it changes; dating a busy hash
 * that way would never let stability catch up. So fields are dated by generation: a GC
 * pass takes the members dead now with the applied vector now; the members of that
 * generation not touched by any op since, and still dead, are forgotten by the first
 * pass whose stable vector covers that vector (their whole history is older than it).
 * The generation lives on the record (key-record.ts DeadMemberGeneration).
 */
/** Records the members `effect` touches in the record's pending generation, if any. */
export function noteTouchedMembers(record: KeyRecord, effect: Effect): void {
  const generation = record.deadMembers;
  if (generation === undefined) return;
  const { touched } = generation;
  if (effect.type === 'hash.set') for (const [field] of effect.fields) touched.add(memberKey(field));
  else if (effect.type === 'hash.incr' || effect.type === 'hash.incrfloat') touched.add(memberKey(effect.field));
  else if (effect.type === 'hash.del') for (const field of effect.fields) touched.add(memberKey(field));
  else if (effect.type === 'zset.add') for (const [member] of effect.entries) touched.add(memberKey(member));
  else if (effect.type === 'zset.incr') touched.add(memberKey(effect.member));
  else if (effect.type === 'zset.remove') for (const member of effect.members) touched.add(memberKey(member));
  // A key delete touches every member.
  else if (effect.type === 'key.del') record.deadMembers = undefined;
}

/**
 * One GC visit: forgets the pending generation's fields and members once `stable` covers it, then
 * starts a new generation (dated `applied`) if dead ones remain. Returns how many went
 * and whether a generation is pending (the key needs another visit).
 */
export function collectDeadMembers(record: KeyRecord, stable: ReadonlyMap<string, number>, applied: ReadonlyMap<string, number>): { forgotten: number; pending: boolean } {
  const hash = stateOfKind(record, 'hash');
  const zset = stateOfKind(record, 'zset');
  let forgotten = 0;
  const generation = record.deadMembers;
  if (generation !== undefined && vvDominates(stable, generation.at)) {
    const untouched = (name: string): boolean => !generation.touched.has(name);
    if (hash !== undefined) forgotten += forgetDeadFields(hash, generation.fields.filter(untouched));
    if (zset !== undefined) forgotten += forgetDeadMembers(zset, generation.members.filter(untouched));
    record.deadMembers = undefined;
  }
  if (record.deadMembers === undefined) {
    const fields = hash === undefined ? [] : deadFieldNames(hash);
    const members = zset === undefined ? [] : deadMemberNames(zset);
    if (fields.length > 0 || members.length > 0) record.deadMembers = { at: new Map(applied), fields, members, touched: new Set() };
  }
  return { forgotten, pending: record.deadMembers !== undefined };
}

/** O(1): whether the record's hash or sorted set keeps members that show nothing (some may be deleted counters). */
export function mayHaveDeadMembers(record: KeyRecord): boolean {
  const hash = stateOfKind(record, 'hash');
  if (hash !== undefined && hashTombstones(hash) > 0) return true;
  const zset = stateOfKind(record, 'zset');
  return zset !== undefined && zsetTombstones(zset) > 0;
}
