import { NO_CONTRIBUTIONS } from './contributions.js';
import {
  EMPTY_STRING_REGISTER, isStringEmpty, stringValue, type StringRegister,
} from './string-register.js';
import type { Dot, Stamp } from './stamp.js';

/**
 * The state of one hash field: exactly a string register (string-register.ts: MV base
 * writes, counter contributions, delete floor), stored compactly in the common case.
 *
 * Most fields only ever see HSETs that observed the previous value, so their register
 * holds one write, no contributions and no delete floor. Such a field is kept as a
 * `PlainField` (value as a latin1 string, the write's dot and HLC: one small object
 * instead of a register, an array, a write, a dot, a stamp and a Buffer), which keeps
 * a 1M-field hash within a small factor of Redis's memory. Any other state (siblings,
 * HINCRBY contributions, a delete floor) is a full `StringRegister`; `compactField`
 * turns it back into a plain field whenever it is equivalent to one, so the
 * representation is a function of the register's content on every replica.
 */
export interface PlainField {
  readonly value: string;
  readonly origin: string;
  readonly seq: number;
  readonly hlc: number;
}

export type FieldState = PlainField | StringRegister;

export function isRegister(field: FieldState): field is StringRegister {
  return 'kind' in field;
}

export function plainDot(field: PlainField): Dot {
  return { replica: field.origin, seq: field.seq };
}

/** The register a plain field stands for (or the empty register). */
export function toRegister(field: FieldState | undefined): StringRegister {
  if (field === undefined) return EMPTY_STRING_REGISTER;
  if (isRegister(field)) return field;
  const stamp: Stamp = { hlc: field.hlc, replica: field.origin };
  const write = { value: Buffer.from(field.value, 'latin1'), dot: plainDot(field), stamp, observed: NO_CONTRIBUTIONS };
  return { kind: 'string', writes: [write], totals: NO_CONTRIBUTIONS, deleted: NO_CONTRIBUTIONS, lastWrite: stamp };
}

/**
 * The compact form of a register: a plain field when it is one lone write; undefined
 * when it holds nothing at all (no write, no contribution: the field can be forgotten);
 * else the register itself (a register with contributions but no visible value is a
 * tombstone: its delete floor must stay, or a concurrent HINCRBY would count twice).
 */
export function compactField(register: StringRegister): FieldState | undefined {
  if (register.totals.size === 0 && register.writes.length === 0) return undefined;
  if (register.totals.size > 0 || register.deleted.size > 0 || register.writes.length !== 1) return register;
  const write = register.writes[0];
  if (write === undefined || write.observed.size > 0 || write.stamp.replica !== write.dot.replica) return register;
  return { value: write.value.toString('latin1'), origin: write.dot.replica, seq: write.dot.seq, hlc: write.stamp.hlc };
}

export function isFieldVisible(field: FieldState | undefined): boolean {
  if (field === undefined) return false;
  return !isRegister(field) || !isStringEmpty(field);
}

export function fieldValue(field: FieldState | undefined): Buffer | undefined {
  if (field === undefined) return undefined;
  return isRegister(field) ? stringValue(field) : Buffer.from(field.value, 'latin1');
}
