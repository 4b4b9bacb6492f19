import {
  addContribution, allCovered, currentEpochFloor, floorForNewEpoch, joinContributions, NO_CONTRIBUTIONS, startsNewEpoch, unobserved, type Contributions,
} from './contributions.js';
import { ldAdd, ldFormat, ldFromBigInt, ldParse, type LongDouble } from './long-double.js';
import { inInt64, parseInt64 } from './numeric.js';
import { compareStamps, maxStamp, observed, ZERO_STAMP, type Dot, type OpContext, type Stamp } from './stamp.js';

/**
 * A Redis string: an LWW register that is also a counter (DESIGN.md §4).
 *
 * Base writes (SET and friends) are kept as a multi-value register: a write removes
 * the writes it observed, concurrent ones coexist as siblings (CRDT.MVGET shows them)
 * and GET returns the LWW winner. Increments are per-origin contributions; the value
 * is the winning base plus the contributions neither it nor a delete had observed:
 * `SET 10 ∥ INCR` (was 5) → 11, `INCRBY 7 ∥ INCRBY 3` → +10, `DEL ∥ INCRBY 3` → 3.
 * A non-numeric base wins over unobserved increments (they are left out of the value).
 */
export interface BaseWrite {
  readonly value: Buffer;
  readonly dot: Dot;
  readonly stamp: Stamp;
  /** The contributions the writer had observed (absorbed into this value). */
  readonly observed: Contributions;
}

export interface StringRegister {
  readonly kind: 'string';
  readonly writes: readonly BaseWrite[];
  /** Per-origin running totals of every increment ever applied. */
  readonly totals: Contributions;
  /** Contributions removed by deletes (pointwise latest observation). */
  readonly deleted: Contributions;
  /** Highest stamp of any write or increment: decides the key's type in a type conflict. */
  readonly lastWrite: Stamp;
}

export type StringEffect =
  /** A whole new value (SET, APPEND, SETRANGE, GETSET...): `observed` are the writer's counter totals. */
  | { readonly type: 'str.set'; readonly value: Buffer; readonly observed: Contributions }
  /**
   * INCR/DECR/INCRBY/DECRBY: an integer contribution. `newEpoch`: the origin's count
   * restarts here (contributions.ts), as the origin decided when it wrote it.
   */
  | { readonly type: 'str.incr'; readonly delta: bigint; readonly newEpoch?: boolean }
  /**
   * INCRBYFLOAT: a float contribution plus the result Redis would store, written as the
   * new base having observed the contribution itself. Locally the value is then exactly
   * Redis's; concurrent increments on other replicas still add up on top of it.
   */
  | { readonly type: 'str.incrfloat'; readonly delta: string; readonly result: Buffer; readonly observed: Contributions; readonly newEpoch?: boolean };

export const EMPTY_STRING_REGISTER: StringRegister = {
  kind: 'string', writes: [], totals: NO_CONTRIBUTIONS, deleted: NO_CONTRIBUTIONS, lastWrite: ZERO_STAMP,
};

function withBaseWrite(register: StringRegister, value: Buffer, seen: Contributions, ctx: OpContext): StringRegister {
  const stamp: Stamp = { hlc: ctx.hlc, replica: ctx.origin };
  const write: BaseWrite = { value, dot: { replica: ctx.origin, seq: ctx.seq }, stamp, observed: seen };
  const writes: BaseWrite[] = [];
  // The usual case (one earlier write, observed) allocates no closure: this is SET's hot path.
  for (const existing of register.writes) if (!observed(ctx, existing.dot)) writes.push(existing);
  writes.push(write);
  const lastWrite = compareStamps(stamp, register.lastWrite) >= 0 ? stamp : register.lastWrite;
  return { kind: 'string', writes, totals: register.totals, deleted: register.deleted, lastWrite };
}

export function applyStringEffect(register: StringRegister, effect: StringEffect, ctx: OpContext): StringRegister {
  switch (effect.type) {
    case 'str.set':
      return withBaseWrite(register, effect.value, effect.observed, ctx);
    case 'str.incr':
      return withIncrement(register, effect.delta, null, effect.newEpoch === true, ctx, maxStamp(register.lastWrite, { hlc: ctx.hlc, replica: ctx.origin }));
    case 'str.incrfloat': {
      const delta = ldParse(effect.delta) ?? ldFromBigInt(0n);
      const counted = withIncrement(register, 0n, delta, effect.newEpoch === true, ctx);
      // The new base absorbs the writer's own increment: the one just counted here
      // (the writer computed the same, before it knew the op's seq).
      const own = counted.totals.get(ctx.origin);
      const seen = own === undefined ? effect.observed : new Map(effect.observed).set(ctx.origin, own);
      return withBaseWrite(counted, effect.result, seen, ctx);
    }
  }
}

