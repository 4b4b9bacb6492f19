import { setKeys, setSize, type OrSet } from '../crdt/or-set.js';
import { error, integer, ZERO, type Reply } from '../resp/reply.js';
import { argInt, keyOf, lower } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { deleteKey } from './key-writes.js';
import { WRONG_TYPE } from './lookup.js';
import { EMPTY_SET, readSet, setReply, writeSet } from './set-lookup.js';
import { ALL_KEYS, command, NO_KEYS, type CommandSpec } from './spec.js';

type Operation = 'inter' | 'union' | 'diff';

/**
 * Looks up every source key (t_set.c sinterGenericCommand / sunionDiffGenericCommand):
 * a missing key is an empty set, but every key is still type-checked, so
 * `SINTER missing string` is WRONGTYPE as in Redis 7.0. Store variants look up for
 * writing (lazy expiry deletes).
 */
function sourceSets(ctx: ExecContext, keys: readonly Buffer[], forWrite: boolean): (OrSet | undefined)[] | typeof WRONG_TYPE {
  const sets: (OrSet | undefined)[] = [];
  for (const key of keys) {
    const set = forWrite ? writeSet(ctx, keyOf(key)) : readSet(ctx, keyOf(key));
    if (set === WRONG_TYPE) return WRONG_TYPE;
    sets.push(set);
  }
  return sets;
}

/**
 * Intersection: walks the smallest set and probes the others, smallest first (the
 * order t_set.c sorts them in), stopping at `limit` members when it is not 0.
 */
function intersect(sets: readonly (OrSet | undefined)[], limit = 0): string[] {
  if (sets.some((set) => set === undefined)) return [];
  const sorted = [...(sets as OrSet[])].sort((a, b) => setSize(a) - setSize(b));
  const [smallest, ...others] = sorted;
  if (smallest === undefined) return [];
  const out: string[] = [];
  for (const member of setKeys(smallest)) {
    if (!others.every((set) => set.slots.has(member))) continue;
    out.push(member);
    if (out.length === limit) break;
  }
  return out;
}

function unite(sets: readonly (OrSet | undefined)[]): string[] {
  const out = new Set<string>();
  for (const set of sets) if (set !== undefined) for (const member of setKeys(set)) out.add(member);
  return [...out];
}

/** First set minus the others; an empty first set gives an empty result at once. */
function subtract(sets: readonly (OrSet | undefined)[]): string[] {
  const [first, ...others] = sets;
  if (first === undefined) return [];
  const out: string[] = [];
  for (const member of setKeys(first)) if (!others.some((set) => set?.slots.has(member) === true)) out.push(member);
  return out;
}

function compute(operation: Operation, sets: readonly (OrSet | undefined)[]): string[] {
  switch (operation) {
    case 'inter': return intersect(sets);
    case 'union': return unite(sets);
    case 'diff': return subtract(sets);
  }
}

const toBuffers = (members: readonly string[]): Buffer[] => members.map((member) => Buffer.from(member, 'latin1'));

function algebra(ctx: ExecContext, args: readonly Buffer[], operation: Operation): Reply {
  const sets = sourceSets(ctx, args.slice(1), false);
  if (sets === WRONG_TYPE) return ERR_WRONGTYPE;
  const members = compute(operation, sets);
  return members.length === 0 ? EMPTY_SET : setReply(toBuffers(members));
}

/**
 * The *STORE variants: the destination (any type) is replaced by the result as an
 * observed delete of what this replica saw plus a `set.add` of the result, in one
 * operation; an empty result only deletes it. Sources are read before the delete,
 * since the destination may be one of them.
 */
function algebraStore(ctx: ExecContext, args: readonly Buffer[], operation: Operation): Reply {
  const sets = sourceSets(ctx, args.slice(2), true);
  if (sets === WRONG_TYPE) return ERR_WRONGTYPE;
  const members = compute(operation, sets);
  const target = keyOf(args[1]);
  if (ctx.server.keyspace.record(target) !== undefined) deleteKey(ctx, target);
  if (members.length === 0) return ZERO;
  ctx.server.engine.emit(target, { type: 'set.add', members: toBuffers(members) });
  return integer(members.length);
}

const ERR_NUMKEYS = error('ERR numkeys should be greater than 0');
const ERR_NUMKEYS_ARGS = error('ERR Number of keys can\'t be greater than number of args');
const ERR_LIMIT = error('ERR LIMIT can\'t be negative');

/** SINTERCARD numkeys key [key ...] [LIMIT limit] (t_set.c sinterCardCommand). */
function sintercard(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const numkeys = argInt(args[1]);
  if (numkeys === undefined || numkeys < 1n) return ERR_NUMKEYS;
  if (numkeys > BigInt(args.length - 2)) return ERR_NUMKEYS_ARGS;
  const end = 2 + Number(numkeys);
  let limit = 0;
  for (let i = end; i < args.length; i += 2) {
    if (lower(args[i]) !== 'limit' || i + 1 >= args.length) return ERR_SYNTAX;
    const value = argInt(args[i + 1]);
    if (value === undefined || value < 0n) return ERR_LIMIT;
    limit = Number(value);
  }
  const sets = sourceSets(ctx, args.slice(2, end), false);
  if (sets === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(intersect(sets, limit).length);
}

const READ_SUMMARY: Record<Operation, string> = {
  inter: 'Returns the intersect of multiple sets',
  union: 'Returns the union of multiple sets',
  diff: 'Returns the difference of multiple sets',
};
const STORE_SUMMARY: Record<Operation, string> = {
  inter: 'Stores the intersect of multiple sets in a key',
  union: 'Stores the union of multiple sets in a key',
  diff: 'Stores the difference of multiple sets in a key',
};

const readSpec = (operation: Operation): CommandSpec =>
  command(`s${operation}`, -2, ['readonly'], ALL_KEYS, 'set', READ_SUMMARY[operation], (c, a) => algebra(c, a, operation));
const storeSpec = (operation: Operation): CommandSpec =>
  command(`s${operation}store`, -3, ['write', 'denyoom'], ALL_KEYS, 'set', STORE_SUMMARY[operation], (c, a) => algebraStore(c, a, operation));

export const setAlgebraCommands: CommandSpec[] = [
  readSpec('inter'), readSpec('union'), readSpec('diff'),
  storeSpec('inter'), storeSpec('union'), storeSpec('diff'),
  command('sintercard', -3, ['readonly', 'movablekeys'], NO_KEYS, 'set', 'Returns the number of members of the intersect of multiple sets', sintercard, '7.0.0'),
];
