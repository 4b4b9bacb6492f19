import { memberKey } from '../crdt/or-set.js';
import { zsetAddEffect, zsetIncrEffect } from '../crdt/sorted-set.js';
import { zsetCount, zsetRank, zsetScore, zsetSize } from '../crdt/sorted-set-range.js';
import { array, integer, NULL, ZERO, error, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_NOT_FLOAT, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { WRONG_TYPE } from './lookup.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';
import { ERR_LEX_RANGE, ERR_RANGE_NOT_FLOAT, ERR_SCORE_NAN, parseLexRange, parseScore, parseScoreRange } from './zset-args.js';
import { readZset, removeMembers, writeZset, zsetHistory } from './zset-access.js';
import { zsetAlgebraCommands } from './zset-algebra.js';
import { lexCount } from './zset-lex.js';
import { zsetPopCommands } from './zset-pop.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetScanCommands } from './zset-scan.js';
import { scoreReply } from './zset-reply.js';

interface ZaddFlags {
  nx: boolean; xx: boolean; gt: boolean; lt: boolean; ch: boolean; incr: boolean;
}

/** Leading ZADD flags (t_zset.c zaddGenericCommand); returns the index of the first score. */
function parseZaddFlags(args: readonly Buffer[], flags: ZaddFlags): number {
  let i = 2;
  for (; i < args.length; i++) {
    const flag = lower(args[i]);
    if (flag === 'nx' || flag === 'xx' || flag === 'gt' || flag === 'lt' || flag === 'ch' || flag === 'incr') flags[flag] = true;
    else break;
  }
  return i;
}

function zaddConflict(flags: ZaddFlags, elements: number): Reply | undefined {
  if (flags.nx && flags.xx) return error('ERR XX and NX options at the same time are not compatible');
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    return error('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (flags.incr && elements > 2) return error('ERR INCR option supports a single increment-element pair');
  return undefined;
}

function zadd(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  return zaddGeneric(ctx, args, flags, parseZaddFlags(args, flags));
}

function zincrby(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return zaddGeneric(ctx, args, { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true }, 2);
}

/** ZADD and ZINCRBY: checks in Redis's order (syntax, option conflicts, scores, type). */
function zaddGeneric(ctx: ExecContext, args: readonly Buffer[], flags: ZaddFlags, first: number): Reply {
  const elements = args.length - first;
  if (elements === 0 || elements % 2 !== 0) return ERR_SYNTAX;
  const conflict = zaddConflict(flags, elements);
  if (conflict !== undefined) return conflict;
  const pairs: [number, Buffer][] = [];
  for (let i = first; i < args.length; i += 2) {
    const score = parseScore(args[i]);
    if (score === undefined) return ERR_NOT_FLOAT;
    pairs.push([score, args[i + 1] ?? Buffer.alloc(0)]);
  }
  const key = keyOf(args[1]);
  const state = writeZset(ctx, key);
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined && flags.xx) return flags.incr ? NULL : ZERO;
  return flags.incr ? zaddIncr(ctx, key, flags, pairs[0] ?? [0, Buffer.alloc(0)]) : zaddScores(ctx, key, flags, pairs);
}

/** t_zset.c zsetAdd for one member: the score to store, or undefined for a no-op. */
function nextScore(flags: ZaddFlags, current: number | undefined, score: number): number | undefined {
  if (current === undefined) return flags.xx ? undefined : score;
  if (flags.nx) return undefined;
  if ((flags.gt && score <= current) || (flags.lt && score >= current)) return undefined;
  return score;
}

function zaddScores(ctx: ExecContext, key: string, flags: ZaddFlags, pairs: readonly [number, Buffer][]): Reply {
  const history = zsetHistory(ctx, key);
  const visible = history !== undefined && zsetSize(history) > 0 ? history : undefined;
  const pending = new Map<string, [Buffer, number]>();
  let added = 0;
  let updated = 0;
  for (const [score, member] of pairs) {
    const name = memberKey(member);
    const current = pending.get(name)?.[1] ?? (visible === undefined ? undefined : zsetScore(visible, name));
    const next = nextScore(flags, current, score);
    if (next === undefined || next === current) continue;
    if (current === undefined) added++;
    else updated++;
    // Redis's listpack stores -0 as text and reads it back as 0: store the 0 it will show.
    pending.set(name, [member, next === 0 ? 0 : next]);
  }
  if (pending.size > 0) ctx.server.engine.emit(key, zsetAddEffect(history, [...pending.values()]));
  return integer(flags.ch ? added + updated : added);
}

function zaddIncr(ctx: ExecContext, key: string, flags: ZaddFlags, [delta, member]: [number, Buffer]): Reply {
  const history = zsetHistory(ctx, key);
  const current = history === undefined ? undefined : zsetScore(history, member);
  if (current !== undefined && Number.isNaN(current + delta) && !flags.nx) return ERR_SCORE_NAN;
  const next = nextScore(flags, current, current === undefined ? delta : current + delta);
  if (next === undefined) return NULL;
  if (next !== current) {
    const { engine, keyspace } = ctx.server;
    engine.emit(key, zsetIncrEffect(history, member, delta, engine.replicaId, keyspace.scoreEpochs ? engine.pendingSeq() : undefined));
  }
  return scoreReply(next, true);
}

function zrem(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  const state = writeZset(ctx, key);
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return ZERO;
  const seen = new Set<string>();
  const members: Buffer[] = [];
  for (let i = 2; i < args.length; i++) {
    const member = args[i] ?? Buffer.alloc(0);
    const name = memberKey(member);
    if (seen.has(name) || zsetScore(state, member) === undefined) continue;
    seen.add(name);
    members.push(member);
  }
  removeMembers(ctx, key, state, members);
  return integer(members.length);
}

function zscore(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const score = state === undefined ? undefined : zsetScore(state, args[2] ?? Buffer.alloc(0));
  return score === undefined ? NULL : scoreReply(score);
}

function zmscore(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const out: Reply[] = [];
  for (let i = 2; i < args.length; i++) {
    const score = state === undefined ? undefined : zsetScore(state, args[i] ?? Buffer.alloc(0));
    out.push(score === undefined ? NULL : scoreReply(score));
  }
  return array(out);
}

function zcard(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(state === undefined ? 0 : zsetSize(state));
}

/** ZCOUNT: the range is parsed before the key is looked up (t_zset.c zcountCommand). */
function zcount(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const range = parseScoreRange(args[2], args[3]);
  if (range === undefined) return ERR_RANGE_NOT_FLOAT;
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(state === undefined ? 0 : zsetCount(state, range));
}

function zlexcount(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const range = parseLexRange(args[2], args[3]);
  if (range === undefined) return ERR_LEX_RANGE;
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  return integer(state === undefined ? 0 : lexCount(state, range));
}

function zrankGeneric(ctx: ExecContext, args: readonly Buffer[], reverse: boolean): Reply {
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  const rank = state === undefined ? undefined : zsetRank(state, args[2] ?? Buffer.alloc(0), reverse);
  return rank === undefined ? NULL : integer(rank);
}

const G = 'sorted-set';

/** Every sorted-set command (Redis 7.0 arities and flags), registered in table.ts. */
export const zsetCommands: CommandSpec[] = [
  command('zadd', -4, ['write', 'denyoom', 'fast'], ONE_KEY, G, 'Adds one or more members to a sorted set, or updates their scores', zadd, '1.2.0'),
  command('zincrby', 4, ['write', 'denyoom', 'fast'], ONE_KEY, G, 'Increments the score of a member in a sorted set', zincrby, '1.2.0'),
  command('zrem', -3, ['write', 'fast'], ONE_KEY, G, 'Removes one or more members from a sorted set', zrem, '1.2.0'),
  command('zscore', 3, ['readonly', 'fast'], ONE_KEY, G, 'Returns the score of a member in a sorted set', zscore, '1.2.0'),
  command('zmscore', -3, ['readonly', 'fast'], ONE_KEY, G, 'Returns the score of one or more members in a sorted set', zmscore, '6.2.0'),
  command('zcard', 2, ['readonly', 'fast'], ONE_KEY, G, 'Returns the number of members in a sorted set', zcard, '1.2.0'),
  command('zcount', 4, ['readonly', 'fast'], ONE_KEY, G, 'Returns the count of members in a sorted set that have scores within a range', zcount, '2.0.0'),
  command('zlexcount', 4, ['readonly', 'fast'], ONE_KEY, G, 'Returns the number of members in a sorted set within a lexicographical range', zlexcount, '2.8.9'),
  command('zrank', 3, ['readonly', 'fast'], ONE_KEY, G, 'Returns the index of a member in a sorted set ordered by ascending scores', (c, a) => zrankGeneric(c, a, false), '2.0.0'),
  command('zrevrank', 3, ['readonly', 'fast'], ONE_KEY, G, 'Returns the index of a member in a sorted set ordered by descending scores', (c, a) => zrankGeneric(c, a, true), '2.0.0'),
  ...zsetRangeCommands, ...zsetPopCommands, ...zsetAlgebraCommands, ...zsetScanCommands,
];