/** One more increment. `lastWrite`: the register's, or for INCR raised to the increment's own stamp (INCRBYFLOAT's base write raises it). */
function withIncrement(register: StringRegister, int: bigint, float: LongDouble | null, newEpoch: boolean, ctx: OpContext, lastWrite = register.lastWrite): StringRegister {
  const totals = addContribution(register.totals, ctx.origin, int, float, newEpoch ? ctx.seq : undefined);
  const deleted = newEpoch ? floorForNewEpoch(register.deleted, ctx.origin) : register.deleted;
  return { kind: 'string', writes: register.writes, totals, deleted, lastWrite };
}

/** Whether `origin`'s next increment of this register starts a new epoch (contributions.ts). */
export function incrementStartsEpoch(register: StringRegister | undefined, origin: string): boolean {
  return register === undefined || startsNewEpoch(register.totals, register.deleted, origin);
}

/**
 * A deleted counter: no write, and every increment covered by a delete. It shows
 * nothing, and once the ops that made it are causally stable it can be forgotten: every
 * later increment starts a new epoch (store/keyspace.ts). Not one with epoch-0 counts:
 * a replica of an earlier version (during a rolling upgrade) would go on counting those
 * without starting an epoch, and its next increment needs the old count.
 */
export function isDeletedCounter(register: StringRegister): boolean {
  if (register.writes.length > 0 || register.totals.size === 0) return false;
  for (const total of register.totals.values()) if (total.epoch === 0) return false;
  return allCovered(register.totals, register.deleted);
}

/** Observed-remove of the whole register by a delete with context `ctx` that had seen `seen`. */
export function deleteStringObserved(register: StringRegister, seen: Contributions, ctx: OpContext): StringRegister {
  const writes = register.writes.filter((write) => !observed(ctx, write.dot));
  return { ...register, writes, deleted: currentEpochFloor(joinContributions(register.deleted, seen), register.totals) };
}

/** The LWW winner among the sibling base writes. */
export function winningWrite(register: StringRegister): BaseWrite | undefined {
  let best: BaseWrite | undefined;
  for (const write of register.writes) if (best === undefined || compareStamps(write.stamp, best.stamp) > 0) best = write;
  return best;
}

/** The visible value, or undefined when the register holds nothing (the key does not exist). */
export function stringValue(register: StringRegister): Buffer | undefined {
  // Fast path for plain strings (GET's hot path): one write and no counter history.
  if (register.totals.size === 0 && register.writes.length === 1) return register.writes[0]?.value;
  const winner = winningWrite(register);
  const pending = unobserved(register.totals, winner?.observed ?? NO_CONTRIBUTIONS, register.deleted);
  if (pending.count === 0) return winner?.value;
  const baseBytes = winner?.value;
  if (pending.float === null) {
    const baseInt = baseBytes === undefined ? 0n : parseInt64(baseBytes);
    if (baseInt !== undefined) return Buffer.from((baseInt + pending.int).toString(), 'latin1');
  }
  const baseFloat: LongDouble | undefined = baseBytes === undefined ? ldFromBigInt(0n) : ldParse(baseBytes.toString('latin1'));
  if (baseFloat === undefined) return baseBytes; // a non-numeric base wins over unobserved increments
  let sum = ldAdd(baseFloat, ldFromBigInt(pending.int));
  if (pending.float !== null) sum = ldAdd(sum, pending.float);
  return Buffer.from(ldFormat(sum), 'latin1');
}

/**
 * The value as a 64-bit integer, exactly `parseInt64(stringValue(register))`, undefined
 * when it is not one. INCR's hot path: a counter's value is computed as a number, not
 * formatted into bytes and parsed back.
 */
export function integerValue(register: StringRegister): bigint | undefined {
  if (register.totals.size > 0) {
    const winner = winningWrite(register);
    const pending = unobserved(register.totals, winner?.observed ?? NO_CONTRIBUTIONS, register.deleted);
    if (pending.count > 0 && pending.float === null) {
      const base = winner === undefined ? 0n : parseInt64(winner.value);
      if (base !== undefined) {
        const sum = base + pending.int;
        return inInt64(sum) ? sum : undefined;
      }
    }
  }
  return parseInt64(stringValue(register) ?? EMPTY_VALUE);
}

const EMPTY_VALUE = Buffer.alloc(0);

/** The counter totals a new write on this replica has observed (for `str.set.observed`). */
export function observedTotals(register: StringRegister | undefined): Contributions {
  return register?.totals ?? NO_CONTRIBUTIONS;
}

/** Values of all concurrent sibling writes, winner first (CRDT.MVGET). */
export function siblingValues(register: StringRegister): Buffer[] {
  const winner = winningWrite(register);
  const rest = register.writes.filter((write) => write !== winner).sort((a, b) => compareStamps(b.stamp, a.stamp));
  return (winner ? [winner, ...rest] : rest).map((write) => write.value);
}

export function isStringEmpty(register: StringRegister): boolean {
  if (register.writes.length > 0) return false;
  // Without deletes every contribution is unobserved (a hot path: INCR asks four times).
  if (register.deleted.size === 0) return register.totals.size === 0;
  return unobserved(register.totals, NO_CONTRIBUTIONS, register.deleted).count === 0;
}
