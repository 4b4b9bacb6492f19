import { addContribution } from '../crdt/contributions.js';
import { ldAdd, ldFormat, ldFromBigInt, ldIsFinite, ldParse } from '../crdt/long-double.js';
import { inInt64 } from '../crdt/numeric.js';
import { incrementStartsEpoch, integerValue, observedTotals, stringValue, type StringRegister } from '../crdt/string-register.js';
import { PERSIST_AT } from '../crdt/ttl-register.js';
import { bulk, bulkOrNull, array, integer, NULL, OK, ONE, ZERO, type Reply } from '../resp/reply.js';
import { argInt, keyOf, lower } from './args.js';
import {
  ERR_NAN_OR_INFINITY, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OFFSET_RANGE, ERR_OVERFLOW, ERR_STRING_TOO_LONG,
  ERR_SYNTAX, ERR_WRONGTYPE, wrongArity,
} from './errors.js';
import type { ExecContext } from './exec-context.js';
import { parseExpire } from './expire-args.js';
import { writeString, deleteKey } from './key-writes.js';
import { asString, lookupWrite, readStringValue, WRONG_TYPE } from './lookup.js';
import { stateOfKind } from '../store/key-record.js';
import { command, KEY_VALUE_PAIRS, ALL_KEYS, ONE_KEY, type CommandSpec } from './spec.js';

const EMPTY = Buffer.alloc(0);

function get(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const value = readStringValue(ctx, keyOf(args[1]));
  return value === WRONG_TYPE ? ERR_WRONGTYPE : bulkOrNull(value);
}

interface SetOptions {
  condition: 'nx' | 'xx' | undefined;
  get: boolean;
  keepTtl: boolean;
  expireAt: number | undefined;
}

/** SET's option parser (t_string.c parseExtendedStringArgumentsOrReply). */
function parseSetOptions(ctx: ExecContext, args: readonly Buffer[], from: number, name: string): SetOptions | Reply {
  const options: SetOptions = { condition: undefined, get: false, keepTtl: false, expireAt: undefined };
  let expireGiven = false;
  for (let i = from; i < args.length; i++) {
    const option = lower(args[i]);
    const hasNext = i + 1 < args.length;
    if (option === 'nx' && options.condition !== 'xx') options.condition = 'nx';
    else if (option === 'xx' && options.condition !== 'nx') options.condition = 'xx';
    else if (option === 'get') options.get = true;
    else if (option === 'keepttl' && !expireGiven) options.keepTtl = true;
    else if ((option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat') && !options.keepTtl && !expireGiven && hasNext) {
      const at = parseExpire(args[++i], option.startsWith('e') ? 'seconds' : 'milliseconds', option.endsWith('at'), ctx.now, name);
      if (typeof at !== 'number') return at;
      options.expireAt = at;
      expireGiven = true;
    } else return ERR_SYNTAX;
  }
  return options;
}

function set(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const options = parseSetOptions(ctx, args, 3, 'set');
  if (!isOptions(options)) return options;
  return setGeneric(ctx, keyOf(args[1]), args[2] ?? EMPTY, options);
}

function isOptions(value: SetOptions | Reply): value is SetOptions {
  return !('kind' in value);
}

function setGeneric(ctx: ExecContext, key: string, value: Buffer, options: SetOptions): Reply {
  const state = lookupWrite(ctx, key);
  let old: Buffer | undefined;
  if (options.get && state !== undefined) {
    if (state.kind !== 'string') return ERR_WRONGTYPE;
    old = stringValue(state);
  }
  const exists = state !== undefined;
  if ((options.condition === 'nx' && exists) || (options.condition === 'xx' && !exists)) {
    return options.get ? bulkOrNull(old) : NULL;
  }
  writeString(ctx, key, value, options.keepTtl ? 'keep' : options.expireAt ?? 'clear');
  return options.get ? bulkOrNull(old) : OK;
}

function setnx(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  if (lookupWrite(ctx, key) !== undefined) return ZERO;
  writeString(ctx, key, args[2] ?? EMPTY, 'clear');
  return ONE;
}

function setexGeneric(ctx: ExecContext, args: readonly Buffer[], unit: 'seconds' | 'milliseconds', name: string): Reply {
  const at = parseExpire(args[2], unit, false, ctx.now, name);
  if (typeof at !== 'number') return at;
  writeString(ctx, keyOf(args[1]), args[3] ?? EMPTY, at);
  return OK;
}

function mget(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const items: Reply[] = [];
  for (let i = 1; i < args.length; i++) {
    const value = readStringValue(ctx, keyOf(args[i]));
    items.push(value === WRONG_TYPE ? NULL : bulkOrNull(value));
  }
  return array(items);
}

function mset(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length % 2 === 0) return wrongArity('mset');
  for (let i = 1; i < args.length; i += 2) {
    const key = keyOf(args[i]);
    lookupWrite(ctx, key);
    writeString(ctx, key, args[i + 1] ?? EMPTY, 'clear');
  }
  return OK;
}

