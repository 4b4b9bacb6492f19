import { floorForNewEpoch } from './contributions.js';
import { addDot, removeObservedDots, type DotSet } from './or-set-dots.js';
import { memberKey } from './or-set.js';
import {
  addIncrement, addWrite, basisKey, countsKey, incrementStartsScoreEpoch, isDeadScore, NO_TOTALS, removedFloor, removeObservedWrites,
  scoreValue, type ScoreCounters, type ScoreTotals, type ScoreWrites,
} from './sorted-set-score.js';
import { createOrderTree, treeInsert, treeRemove, treeSize, type OrderTree } from './sorted-set-index.js';
import { zsetTombstones } from './sorted-set-range.js';
import { dotOf, maxStamp, stampOf, ZERO_STAMP, type Dot, type OpContext, type Stamp } from './stamp.js';

/**
 * A Redis sorted set (DESIGN.md §4): membership is an add-wins OR-Set (or-set-dots.ts;
 * ZADD and ZINCRBY add the op's dot, ZREM, ZPOPMIN and DEL remove observed dots), and each
 * member's score is the register of sorted-set-score.ts. Visible members are kept in
 * an order-statistic B+tree by (score, member) (sorted-set-index.ts) for rank and range
 * queries; reads are in sorted-set-range.ts. Members are latin1 strings (binary-safe).
 *
 * A member whose dots are all removed leaves the tree; its entry stays in `entries`
 * only while it carries increment totals (the delete floor a concurrent ZINCRBY must be
 * measured against), like a hash field's counter tombstone, until the GC forgets it
 * (`deadMemberNames`, store/dead-members.ts).
 */
export interface ZEntry {
  readonly member: string;
  /** The visible score; the tree key while the member is visible. */
  score: number;
  dots: DotSet | null;
  writes: ScoreWrites | null;
  counters: ScoreCounters | null;
}

export interface ZsetState {
  readonly kind: 'zset';
  readonly entries: Map<string, ZEntry>;
  readonly index: OrderTree<ZEntry>;
  /** Highest stamp of any op applied: decides the key's type in a type conflict. */
  lastWrite: Stamp;
}

export type ZsetEffect =
  /** ZADD (final scores after NX/XX/GT/LT): `observed[i]` = `zsetObservedTotals(state, member)` at the writer. */
  | { readonly type: 'zset.add'; readonly entries: readonly (readonly [Buffer, number])[]; readonly observed: readonly ScoreTotals[] }
  /**
   * ZINCRBY / ZADD INCR. `result` is the score Redis would store (current + delta);
   * `counts` and `basis` describe what it was computed on. `newEpoch`: the origin's
   * count of this member restarts here (as `str.incr`). Build with `zsetIncrEffect`.
   */
  | {
    readonly type: 'zset.incr'; readonly member: Buffer; readonly delta: number; readonly result: number;
    readonly counts: string; readonly basis: string; readonly newEpoch?: boolean;
  }
  /** ZREM, ZPOP*, ZREMRANGEBY*: observed remove; `observed[i]` as for `zset.add`. */
  | { readonly type: 'zset.remove'; readonly members: readonly Buffer[]; readonly observed: readonly ScoreTotals[] };

export function createZset(): ZsetState {
  return { kind: 'zset', entries: new Map(), index: createOrderTree(), lastWrite: ZERO_STAMP };
}

function entryFor(state: ZsetState, member: string): ZEntry {
  let entry = state.entries.get(member);
  if (entry === undefined) {
    entry = { member, score: 0, dots: null, writes: null, counters: null };
    state.entries.set(member, entry);
  }
  return entry;
}

/** Runs `change` on an entry and keeps the tree and the entry map in step with it. */
function update(state: ZsetState, entry: ZEntry, change: (entry: ZEntry) => void): void {
  const wasVisible = entry.dots !== null;
  const oldScore = entry.score;
  change(entry);
  const isVisible = entry.dots !== null;
  const score = scoreValue(entry.writes, entry.counters);
  const moved = score !== oldScore; // 0 and -0 sort alike, like doubles in t_zset.c
  if (wasVisible && (!isVisible || moved)) treeRemove(state.index, entry);
  entry.score = score;
  if (isVisible && (!wasVisible || moved)) treeInsert(state.index, entry);
  if (!isVisible && entry.writes === null && (entry.counters === null || entry.counters.totals.size === 0)) state.entries.delete(entry.member);
}

function assertScore(score: number): void {
  if (Number.isNaN(score)) throw new Error('NaN score reached the sorted-set CRDT (the command layer must reject it)');
}

function applyAdd(state: ZsetState, member: string, score: number, seen: ScoreTotals, ctx: OpContext, dot: Dot): void {
  assertScore(score);
  update(state, entryFor(state, member), (entry) => {
    entry.dots = addDot(entry.dots ?? undefined, dot, ctx);
    entry.writes = addWrite(entry.writes, { score, dot, hlc: ctx.hlc, observed: seen }, ctx);
  });
}

function applyIncr(state: ZsetState, effect: Extract<ZsetEffect, { type: 'zset.incr' }>, ctx: OpContext): void {
  assertScore(effect.delta);
  assertScore(effect.result);
  update(state, entryFor(state, memberKey(effect.member)), (entry) => {
    entry.dots = addDot(entry.dots ?? undefined, dotOf(ctx), ctx);
    const counters = entry.counters ?? { totals: NO_TOTALS, floor: NO_TOTALS, cache: null };
    const newEpoch = effect.newEpoch === true;
    counters.totals = addIncrement(counters.totals, ctx.origin, effect.delta, newEpoch ? ctx.seq : undefined);
    if (newEpoch) counters.floor = floorForNewEpoch(counters.floor, ctx.origin);
    // At most one cache can match the totals (each includes its own increment), so
    // keeping it only when it does makes the state independent of delivery order.
    counters.cache = countsKey(counters.totals) === effect.counts ? { score: effect.result, basis: effect.basis } : null;
    entry.counters = counters;
  });
}

