import { hashEntries, hashGet, hashHas, hashLength, hashObservedTotals, type HashState } from '../crdt/hash.js';
import { memberKey as memberKeyOf } from '../crdt/or-set.js';
import { array, bulk, bulkOrNull, EMPTY_ARRAY, integer, NULL, OK, ONE, ZERO, type Reply } from '../resp/reply.js';
import { keyOf } from './args.js';
import { ERR_WRONGTYPE, wrongArity } from './errors.js';
import { deleteKey } from './key-writes.js';
import type { ExecContext } from './exec-context.js';
import { hincrby, hincrbyfloat } from './hash-incr.js';
import { readHash, storedHash, writeHash } from './hash-lookup.js';
import { hrandfield, hscan } from './hash-random.js';
import { WRONG_TYPE } from './lookup.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

const EMPTY_MAP: Reply = { kind: 'map', entries: [] };

/**
 * Writes field/value pairs as one `hash.set` effect. A field named twice keeps its last
 * value (as t_hash.c's sequential hashTypeSet does) and appears once in the effect;
 * each field carries the counter totals this replica observed for it, so the write
 * replaces them (`HSET f 10 ∥ HINCRBY f 1` still adds the unobserved 1).
 */
function writeFields(ctx: ExecContext, key: string, pairs: ReadonlyMap<string, readonly [Buffer, Buffer]>): void {
  const stored = storedHash(ctx, key);
  const fields = [...pairs.values()];
  const observed = fields.map(([field]) => hashObservedTotals(stored, field));
  ctx.server.engine.emit(key, { type: 'hash.set', fields, observed });
}

/** HSET/HMSET (t_hash.c hsetCommand): the reply counts fields that did not exist. */
function hsetGeneric(ctx: ExecContext, args: readonly Buffer[], name: 'hset' | 'hmset'): Reply {
  if (args.length % 2 === 1) return wrongArity(name);
  const key = keyOf(args[1]);
  const hash = writeHash(ctx, key);
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  const pairs = new Map<string, readonly [Buffer, Buffer]>();
  for (let i = 2; i < args.length; i += 2) {
    const field = args[i] as Buffer;
    pairs.set(memberKeyOf(field), [field, args[i + 1] as Buffer]);
  }
  let created = 0;
  for (const [field] of pairs.values()) if (hash === undefined || !hashHas(hash, field)) created += 1;
  writeFields(ctx, key, pairs);
  return name === 'hset' ? integer(created) : OK;
}

function hsetnx(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const field = args[2] as Buffer;
  const hash = writeHash(ctx, key);
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  if (hash !== undefined && hashHas(hash, field)) return ZERO;
  writeFields(ctx, key, new Map([[memberKeyOf(field), [field, args[3] as Buffer] as const]]));
  return ONE;
}

function hget(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const hash = readHash(ctx, keyOf(args[1]));
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  return hash === undefined ? NULL : bulkOrNull(hashGet(hash, args[2] as Buffer));
}

function hmget(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const hash = readHash(ctx, keyOf(args[1]));
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  const items: Reply[] = [];
  for (let i = 2; i < args.length; i++) items.push(hash === undefined ? NULL : bulkOrNull(hashGet(hash, args[i] as Buffer)));
  return array(items);
}

/** HDEL: observed remove of the fields present (with their counter totals); the last one deletes the key. */
function hdel(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const hash = writeHash(ctx, key);
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  if (hash === undefined) return ZERO;
  const present = new Map<string, Buffer>();
  for (let i = 2; i < args.length; i++) {
    const field = args[i] as Buffer;
    if (hashHas(hash, field)) present.set(memberKeyOf(field), field);
  }
  if (present.size === 0) return ZERO;
  const fields = [...present.values()];
  // The last field deletes the key, TTL included (t_hash.c hdelCommand dbDelete).
  if (fields.length === hashLength(hash)) deleteKey(ctx, key);
  else ctx.server.engine.emit(key, { type: 'hash.del', fields, observed: fields.map((field) => hashObservedTotals(hash, field)) });
  return integer(fields.length);
}