function msetnx(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length % 2 === 0) return wrongArity('msetnx');
  for (let i = 1; i < args.length; i += 2) if (lookupWrite(ctx, keyOf(args[i])) !== undefined) return ZERO;
  for (let i = 1; i < args.length; i += 2) writeString(ctx, keyOf(args[i]), args[i + 1] ?? EMPTY, 'clear');
  return ONE;
}

function getset(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return setGeneric(ctx, keyOf(args[1]), args[2] ?? EMPTY, { condition: undefined, get: true, keepTtl: false, expireAt: undefined });
}

function getdel(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const state = asString(lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return NULL;
  const value = stringValue(state);
  deleteKey(ctx, key);
  return bulkOrNull(value);
}

/**
 * GETEX (t_string.c getexCommand): options are checked for syntax first, then the key
 * is looked up (missing → nil, wrong type → WRONGTYPE), and only then is the expire
 * value validated.
 */
function getex(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  let option: { kind: 'persist' } | { kind: 'expire'; name: string; arg: Buffer | undefined } | undefined;
  for (let i = 2; i < args.length; i++) {
    const name = lower(args[i]);
    if (name === 'persist' && option === undefined) option = { kind: 'persist' };
    else if ((name === 'ex' || name === 'px' || name === 'exat' || name === 'pxat') && option === undefined && i + 1 < args.length) {
      option = { kind: 'expire', name, arg: args[++i] };
    } else return ERR_SYNTAX;
  }
  const state = asString(option === undefined ? lookupReadForGetex(ctx, key) : lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return NULL;
  let expireAt: number | undefined;
  if (option?.kind === 'expire') {
    const at = parseExpire(option.arg, option.name.startsWith('e') ? 'seconds' : 'milliseconds', option.name.endsWith('at'), ctx.now, 'getex');
    if (typeof at !== 'number') return at;
    expireAt = at;
  }
  const value = stringValue(state);
  if (option?.kind === 'persist') {
    const record = ctx.server.keyspace.record(key);
    if (record !== undefined && record.ttl.some((entry) => entry.at !== PERSIST_AT)) ctx.server.engine.emit(key, { type: 'key.expire', at: PERSIST_AT });
  } else if (expireAt !== undefined) {
    if (expireAt <= ctx.now) deleteKey(ctx, key);
    else ctx.server.engine.emit(key, { type: 'key.expire', at: expireAt });
  }
  return bulkOrNull(value);
}

function lookupReadForGetex(ctx: ExecContext, key: string): ReturnType<typeof lookupWrite> {
  ctx.server.engine.expireIfNeeded(key, false);
  return ctx.server.keyspace.lookup(key, ctx.now);
}

function append(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const state = asString(lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const current = state === undefined ? EMPTY : stringValue(state) ?? EMPTY;
  const addition = args[2] ?? EMPTY;
  if (current.length + addition.length > ctx.server.config.protoMaxBulkLen) return ERR_STRING_TOO_LONG;
  const next = Buffer.concat([current, addition]);
  writeString(ctx, key, next, 'keep');
  return integer(next.length);
}

function strlen(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const value = readStringValue(ctx, keyOf(args[1]));
  if (value === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(value?.length ?? 0);
}

/** GETRANGE index rules of Redis 7.0 (t_string.c getrangeCommand). */
function getrange(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const startArg = argInt(args[2]);
  const endArg = argInt(args[3]);
  if (startArg === undefined || endArg === undefined) return ERR_NOT_INTEGER;
  const value = readStringValue(ctx, keyOf(args[1]));
  if (value === WRONG_TYPE) return ERR_WRONGTYPE;
  const bytes = value ?? EMPTY;
  let start = Number(startArg);
  let end = Number(endArg);
  const length = bytes.length;
  if (start < 0 && end < 0 && start > end) return bulk(EMPTY);
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) return bulk(EMPTY);
  return bulk(bytes.subarray(start, end + 1));
}

function setrange(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const offsetArg = argInt(args[2]);
  if (offsetArg === undefined) return ERR_NOT_INTEGER;
  if (offsetArg < 0n) return ERR_OFFSET_RANGE;
  const key = keyOf(args[1]);
  const patch = args[3] ?? EMPTY;
  const state = asString(lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const current = state === undefined ? undefined : stringValue(state);
  if (patch.length === 0) return integer(current?.length ?? 0);
  const offset = Number(offsetArg);
  if (offset + patch.length > ctx.server.config.protoMaxBulkLen) return ERR_STRING_TOO_LONG;
  const base = current ?? EMPTY;
  const next = Buffer.alloc(Math.max(base.length, offset + patch.length));
  base.copy(next, 0);
  patch.copy(next, offset);
  writeString(ctx, key, next, 'keep');
  return integer(next.length);
}

/** The key's string register, visible or not (a deleted counter keeps its history until forgotten). */
function storedRegister(ctx: ExecContext, key: string): StringRegister | undefined {
  const record = ctx.server.keyspace.record(key);
  return record === undefined ? undefined : stateOfKind(record, 'string');
}

/**
 * Whether this replica's increment restarts its count on the key (after a delete it
 * saw covered all it had added), decided on the stored register; never while a peer
 * may run a version without epochs (replica/features.ts).
 */
function newEpochFlag(ctx: ExecContext, register: StringRegister | undefined): { newEpoch?: true } {
  return ctx.server.keyspace.counterEpochs && incrementStartsEpoch(register, ctx.server.engine.replicaId) ? { newEpoch: true } : {};
}

/** INCR family: an integer contribution (commutes with concurrent increments). */
function incrementBy(ctx: ExecContext, key: string, delta: bigint): Reply {
  const state = asString(lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const current = state === undefined ? 0n : integerValue(state);
  if (current === undefined) return ERR_NOT_INTEGER;
  const next = current + delta;
  if (!inInt64(next)) return ERR_OVERFLOW;
  ctx.server.engine.emit(key, { type: 'str.incr', delta, ...newEpochFlag(ctx, storedRegister(ctx, key)) });
  return integer(next);
}

function incr(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return incrementBy(ctx, keyOf(args[1]), 1n);
}

function decr(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return incrementBy(ctx, keyOf(args[1]), -1n);
}

function incrby(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const delta = argInt(args[2]);
  return delta === undefined ? ERR_NOT_INTEGER : incrementBy(ctx, keyOf(args[1]), delta);
}

function decrby(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const delta = argInt(args[2]);
  if (delta === undefined) return ERR_NOT_INTEGER;
  if (delta === -9223372036854775808n) return { kind: 'error', message: 'ERR decrement would overflow' };
  return incrementBy(ctx, keyOf(args[1]), -delta);
}

/**
 * INCRBYFLOAT with Redis's long-double arithmetic and "%.17Lf" formatting; replicated
 * as a float contribution plus the resulting value (see crdt/string-register.ts).
 */
function incrbyfloat(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const state: StringRegister | undefined | typeof WRONG_TYPE = asString(lookupWrite(ctx, key));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const currentBytes = state === undefined ? undefined : stringValue(state);
  const current = currentBytes === undefined ? ldFromBigInt(0n) : ldParse(currentBytes.toString('latin1'));
  const deltaText = (args[2] ?? EMPTY).toString('latin1');
  const delta = ldParse(deltaText);
  if (current === undefined || delta === undefined) return ERR_NOT_FLOAT;
  const sum = ldAdd(current, delta);
  if (!ldIsFinite(sum)) return ERR_NAN_OR_INFINITY;
  const result = Buffer.from(ldFormat(sum), 'latin1');
  // The totals this replica has seen, even when the key is currently deleted (its
  // contribution history lives on in the hidden register).
  const register = storedRegister(ctx, key);
  const observed = addContribution(observedTotals(register), ctx.server.engine.replicaId, 0n, delta);
  ctx.server.engine.emit(key, { type: 'str.incrfloat', delta: deltaText, result, observed, ...newEpochFlag(ctx, register) });
  return bulk(result);
}

export const stringCommands: CommandSpec[] = [
  command('get', 2, ['readonly', 'fast'], ONE_KEY, 'string', 'Returns the string value of a key', get),
  command('set', -3, ['write', 'denyoom'], ONE_KEY, 'string', 'Sets the string value of a key, ignoring its type', set),
  command('setnx', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Set the string value of a key only when the key doesn\'t exist', setnx),
  command('setex', 4, ['write', 'denyoom'], ONE_KEY, 'string', 'Sets the string value and expiration time of a key', (c, a) => setexGeneric(c, a, 'seconds', 'setex'), '2.0.0'),
  command('psetex', 4, ['write', 'denyoom'], ONE_KEY, 'string', 'Sets both string value and expiration time in milliseconds of a key', (c, a) => setexGeneric(c, a, 'milliseconds', 'psetex'), '2.6.0'),
  command('mget', -2, ['readonly', 'fast'], ALL_KEYS, 'string', 'Atomically returns the string values of one or more keys', mget),
  command('mset', -3, ['write', 'denyoom'], KEY_VALUE_PAIRS, 'string', 'Atomically creates or modifies the string values of one or more keys', mset, '1.0.1'),
  command('msetnx', -3, ['write', 'denyoom'], KEY_VALUE_PAIRS, 'string', 'Atomically modifies the string values of one or more keys only when all keys don\'t exist', msetnx, '1.0.1'),
  command('getset', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Returns the previous string value of a key after setting it to a new value', getset),
  command('getdel', 2, ['write', 'fast'], ONE_KEY, 'string', 'Returns the string value of a key after deleting the key', getdel, '6.2.0'),
  command('getex', -2, ['write', 'fast'], ONE_KEY, 'string', 'Returns the string value of a key after setting its expiration time', getex, '6.2.0'),
  command('append', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Appends a string to the value of a key. Creates the key if it doesn\'t exist', append, '2.0.0'),
  command('strlen', 2, ['readonly', 'fast'], ONE_KEY, 'string', 'Returns the length of a string value', strlen, '2.2.0'),
  command('getrange', 4, ['readonly'], ONE_KEY, 'string', 'Returns a substring of the string stored at a key', getrange, '2.4.0'),
  command('setrange', 4, ['write', 'denyoom'], ONE_KEY, 'string', 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist', setrange, '2.2.0'),
  command('incr', 2, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Increments the integer value of a key by one', incr),
  command('decr', 2, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Decrements the integer value of a key by one', decr),
  command('incrby', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Increments the integer value of a key by a number', incrby),
  command('decrby', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Decrements a number from the integer value of a key', decrby),
  command('incrbyfloat', 3, ['write', 'denyoom', 'fast'], ONE_KEY, 'string', 'Increment the floating point value of a key by a number', incrbyfloat, '2.6.0'),
];
