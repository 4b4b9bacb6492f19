import { addContribution, NO_CONTRIBUTIONS, type Contributions } from './contributions.js';
import {
  compactField, fieldValue, isFieldVisible, isRegister, plainDot, toRegister, type FieldState,
} from './hash-field.js';
import type { LongDouble } from './long-double.js';
import { memberKey } from './or-set.js';
import { maxStamp, observed, stampOf, ZERO_STAMP, type OpContext, type Stamp } from './stamp.js';
import { applyStringEffect, deleteStringObserved, incrementStartsEpoch, isDeletedCounter, type StringEffect } from './string-register.js';

/**
 * A Redis hash: a map of field → string register (DESIGN.md §4 "hash": per field LWW
 * register or counter, exactly as the string rows; HDEL an observed remove). Each field
 * is a `StringRegister` (string-register.ts), compacted as in hash-field.ts, so
 * `HDEL f ∥ HINCRBY f 2` (f was 10) → 2 and `HSET f 10 ∥ HINCRBY f 1` (f was 5) → 11
 * follow from the string register's rules. Field names are latin1 strings (binary-safe).
 * The state is mutable and owned by the store; apply returns it.
 */
export interface HashState {
  readonly kind: 'hash';
  readonly fields: Map<string, FieldState>;
  /** Number of visible fields (HLEN), kept in step with `fields`. */
  length: number;
  /**
   * Visible field names by index for HRANDFIELD, built on first use and dropped when a
   * field appears or disappears (a read cache, not CRDT state: never encoded).
   */
  byIndex: string[] | null;
  /** Highest stamp of any op applied: decides the key's type in a type conflict. */
  lastWrite: Stamp;
}

export type HashEffect =
  /** HSET/HMSET/HSETNX: `observed[i]` is `hashObservedTotals(state, fields[i][0])` at the writer. */
  | { readonly type: 'hash.set'; readonly fields: readonly (readonly [Buffer, Buffer])[]; readonly observed: readonly Contributions[] }
  /** HINCRBY: an integer contribution to one field (`newEpoch` as for `str.incr`). */
  | { readonly type: 'hash.incr'; readonly field: Buffer; readonly delta: bigint; readonly newEpoch?: boolean }
  /** HINCRBYFLOAT: a float contribution plus the result Redis would store (as `str.incrfloat`). */
  | { readonly type: 'hash.incrfloat'; readonly field: Buffer; readonly delta: string; readonly result: Buffer; readonly observed: Contributions; readonly newEpoch?: boolean }
  /** HDEL: observed remove of each field; `observed[i]` as for `hash.set`. */
  | { readonly type: 'hash.del'; readonly fields: readonly Buffer[]; readonly observed: readonly Contributions[] };

export function createHash(): HashState {
  return { kind: 'hash', fields: new Map(), length: 0, byIndex: null, lastWrite: ZERO_STAMP };
}

function store(state: HashState, name: string, before: FieldState | undefined, after: FieldState | undefined): void {
  if (after === undefined) state.fields.delete(name);
  else state.fields.set(name, after);
  const change = Number(isFieldVisible(after)) - Number(isFieldVisible(before));
  state.length += change;
  if (change !== 0 || before === undefined || after === undefined) state.byIndex = null;
}

function applyToField(state: HashState, name: string, effect: StringEffect, ctx: OpContext): void {
  const before = state.fields.get(name);
  store(state, name, before, compactField(applyStringEffect(toRegister(before), effect, ctx)));
}

function setField(state: HashState, name: string, value: Buffer, seen: Contributions, ctx: OpContext): void {
  const before = state.fields.get(name);
  const replaces = before === undefined || (!isRegister(before) && observed(ctx, plainDot(before)));
  if (replaces && seen.size === 0) {
    // Fast path: the new write supersedes everything (what compactField would give).
    store(state, name, before, { value: value.toString('latin1'), origin: ctx.origin, seq: ctx.seq, hlc: ctx.hlc });
    return;
  }
  applyToField(state, name, { type: 'str.set', value, observed: seen }, ctx);
}

function deleteField(state: HashState, name: string, seen: Contributions, ctx: OpContext): void {
  const before = state.fields.get(name);
  if (before === undefined) return;
  if (!isRegister(before)) {
    if (observed(ctx, plainDot(before))) store(state, name, before, undefined);
    return;
  }
  store(state, name, before, compactField(deleteStringObserved(before, seen, ctx)));
}

/** Applies one effect with the context of the op that carries it. */
export function applyHashEffect(state: HashState, effect: HashEffect, ctx: OpContext): HashState {
  switch (effect.type) {
    case 'hash.set':
      effect.fields.forEach(([field, value], i) => setField(state, memberKey(field), value, effect.observed[i] ?? NO_CONTRIBUTIONS, ctx));
      break;
    case 'hash.incr':
      applyToField(state, memberKey(effect.field), { type: 'str.incr', delta: effect.delta, newEpoch: effect.newEpoch === true }, ctx);
      break;
    case 'hash.incrfloat': {
      const { delta, result, observed: seen } = effect;
      applyToField(state, memberKey(effect.field), { type: 'str.incrfloat', delta, result, observed: seen, newEpoch: effect.newEpoch === true }, ctx);
      break;
    }
    case 'hash.del':
      effect.fields.forEach((field, i) => deleteField(state, memberKey(field), effect.observed[i] ?? NO_CONTRIBUTIONS, ctx));
      break;
  }
  state.lastWrite = maxStamp(state.lastWrite, stampOf(ctx));
  return state;
}

