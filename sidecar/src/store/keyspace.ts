import { expiresAt } from '../crdt/ttl-register.js';
import { vvDominates } from '../crdt/version-vector.js';
import type { OpContext } from '../crdt/stamp.js';
import { applyEffect } from './apply-effect.js';
import type { Effect } from './effects.js';
import { collectDeadMembers, mayHaveDeadMembers, noteTouchedMembers } from './dead-members.js';
import { collectRecord, recordTombstones } from './gc.js';
import { holdsCollectable, isDeletedCounterRecord, isRecordDead, newRecord, pruneEmptyStates, visibleState, type KeyRecord } from './key-record.js';
import type { TypedState } from './typed-state.js';

/**
 * The keyspace: key (latin1 string) → record. No I/O and no clock: callers pass `now`.
 *
 * Keys keep a slot in an append-only order array so SCAN can resume from a cursor in
 * O(count); holes left by deleted keys are compacted when they outnumber live keys
 * (a compaction may make an in-flight SCAN return a key twice, never miss one that
 * existed throughout — the same guarantee Redis gives after a rehash).
 */
export class Keyspace {
  private readonly records = new Map<string, KeyRecord>();
  /**
   * The record last looked up: a write looks its key up three times (the command's read,
   * its observed context, the apply), each a probe of a map as large as the keyspace.
   * Cleared whenever a record leaves the map.
   */
  private lastKey: string | undefined;
  private lastRecord: KeyRecord | undefined;
  private order: (string | undefined)[] = [];
  private holes = 0;
  /** Keys whose TTL register has a finite winner (the active expiry cycle samples these). */
  readonly expiring = new Set<string>();
  /** Keys whose lists hold tombstones (the GC's work list; see replica/gc.ts). */
  readonly tombstoned = new Set<string>();
  /** Bumped whenever a key gains tombstones: the GC starts a new pass only after a change. */
  tombstonedEpoch = 0;

  /** Records kept, including hidden ones (deleted counters keep their contribution history). */
  get size(): number {
    return this.records.size;
  }

  /** Keys with a visible value (expired-but-not-yet-removed keys included, as Redis's DBSIZE). */
  get liveSize(): number {
    return this.live;
  }

  private live = 0;
  /** Deleted counters forgotten once causally stable (see `collectGarbage`). */
  forgottenCounters = 0;
  /**
   * Whether this replica starts counter epochs and forgets deleted counters: only once
   * every peer runs a version that has them (replica/features.ts). Off, it writes and
   * keeps counters as a version without epochs does.
   */
  counterEpochs = false;
  /**
   * The same for sorted-set scores (ZINCRBY): a feature of its own, since a replica of
   * the version before it has counter epochs but ignores them on sorted sets.
   */
  scoreEpochs = false;
  /**
   * Whether emptied typed states are kept until causally stable, for their stamps
   * (key-record.ts visibleState): on whenever tombstone GC runs, which drops them. Off
   * (no GC), they are dropped at once, and type conflicts after deletes may diverge.
   */
  keepEmptyStates = false;
  /** The replica's applied version vector (the engine's, read in place; see `apply`). */
  private applied: ReadonlyMap<string, number> = new Map();

  /**
   * Turns counter epochs on (replica/features.ts) and queues every hash that may keep
   * deleted counter fields for the GC: they were not queued while epochs were off.
   */
  enableCounterEpochs(): void {
    if (this.counterEpochs) return;
    this.counterEpochs = true;
    this.queueDeadMembers();
  }

  /** Turns sorted-set score epochs on (replica/features.ts), as `enableCounterEpochs`. */
  enableScoreEpochs(): void {
    if (this.scoreEpochs) return;
    this.scoreEpochs = true;
    this.queueDeadMembers();
  }

  /** Whether deleted counters (and dead members) may be forgotten: they carry epochs only once one of these is on. */
  private get forgetsCounters(): boolean {
    return this.counterEpochs || this.scoreEpochs;
  }

  private queueDeadMembers(): void {
    for (const [key, record] of this.records) if (mayHaveDeadMembers(record)) this.noteTombstones(key);
  }

  /** Lets the keyspace read what has been applied, to date a deleted counter's history. */
  trackAppliedVector(vector: ReadonlyMap<string, number>): void {
    this.applied = vector;
  }

  record(key: string): KeyRecord | undefined {
    if (key === this.lastKey) return this.lastRecord;
    const record = this.records.get(key);
    if (record !== undefined) {
      this.lastKey = key;
      this.lastRecord = record;
    }
    return record;
  }

