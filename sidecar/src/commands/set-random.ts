import { setMemberAt, setMembers, setSize, type OrSet } from '../crdt/or-set.js';
import { array, bulk, EMPTY_ARRAY, error, NULL, type Reply } from '../resp/reply.js';
import { argInt, keyOf } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { deleteKey } from './key-writes.js';
import { WRONG_TYPE } from './lookup.js';
import { distinctIndexes, EMPTY_SET, readSet, removeMembers, setReply, writeSet } from './set-lookup.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

const INT64_MAX = 9223372036854775807n;
/** getPositiveLongFromObjectOrReply with no message answers this for any bad count. */
const ERR_COUNT_POSITIVE = error('ERR value is out of range, must be positive');
/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) with no message. */
export const ERR_COUNT_RANGE = error(`ERR value is out of range, value must between -${INT64_MAX} and ${INT64_MAX}`);

/** Parses a count in [-LONG_MAX, LONG_MAX] (SRANDMEMBER, HRANDFIELD); a bigint, since limits near 2^63 are compared exactly. */
export function parseSignedCount(arg: Buffer | undefined): bigint | Reply {
  const count = argInt(arg);
  if (count === undefined) return ERR_NOT_INTEGER;
  if (count < -INT64_MAX) return ERR_COUNT_RANGE;
  return count;
}

function randomIndex(ctx: ExecContext, size: number): number {
  return Math.floor(ctx.server.random() * size);
}

/**
 * SPOP key [count] (t_set.c spopCommand / spopWithCountCommand). The popped members
 * leave by an observed remove, so a concurrent SPOP elsewhere may return the same
 * member (at-least-once, DESIGN.md §4). Popping everything deletes the key.
 */
function spop(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  const key = keyOf(args[1]);
  if (args.length === 3) return spopWithCount(ctx, key, args[2]);
  const set = writeSet(ctx, key);
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  if (set === undefined) return NULL;
  const member = setMemberAt(set, randomIndex(ctx, setSize(set))) as Buffer;
  removeMembers(ctx, key, set, [member]);
  return bulk(member);
}

function spopWithCount(ctx: ExecContext, key: string, countArg: Buffer | undefined): Reply {
  const count = argInt(countArg);
  if (count === undefined || count < 0n) return ERR_COUNT_POSITIVE;
  const set = writeSet(ctx, key);
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  if (set === undefined || count === 0n) return EMPTY_SET;
  const size = setSize(set);
  if (count >= BigInt(size)) {
    const members = setMembers(set);
    deleteKey(ctx, key);
    return setReply(members);
  }
  const members = distinctIndexes(size, Number(count), ctx.server.random).map((i) => setMemberAt(set, i) as Buffer);
  removeMembers(ctx, key, set, members);
  return setReply(members);
}

/**
 * SRANDMEMBER key [count] (t_set.c srandmemberWithCountCommand): a positive count
 * gives distinct members (the whole set when count ≥ size), a negative count gives
 * |count| independent picks with repetition. Always an array, even in RESP3.
 */
function srandmember(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  const key = keyOf(args[1]);
  if (args.length === 3) {
    const count = parseSignedCount(args[2]);
    if (typeof count !== 'bigint') return count;
    const set = readSet(ctx, key);
    if (set === WRONG_TYPE) return ERR_WRONGTYPE;
    if (set === undefined || count === 0n) return EMPTY_ARRAY;
    return array(randomMembers(ctx, set, Number(count)).map(bulk));
  }
  const set = readSet(ctx, key);
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  if (set === undefined) return NULL;
  return bulk(setMemberAt(set, randomIndex(ctx, setSize(set))) as Buffer);
}

function randomMembers(ctx: ExecContext, set: OrSet, count: number): Buffer[] {
  const size = setSize(set);
  if (count < 0) {
    const picks: Buffer[] = [];
    for (let i = 0; i < -count; i++) picks.push(setMemberAt(set, randomIndex(ctx, size)) as Buffer);
    return picks;
  }
  if (count >= size) return setMembers(set);
  return distinctIndexes(size, count, ctx.server.random).map((i) => setMemberAt(set, i) as Buffer);
}

export const setRandomCommands: CommandSpec[] = [
  command('spop', -2, ['write', 'fast'], ONE_KEY, 'set', 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped', spop),
  command('srandmember', -2, ['readonly'], ONE_KEY, 'set', 'Get one or multiple random members from a set', srandmember),
];