function applyRemove(state: ZsetState, member: string, seen: ScoreTotals, ctx: OpContext): void {
  const existing = state.entries.get(member);
  if (existing === undefined) return;
  update(state, existing, (entry) => {
    entry.dots = entry.dots === null ? null : removeObservedDots(entry.dots, ctx) ?? null;
    entry.writes = removeObservedWrites(entry.writes, ctx);
    if (entry.counters !== null) entry.counters.floor = removedFloor(entry.counters, seen);
  });
}

/** Applies one effect with the context of the op that carries it. */
export function applyZsetEffect(state: ZsetState, effect: ZsetEffect, ctx: OpContext): ZsetState {
  switch (effect.type) {
    case 'zset.add': {
      const dot = dotOf(ctx); // shared by the op's members and base writes
      effect.entries.forEach(([member, score], i) => applyAdd(state, memberKey(member), score, effect.observed[i] ?? NO_TOTALS, ctx, dot));
      break;
    }
    case 'zset.incr':
      applyIncr(state, effect, ctx);
      break;
    case 'zset.remove':
      effect.members.forEach((member, i) => applyRemove(state, memberKey(member), effect.observed[i] ?? NO_TOTALS, ctx));
      break;
  }
  state.lastWrite = maxStamp(state.lastWrite, stampOf(ctx));
  return state;
}

/** Key delete: observed remove of every member; `observedPerMember` = `zsetObservedPerMember(state)` at the deleter. */
export function deleteZsetObserved(state: ZsetState, ctx: OpContext, observedPerMember?: ReadonlyMap<string, ScoreTotals>): ZsetState {
  for (const member of [...state.entries.keys()]) applyRemove(state, member, observedPerMember?.get(member) ?? NO_TOTALS, ctx);
  return state;
}

/** Increment totals of `member` as seen here (the `observed` of a ZADD or ZREM made here). */
export function zsetObservedTotals(state: ZsetState | undefined, member: Buffer | string): ScoreTotals {
  return state?.entries.get(memberKey(member))?.counters?.totals ?? NO_TOTALS;
}

/** Observed totals of every member that has some (for `deleteZsetObserved`). */
export function zsetObservedPerMember(state: ZsetState): Map<string, ScoreTotals> {
  const out = new Map<string, ScoreTotals>();
  for (const [member, entry] of state.entries) if (entry.counters !== null) out.set(member, entry.counters.totals);
  return out;
}

export function zsetAddEffect(state: ZsetState | undefined, entries: readonly (readonly [Buffer, number])[]): ZsetEffect {
  return { type: 'zset.add', entries, observed: entries.map(([member]) => zsetObservedTotals(state, member)) };
}

export function zsetRemoveEffect(state: ZsetState | undefined, members: readonly Buffer[]): ZsetEffect {
  return { type: 'zset.remove', members, observed: members.map((member) => zsetObservedTotals(state, member)) };
}

/**
 * ZINCRBY made here by `origin`. `result` is Redis's `current + delta` (current 0 for a
 * new member); the caller rejects NaN results with Redis's error before committing.
 * `epochSeq`, given when counter epochs are on (replica/features.ts), is the seq the
 * op will carry: a new epoch starts there, and `counts` must name it.
 */
export function zsetIncrEffect(
  state: ZsetState | undefined, member: Buffer, delta: number, origin: string, epochSeq?: number,
): ZsetEffect & { type: 'zset.incr' } {
  const entry = state?.entries.get(memberKey(member));
  const current = entry?.dots != null ? entry.score : 0;
  const counters = entry?.counters ?? null;
  const newEpoch = epochSeq !== undefined && incrementStartsScoreEpoch(counters, origin);
  const totals = addIncrement(counters?.totals ?? NO_TOTALS, origin, delta, newEpoch ? epochSeq : undefined);
  const basis = basisKey(entry?.writes ?? null, counters);
  const effect = { type: 'zset.incr', member, delta, result: current + delta, counts: countsKey(totals), basis } as const;
  return newEpoch ? { ...effect, newEpoch: true } : effect;
}

/** A sorted set that is only removed members' counters (ZINCRBY … then DEL or ZREM): see isDeadScore. */
export function isDeletedCounterZset(state: ZsetState): boolean {
  if (treeSize(state.index) > 0 || state.entries.size === 0) return false;
  for (const entry of state.entries.values()) if (!isDeadEntry(entry)) return false;
  return true;
}

/** Removed members kept only for a history that may be forgotten once stable. */
export function deadMemberNames(state: ZsetState): string[] {
  const names: string[] = [];
  if (zsetTombstones(state) === 0) return names;
  for (const [member, entry] of state.entries) if (isDeadEntry(entry)) names.push(member);
  return names;
}

/** Forgets the named members that are still dead (store/dead-members.ts decides when). Returns how many went. */
export function forgetDeadMembers(state: ZsetState, names: Iterable<string>): number {
  let forgotten = 0;
  for (const member of names) {
    const entry = state.entries.get(member);
    if (entry === undefined || !isDeadEntry(entry)) continue;
    state.entries.delete(member);
    forgotten += 1;
  }
  return forgotten;
}

function isDeadEntry(entry: ZEntry): boolean {
  return entry.dots === null && entry.writes === null && entry.counters !== null && isDeadScore(entry.counters);
}
