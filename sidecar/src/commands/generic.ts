import { NO_CONTRIBUTIONS } from '../crdt/contributions.js';
import { hashEntries } from '../crdt/hash.js';
import { setMembers } from '../crdt/or-set.js';
import { listValues } from '../crdt/rga.js';
import { zsetItems } from '../crdt/sorted-set-range.js';
import { NO_TOTALS } from '../crdt/sorted-set-score.js';
import { stringValue } from '../crdt/string-register.js';
import { expiresAt, PERSIST_AT } from '../crdt/ttl-register.js';
import { array, bulk, error, integer, NULL, OK, ONE, simple, ZERO, type Reply } from '../resp/reply.js';
import type { TypedState } from '../store/typed-state.js';
import { argInt, keyOf, lower } from './args.js';
import { ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX, invalidExpire } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { deleteKey, writeString } from './key-writes.js';
import { lookupRead, lookupWrite } from './lookup.js';
import { ALL_KEYS, command, NO_KEYS, ONE_KEY, TWO_KEYS, type CommandSpec } from './spec.js';

function del(ctx: ExecContext, args: readonly Buffer[]): Reply {
  let removed = 0;
  for (let i = 1; i < args.length; i++) {
    const key = keyOf(args[i]);
    if (lookupWrite(ctx, key) === undefined) continue;
    deleteKey(ctx, key);
    removed += 1;
  }
  return integer(removed);
}

function exists(ctx: ExecContext, args: readonly Buffer[]): Reply {
  let count = 0;
  for (let i = 1; i < args.length; i++) if (lookupRead(ctx, keyOf(args[i])) !== undefined) count += 1;
  return integer(count);
}

function typeName(state: TypedState | undefined): string {
  return state === undefined ? 'none' : state.kind;
}

function type(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return simple(typeName(lookupRead(ctx, keyOf(args[1]))));
}