/** Read-only commands over one hash: missing answers `empty`, another type WRONGTYPE. */
function readWith(empty: Reply, read: (hash: HashState, args: readonly Buffer[], ctx: ExecContext) => Reply) {
  return (ctx: ExecContext, args: readonly Buffer[]): Reply => {
    const hash = readHash(ctx, keyOf(args[1]));
    if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
    return hash === undefined ? empty : read(hash, args, ctx);
  };
}

const hlen = readWith(ZERO, (hash) => integer(hashLength(hash)));
const hexists = readWith(ZERO, (hash, args) => (hashHas(hash, args[2] as Buffer) ? ONE : ZERO));
const hstrlen = readWith(ZERO, (hash, args) => integer(hashGet(hash, args[2] as Buffer)?.length ?? 0));
const hkeys = readWith(EMPTY_ARRAY, (hash) => array([...hashEntries(hash)].map(([field]) => bulk(field))));
const hvals = readWith(EMPTY_ARRAY, (hash) => array([...hashEntries(hash)].map(([, value]) => bulk(value))));
/** HGETALL: a RESP3 map (RESP2 folds it into field, value, ...). */
const hgetall = readWith(EMPTY_MAP, (hash) => ({ kind: 'map', entries: [...hashEntries(hash)].map(([field, value]) => [bulk(field), bulk(value)] as const) }));

export const hashCommands: CommandSpec[] = [
  command('hset', -4, ['write', 'denyoom', 'fast'], ONE_KEY, 'hash', 'Creates or modifies the value of a field in a hash', (c, a) => hsetGeneric(c, a, 'hset'), '2.0.0'),
  command('hmset', -4, ['write', 'denyoom', 'fast'], ONE_KEY, 'hash', 'Sets the values of multiple fields', (c, a) => hsetGeneric(c, a, 'hmset'), '2.0.0'),
  command('hsetnx', 4, ['write', 'denyoom', 'fast'], ONE_KEY, 'hash', 'Sets the value of a field in a hash only when the field doesn\'t exist', hsetnx, '2.0.0'),
  command('hget', 3, ['readonly', 'fast'], ONE_KEY, 'hash', 'Returns the value of a field in a hash', hget, '2.0.0'),
  command('hmget', -3, ['readonly', 'fast'], ONE_KEY, 'hash', 'Returns the values of all fields in a hash', hmget, '2.0.0'),
  command('hdel', -3, ['write', 'fast'], ONE_KEY, 'hash', 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain', hdel, '2.0.0'),
  command('hlen', 2, ['readonly', 'fast'], ONE_KEY, 'hash', 'Returns the number of fields in a hash', hlen, '2.0.0'),
  command('hexists', 3, ['readonly', 'fast'], ONE_KEY, 'hash', 'Determines whether a field exists in a hash', hexists, '2.0.0'),
  command('hstrlen', 3, ['readonly', 'fast'], ONE_KEY, 'hash', 'Returns the length of the value of a field', hstrlen, '3.2.0'),
  command('hkeys', 2, ['readonly'], ONE_KEY, 'hash', 'Returns all fields in a hash', hkeys, '2.0.0'),
  command('hvals', 2, ['readonly'], ONE_KEY, 'hash', 'Returns all values in a hash', hvals, '2.0.0'),
  command('hgetall', 2, ['readonly'], ONE_KEY, 'hash', 'Returns all fields and values in a hash', hgetall, '2.0.0'),
  command('hincrby', 4, ['write', 'denyoom', 'fast'], ONE_KEY, 'hash', 'Increments the integer value of a field in a hash by a number', hincrby, '2.0.0'),
  command('hincrbyfloat', 4, ['write', 'denyoom', 'fast'], ONE_KEY, 'hash', 'Increments the floating point value of a field by a number', hincrbyfloat, '2.6.0'),
  command('hrandfield', -2, ['readonly'], ONE_KEY, 'hash', 'Returns one or more random fields from a hash', hrandfield, '6.2.0'),
  command('hscan', -3, ['readonly'], ONE_KEY, 'hash', 'Iterates over fields and values of a hash', hscan, '2.8.0'),
];
