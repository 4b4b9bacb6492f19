import { memberKey, setHas, setMembers, setSize } from '../crdt/or-set.js';
import { array, integer, ONE, ZERO, type Reply } from '../resp/reply.js';
import { keyOf } from './args.js';
import { ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { setAlgebraCommands } from './set-algebra.js';
import { EMPTY_SET, readSet, removeMembers, setReply, writeSet } from './set-lookup.js';
import { setRandomCommands } from './set-random.js';
import { sscan } from './set-scan.js';
import { command, ONE_KEY, TWO_KEYS, type CommandSpec } from './spec.js';

/**
 * SADD (t_set.c saddCommand). Every argument goes into the `set.add` effect, present
 * members too: re-tagging them with this op's dot makes the add win over a concurrent
 * SREM that had not seen it (DESIGN.md §4, add wins). The reply counts new members.
 */
function sadd(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const set = writeSet(ctx, key);
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  const added = new Set<string>();
  const members = args.slice(2);
  for (const member of members) if (set === undefined || !setHas(set, member)) added.add(memberKey(member));
  ctx.server.engine.emit(key, { type: 'set.add', members });
  return integer(added.size);
}

/** SREM: an observed remove of the members present; the key disappears with its last member. */
function srem(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const set = writeSet(ctx, key);
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  if (set === undefined) return ZERO;
  const removed = new Map<string, Buffer>();
  for (let i = 2; i < args.length; i++) {
    const member = args[i] as Buffer;
    if (setHas(set, member)) removed.set(memberKey(member), member);
  }
  removeMembers(ctx, key, set, [...removed.values()]);
  return integer(removed.size);
}

/** SMEMBERS: Redis answers it with SINTER of one key, a RESP3 set. */
function smembers(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const set = readSet(ctx, keyOf(args[1]));
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  return set === undefined ? EMPTY_SET : setReply(setMembers(set));
}

function sismember(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const set = readSet(ctx, keyOf(args[1]));
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  return set !== undefined && setHas(set, args[2] as Buffer) ? ONE : ZERO;
}

function smismember(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const set = readSet(ctx, keyOf(args[1]));
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  const items: Reply[] = [];
  for (let i = 2; i < args.length; i++) items.push(set !== undefined && setHas(set, args[i] as Buffer) ? ONE : ZERO);
  return array(items);
}

function scard(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const set = readSet(ctx, keyOf(args[1]));
  if (set === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(set === undefined ? 0 : setSize(set));
}

/**
 * SMOVE (t_set.c smoveCommand): a missing source answers 0 before any type check of
 * the destination; same key answers membership; otherwise an observed remove from the
 * source and an add to the destination, in one operation.
 */
function smove(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const source = keyOf(args[1]);
  const target = keyOf(args[2]);
  const member = args[3] as Buffer;
  const from = writeSet(ctx, source);
  const to = writeSet(ctx, target);
  if (from === undefined) return ZERO;
  if (from === WRONG_TYPE || to === WRONG_TYPE) return ERR_WRONGTYPE;
  if (source === target) return setHas(from, member) ? ONE : ZERO;
  if (!setHas(from, member)) return ZERO;
  removeMembers(ctx, source, from, [member]);
  ctx.server.engine.emit(target, { type: 'set.add', members: [member] });
  return ONE;
}

export const setCommands: CommandSpec[] = [
  command('sadd', -3, ['write', 'denyoom', 'fast'], ONE_KEY, 'set', 'Adds one or more members to a set. Creates the key if it doesn\'t exist', sadd),
  command('srem', -3, ['write', 'fast'], ONE_KEY, 'set', 'Removes one or more members from a set. Deletes the set if the last member was removed', srem),
  command('smembers', 2, ['readonly'], ONE_KEY, 'set', 'Returns all members of a set', smembers),
  command('sismember', 3, ['readonly', 'fast'], ONE_KEY, 'set', 'Determines whether a member belongs to a set', sismember),
  command('smismember', -3, ['readonly', 'fast'], ONE_KEY, 'set', 'Determines whether multiple members belong to a set', smismember, '6.2.0'),
  command('scard', 2, ['readonly', 'fast'], ONE_KEY, 'set', 'Returns the number of members in a set', scard),
  command('smove', 4, ['write', 'fast'], TWO_KEYS, 'set', 'Moves a member from one set to another', smove),
  command('sscan', -3, ['readonly'], ONE_KEY, 'set', 'Iterates over members of a set', sscan, '2.8.0'),
  ...setRandomCommands,
  ...setAlgebraCommands,
];