/** EXPIRE family (expire.c expireGenericCommand, Redis 7.0 NX/XX/GT/LT rules). */
function expireGeneric(ctx: ExecContext, args: readonly Buffer[], unit: 'seconds' | 'milliseconds', absolute: boolean, name: string): Reply {
  const flags = new Set<string>();
  for (let i = 3; i < args.length; i++) {
    const flag = lower(args[i]);
    if (flag !== 'nx' && flag !== 'xx' && flag !== 'gt' && flag !== 'lt') return error(`ERR Unsupported option ${(args[i] ?? Buffer.alloc(0)).toString('latin1')}`);
    flags.add(flag);
  }
  if (flags.has('nx') && (flags.has('xx') || flags.has('gt') || flags.has('lt'))) return error('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (flags.has('gt') && flags.has('lt')) return error('ERR GT and LT options at the same time are not compatible');
  const raw = argInt(args[2]);
  if (raw === undefined) return ERR_NOT_INTEGER;
  const LIMIT = 9223372036854775807n;
  if (unit === 'seconds' && (raw > LIMIT / 1000n || raw < -LIMIT / 1000n)) return invalidExpire(name);
  let at = unit === 'seconds' ? raw * 1000n : raw;
  if (!absolute) {
    if ((at > 0n && at > LIMIT - BigInt(ctx.now)) || (at < 0n && at < -LIMIT - BigInt(ctx.now))) return invalidExpire(name);
    at += BigInt(ctx.now);
  }
  const key = keyOf(args[1]);
  if (lookupWrite(ctx, key) === undefined) return ZERO;
  const record = ctx.server.keyspace.record(key);
  const current = record === undefined ? undefined : expiresAt(record.ttl);
  const when = Number(at);
  if (flags.has('nx') && current !== undefined) return ZERO;
  if (flags.has('xx') && current === undefined) return ZERO;
  if (flags.has('gt') && (current === undefined || when <= current)) return ZERO;
  if (flags.has('lt') && current !== undefined && when >= current) return ZERO;
  if (when <= ctx.now) deleteKey(ctx, key);
  else ctx.server.engine.emit(key, { type: 'key.expire', at: when });
  return ONE;
}

/** TTL family (expire.c ttlGenericCommand): -2 missing, -1 no TTL, seconds rounded. */
function ttlGeneric(ctx: ExecContext, args: readonly Buffer[], ms: boolean, absolute: boolean): Reply {
  const key = keyOf(args[1]);
  if (lookupRead(ctx, key) === undefined) return integer(-2);
  const record = ctx.server.keyspace.record(key);
  const at = record === undefined ? undefined : expiresAt(record.ttl);
  if (at === undefined) return integer(-1);
  const ttl = Math.max(0, absolute ? at : at - ctx.now);
  return integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persist(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  if (lookupWrite(ctx, key) === undefined) return ZERO;
  const record = ctx.server.keyspace.record(key);
  if (record === undefined || expiresAt(record.ttl) === undefined) return ZERO;
  ctx.server.engine.emit(key, { type: 'key.expire', at: PERSIST_AT });
  return ONE;
}

function keys(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const pattern = keyOf(args[1]);
  const matchAll = pattern === '*';
  const out: Reply[] = [];
  for (const key of [...ctx.server.keyspace.keys()]) {
    if (!matchAll && !globMatch(pattern, key)) continue;
    if (ctx.server.keyspace.lookup(key, ctx.now) !== undefined) out.push(bulk(key));
  }
  return array(out);
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] (db.c scanGenericCommand). */
function scan(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const cursorText = keyOf(args[1]);
  if (!/^\d+$/.test(cursorText) || cursorText.length > 20) return error('ERR invalid cursor');
  let pattern: string | undefined;
  let count = 10;
  let typeFilter: string | undefined;
  for (let i = 2; i < args.length; i += 2) {
    const option = lower(args[i]);
    if (i + 1 >= args.length) return ERR_SYNTAX;
    if (option === 'match') pattern = keyOf(args[i + 1]);
    else if (option === 'count') {
      const value = argInt(args[i + 1]);
      if (value === undefined) return ERR_NOT_INTEGER;
      if (value < 1n) return ERR_SYNTAX;
      count = Number(value);
    } else if (option === 'type') typeFilter = lower(args[i + 1]);
    else return ERR_SYNTAX;
  }
  const found: Reply[] = [];
  const next = ctx.server.keyspace.scan(Number(cursorText), count, (key) => {
    if (pattern !== undefined && pattern !== '*' && !globMatch(pattern, key)) return;
    const state = ctx.server.keyspace.lookup(key, ctx.now);
    if (state === undefined) return;
    if (typeFilter !== undefined && typeName(state) !== typeFilter) return;
    found.push(bulk(key));
  });
  return array([bulk(String(next)), array(found)]);
}

function randomkey(ctx: ExecContext): Reply {
  for (let attempt = 0; attempt < 100; attempt++) {
    const key = ctx.server.keyspace.randomKey(ctx.server.random);
    if (key === undefined) return NULL;
    if (lookupRead(ctx, key) !== undefined) return bulk(key);
  }
  for (const key of ctx.server.keyspace.keys()) if (ctx.server.keyspace.lookup(key, ctx.now) !== undefined) return bulk(key);
  return NULL;
}

/**
 * RENAME: the destination gets the source's current value as a new write (a CRDT
 * value cannot move between keys), the source is observed-removed; the TTL moves too.
 */
function renameGeneric(ctx: ExecContext, args: readonly Buffer[], nx: boolean): Reply {
  const source = keyOf(args[1]);
  const target = keyOf(args[2]);
  const state = lookupWrite(ctx, source);
  if (state === undefined) return ERR_NO_SUCH_KEY;
  if (source === target) return nx ? ZERO : OK;
  if (nx && lookupWrite(ctx, target) !== undefined) return ZERO;
  lookupWrite(ctx, target);
  const record = ctx.server.keyspace.record(source);
  const at = record === undefined ? undefined : expiresAt(record.ttl);
  copyValue(ctx, state, target, at);
  deleteKey(ctx, source);
  return nx ? ONE : OK;
}

/** Re-creates `state`'s value at `target` as fresh writes (the old target is removed first). */
function copyValue(ctx: ExecContext, state: TypedState, target: string, at: number | undefined): void {
  deleteKey(ctx, target);
  const { engine } = ctx.server;
  switch (state.kind) {
    case 'string':
      writeString(ctx, target, stringValue(state) ?? Buffer.alloc(0), at ?? 'clear');
      return;
    case 'list':
      engine.emit(target, { type: 'list.insert', anchor: null, values: listValues(state) });
      break;
    case 'set':
      engine.emit(target, { type: 'set.add', members: setMembers(state) });
      break;
    case 'hash': {
      const fields = [...hashEntries(state)];
      engine.emit(target, { type: 'hash.set', fields, observed: fields.map(() => NO_CONTRIBUTIONS) });
      break;
    }
    case 'zset': {
      const items = zsetItems(state);
      engine.emit(target, { type: 'zset.add', entries: items.map((item) => [item.member, item.score] as const), observed: items.map(() => NO_TOTALS) });
      break;
    }
  }
  if (at !== undefined) engine.emit(target, { type: 'key.expire', at });
}

function touch(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return exists(ctx, args);
}

const expireSpec = (name: string, unit: 'seconds' | 'milliseconds', absolute: boolean, summary: string, since: string): CommandSpec =>
  command(name, -3, ['write', 'fast'], ONE_KEY, 'generic', summary, (c, a) => expireGeneric(c, a, unit, absolute, name), since);
const ttlSpec = (name: string, ms: boolean, absolute: boolean, summary: string, since: string): CommandSpec =>
  command(name, 2, ['readonly', 'fast'], ONE_KEY, 'generic', summary, (c, a) => ttlGeneric(c, a, ms, absolute), since);

export const genericCommands: CommandSpec[] = [
  command('del', -2, ['write'], ALL_KEYS, 'generic', 'Deletes one or more keys', del),
  command('unlink', -2, ['write', 'fast'], ALL_KEYS, 'generic', 'Asynchronously deletes one or more keys', del, '4.0.0'),
  command('exists', -2, ['readonly', 'fast'], ALL_KEYS, 'generic', 'Determines whether one or more keys exist', exists),
  command('type', 2, ['readonly', 'fast'], ONE_KEY, 'generic', 'Determines the type of value stored at a key', type),
  expireSpec('expire', 'seconds', false, 'Sets the expiration time of a key in seconds', '1.0.0'),
  expireSpec('pexpire', 'milliseconds', false, 'Sets the expiration time of a key in milliseconds', '2.6.0'),
  expireSpec('expireat', 'seconds', true, 'Sets the expiration time of a key to a Unix timestamp', '1.2.0'),
  expireSpec('pexpireat', 'milliseconds', true, 'Sets the expiration time of a key to a Unix milliseconds timestamp', '2.6.0'),
  ttlSpec('ttl', false, false, 'Returns the expiration time in seconds of a key', '1.0.0'),
  ttlSpec('pttl', true, false, 'Returns the expiration time in milliseconds of a key', '2.6.0'),
  ttlSpec('expiretime', false, true, 'Returns the expiration time of a key as a Unix timestamp', '7.0.0'),
  ttlSpec('pexpiretime', true, true, 'Returns the expiration time of a key as a Unix milliseconds timestamp', '7.0.0'),
  command('persist', 2, ['write', 'fast'], ONE_KEY, 'generic', 'Removes the expiration time of a key', persist, '2.2.0'),
  command('keys', 2, ['readonly'], NO_KEYS, 'generic', 'Returns all key names that match a pattern', keys),
  command('scan', -2, ['readonly'], NO_KEYS, 'generic', 'Iterates over the key names in the database', scan, '2.8.0'),
  command('randomkey', 1, ['readonly'], NO_KEYS, 'generic', 'Returns a random key name from the database', randomkey),
  command('rename', 3, ['write'], TWO_KEYS, 'generic', 'Renames a key and overwrites the destination', (c, a) => renameGeneric(c, a, false)),
  command('renamenx', 3, ['write', 'fast'], TWO_KEYS, 'generic', 'Renames a key only when the target key name doesn\'t exist', (c, a) => renameGeneric(c, a, true)),
  command('touch', -2, ['readonly', 'fast'], ALL_KEYS, 'generic', 'Returns the number of existing keys out of those specified after updating the time they were last accessed', touch, '3.2.1'),
];