/**
 * Key delete: observed remove of every field. `observedPerField` is
 * `hashObservedPerField(state)` at the deleting replica; without it, counter
 * contributions survive the delete (only base writes are removed).
 */
export function deleteHashObserved(state: HashState, ctx: OpContext, observedPerField?: ReadonlyMap<string, Contributions>): HashState {
  for (const name of [...state.fields.keys()]) deleteField(state, name, observedPerField?.get(name) ?? NO_CONTRIBUTIONS, ctx);
  return state;
}

/** The counter totals a write or HDEL of `field` made here has observed (for the effects' `observed`). */
export function hashObservedTotals(state: HashState | undefined, field: Buffer | string): Contributions {
  const current = state?.fields.get(memberKey(field));
  return current !== undefined && isRegister(current) ? current.totals : NO_CONTRIBUTIONS;
}

/** Observed totals of every field that has some (for `deleteHashObserved`). */
export function hashObservedPerField(state: HashState): Map<string, Contributions> {
  const out = new Map<string, Contributions>();
  for (const [name, field] of state.fields) if (isRegister(field) && field.totals.size > 0) out.set(name, field.totals);
  return out;
}

export function hashGet(state: HashState, field: Buffer | string): Buffer | undefined {
  return fieldValue(state.fields.get(memberKey(field)));
}

export function hashHas(state: HashState, field: Buffer | string): boolean {
  return isFieldVisible(state.fields.get(memberKey(field)));
}

export function hashLength(state: HashState): number {
  return state.length;
}

export function isHashEmpty(state: HashState): boolean {
  return state.length === 0;
}

/** Visible fields with their values, in insertion order (HGETALL; Redis's order is unspecified). */
export function* hashEntries(state: HashState): Generator<[Buffer, Buffer]> {
  for (const [name, field] of state.fields) {
    const value = fieldValue(field);
    if (value !== undefined && isFieldVisible(field)) yield [Buffer.from(name, 'latin1'), value];
  }
}

/**
 * The visible field at `index` (0 ≤ index < length) for HRANDFIELD with the caller's
 * RNG: O(n) once after the set of fields changed, then O(1) per pick.
 */
export function hashFieldAt(state: HashState, index: number): [Buffer, Buffer] | undefined {
  if (state.byIndex === null) {
    state.byIndex = [];
    for (const [name, field] of state.fields) if (isFieldVisible(field)) state.byIndex.push(name);
  }
  const name = state.byIndex[index];
  if (name === undefined) return undefined;
  const value = fieldValue(state.fields.get(name));
  return value === undefined ? undefined : [Buffer.from(name, 'latin1'), value];
}

export function hashFields(state: HashState): Buffer[] {
  return [...hashEntries(state)].map(([field]) => field);
}

/** Number of fields kept only as delete floors of counters (for INFO's tombstone count). */
export function hashTombstones(state: HashState): number {
  return state.fields.size - state.length;
}

/** The `observed` of an HINCRBYFLOAT made here by `origin`: the field's totals plus its own contribution. */
export function hashIncrFloatObserved(state: HashState | undefined, field: Buffer | string, origin: string, delta: LongDouble): Contributions {
  return addContribution(hashObservedTotals(state, field), origin, 0n, delta);
}

/** Whether `origin`'s next increment of `field` starts a new epoch (string-register.ts). */
export function fieldIncrementStartsEpoch(state: HashState | undefined, field: Buffer | string, origin: string): boolean {
  const current = state?.fields.get(memberKey(field));
  return current === undefined || !isRegister(current) || incrementStartsEpoch(current, origin);
}

/** A hash that is only deleted counters (HINCRBY … then DEL or HDEL): see isDeletedCounter. */
export function isDeletedCounterHash(state: HashState): boolean {
  if (state.length > 0 || state.fields.size === 0) return false;
  for (const field of state.fields.values()) if (!isRegister(field) || !isDeletedCounter(field)) return false;
  return true;
}

/** Fields kept only as deleted counters that may be forgotten once stable (see isDeletedCounter). */
export function deadFieldNames(state: HashState): string[] {
  const names: string[] = [];
  if (state.fields.size === state.length) return names;
  for (const [name, field] of state.fields) if (isRegister(field) && isDeletedCounter(field)) names.push(name);
  return names;
}

/**
 * Forgets the named fields that are still deleted counters (store/dead-members.ts decides
 * when that is safe). Returns how many went.
 */
export function forgetDeadFields(state: HashState, names: Iterable<string>): number {
  let forgotten = 0;
  for (const name of names) {
    const field = state.fields.get(name);
    if (field === undefined || !isRegister(field) || !isDeletedCounter(field)) continue;
    store(state, name, field, undefined);
    forgotten += 1;
  }
  return forgotten;
}