  /** The visible typed state, hiding keys whose TTL passed (`now` > expiry, as Redis). */
  lookup(key: string, now: number): TypedState | undefined {
    const record = this.record(key);
    if (record === undefined) return undefined;
    if (record.ttl.length > 0 && isExpiredRecord(record, now)) return undefined;
    return visibleState(record);
  }

  /** True when the key has a state but its TTL passed (it needs an expiry delete). */
  isExpired(key: string, now: number): boolean {
    const record = this.record(key);
    return record !== undefined && record.ttl.length > 0 && isExpiredRecord(record, now) && visibleState(record) !== undefined;
  }

  /** Applies an effect with its op's context; creates and forgets records as needed. */
  apply(key: string, effect: Effect, ctx: OpContext): void {
    let record = this.record(key);
    if (record === undefined) {
      if (effect.type === 'key.del') return; // nothing observed, nothing to remove
      record = newRecord(this.order.length);
      this.order.push(key);
      this.records.set(key, record);
      this.lastKey = key;
      this.lastRecord = record;
    }
    const wasVisible = visibleState(record) !== undefined;
    // `expiring` holds exactly the records with a finite TTL, so it changes only when that does.
    const wasExpiring = record.ttl.length > 0 && expiresAt(record.ttl) !== undefined;
    noteTouchedMembers(record, effect);
    applyEffect(record, effect, ctx);
    if (!this.keepEmptyStates) pruneEmptyStates(record);
    const isVisible = visibleState(record) !== undefined;
    if (wasVisible !== isVisible) this.live += isVisible ? 1 : -1;
    const isExpiring = record.ttl.length > 0 && expiresAt(record.ttl) !== undefined;
    if (wasExpiring !== isExpiring) {
      if (isExpiring) this.expiring.add(key);
      else this.expiring.delete(key);
    }
    if ((effect.type === 'list.remove' || effect.type === 'key.del') && recordTombstones(record) > 0) this.noteTombstones(key);
    // HDEL, ZREM or DEL may leave a deleted counter in a hash or sorted set that lives on (dead-members.ts).
    if ((effect.type === 'hash.del' || effect.type === 'zset.remove' || effect.type === 'key.del') && this.forgetsCounters && mayHaveDeadMembers(record)) {
      this.noteTombstones(key);
    }
    if (isRecordDead(record)) this.forget(key, record);
    else if (holdsCollectable(record)) this.noteInvisible(key, record, ctx);
    else record.invisibleAt = undefined;
  }

  /**
   * An empty typed state (kept for its stamp) or a deleted counter (kept for its counts)
   * stays until every op in it is causally stable: it holds only ops applied here, so
   * the applied vector (with this op, which a remote apply adds after) dates it.
   */
  private noteInvisible(key: string, record: KeyRecord, ctx: OpContext): void {
    const at = new Map(this.applied);
    if ((at.get(ctx.origin) ?? 0) < ctx.seq) at.set(ctx.origin, ctx.seq);
    record.invisibleAt = at;
    this.noteTombstones(key);
  }

  private noteTombstones(key: string): void {
    this.tombstoned.add(key);
    this.tombstonedEpoch += 1;
  }

  /**
   * Drops the key's tombstones that `stable` (a causally stable vector) makes safe to
   * drop, then its empty states and deleted counters once stable too, and the record
   * when nothing is left. Returns how many tombstones and counters went. Visible state is
   * unchanged, so WATCH and the digest are not concerned.
   */
  collectGarbage(key: string, stable: ReadonlyMap<string, number>): number {
    const record = this.records.get(key);
    if (record === undefined) {
      this.tombstoned.delete(key);
      return 0;
    }
    let collected = collectRecord(record, stable);
    // Undated only when collecting a list's tombstones just left it empty.
    if (record.invisibleAt === undefined && holdsCollectable(record)) record.invisibleAt = new Map(this.applied);
    if (!this.keepEmptyStates) pruneEmptyStates(record);
    if (record.invisibleAt !== undefined && vvDominates(stable, record.invisibleAt)) {
      // Every op that arrives from now on causally follows all that emptied these states
      // (key-record.ts visibleState), so dropping them changes no replica's choice of type.
      // Counted as collected: it moves the GC horizon, past which a returning peer resyncs.
      const held = record.states.length;
      pruneEmptyStates(record);
      collected += held - record.states.length;
      if (this.forgetsCounters && isDeletedCounterRecord(record)) {
        // Safe to forget: an increment that arrives later was written by a replica that had
        // seen the deletes, so it starts a new epoch and needs none of this (contributions.ts).
        this.forget(key, record);
        this.forgottenCounters += 1;
        return collected + 1;
      }
      // What stays is history no GC pass drops (SEMANTICS.md), unless a deleted counter
      // waits for epochs, or list tombstones wait for their own stability.
      if (!isDeletedCounterRecord(record)) record.invisibleAt = undefined;
    }
    if (this.forgetsCounters) {
      const hadGeneration = record.deadMembers;
      const dead = collectDeadMembers(record, stable, this.applied);
      collected += dead.forgotten;
      this.forgottenCounters += dead.forgotten;
      // A new generation needs another pass even if the stable vector does not move.
      if (dead.pending && record.deadMembers !== hadGeneration) this.tombstonedEpoch += 1;
    }
    if (recordTombstones(record) === 0 && record.invisibleAt === undefined && record.deadMembers === undefined) this.tombstoned.delete(key);
    if (isRecordDead(record)) this.forget(key, record);
    return collected;
  }

  /** List tombstones held in the whole keyspace (O(keys with tombstones)). */
  tombstoneCount(): number {
    let held = 0;
    for (const key of this.tombstoned) {
      const record = this.records.get(key);
      if (record !== undefined) held += recordTombstones(record);
    }
    return held;
  }

  private forget(key: string, record: KeyRecord): void {
    this.records.delete(key);
    this.lastKey = undefined;
    this.lastRecord = undefined;
    this.expiring.delete(key);
    this.tombstoned.delete(key);
    this.order[record.slot] = undefined;
    this.holes += 1;
    if (this.holes > 1024 && this.holes > this.records.size) this.compact();
  }

  private compact(): void {
    const order: string[] = [];
    for (const key of this.order) {
      if (key === undefined) continue;
      const record = this.records.get(key);
      if (record === undefined) continue;
      record.slot = order.length;
      order.push(key);
    }
    this.order = order;
    this.holes = 0;
  }

  /**
   * Visits up to `count` slots from `cursor`; returns the next cursor (0 when done),
   * like SCAN. The visitor sees every record key, visible or not.
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    let index = cursor;
    const end = Math.min(this.order.length, cursor + Math.max(1, count));
    for (; index < end; index++) {
      const key = this.order[index];
      if (key !== undefined) visit(key);
    }
    return index >= this.order.length ? 0 : index;
  }

  /** A key picked from a random slot (`random` in [0,1) comes from the caller). */
  randomKey(random: () => number): string | undefined {
    if (this.records.size === 0) return undefined;
    for (let attempt = 0; attempt < 64; attempt++) {
      const key = this.order[Math.floor(random() * this.order.length)];
      if (key !== undefined) return key;
    }
    return this.records.keys().next().value;
  }

  keys(): IterableIterator<string> {
    return this.records.keys();
  }

  entries(): IterableIterator<[string, KeyRecord]> {
    return this.records.entries();
  }

  /** Drops everything (used only when loading a snapshot into a fresh store). */
  clear(): void {
    this.records.clear();
    this.lastKey = undefined;
    this.lastRecord = undefined;
    this.live = 0;
    this.order = [];
    this.holes = 0;
    this.expiring.clear();
    this.tombstoned.clear();
  }

  /** Installs a record decoded from a snapshot or a full-state transfer. */
  install(key: string, record: KeyRecord): void {
    this.lastKey = undefined;
    this.lastRecord = undefined;
    record.slot = this.order.length;
    this.order.push(key);
    this.records.set(key, record);
    if (visibleState(record) !== undefined) this.live += 1;
    if (expiresAt(record.ttl) !== undefined) this.expiring.add(key);
    if (recordTombstones(record) > 0) this.noteTombstones(key);
    if (holdsCollectable(record)) {
      // Its history is at most what the installed vector covers.
      record.invisibleAt = new Map(this.applied);
      this.noteTombstones(key);
    }
    // As apply does: the GC visit finds out which of the hidden fields are deleted counters.
    if (this.forgetsCounters && mayHaveDeadMembers(record)) this.noteTombstones(key);
  }
}

function isExpiredRecord(record: KeyRecord, now: number): boolean {
  const at = expiresAt(record.ttl);
  return at !== undefined && now > at;
}
