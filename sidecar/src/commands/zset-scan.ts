import type { ZsetState } from '../crdt/sorted-set.js';
import { zsetItems, zsetSize, type ZsetItem } from '../crdt/sorted-set-range.js';
import { array, bulk, error, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { WRONG_TYPE } from './lookup.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';
import { parseLong } from './zset-args.js';
import { readZset } from './zset-access.js';
import { formatScore } from './zset-reply.js';

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count] (db.c scanGenericCommand).
 *
 * Redis answers a small sorted set (a listpack: at most 128 members) in one call with
 * cursor 0, whatever COUNT says; we do the same. A bigger set is walked in the order
 * of a 32-bit hash of its members and the cursor is the next hash to visit, so a
 * member present for the whole scan is returned at least once however the set
 * changes in between (scores moving do not move a member in hash order), the
 * guarantee SCAN documents. Members sharing a hash come out in the same call.
 */
const SMALL = 128;
const HASH_SPACE = 2 ** 32;

function memberHash(member: Buffer): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (const byte of member) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

interface ScanOptions {
  pattern: string | undefined;
  count: number;
}

function parseScanOptions(args: readonly Buffer[]): ScanOptions | Reply {
  const options: ScanOptions = { pattern: undefined, count: 10 };
  for (let i = 3; i < args.length; i += 2) {
    const option = lower(args[i]);
    if (i + 1 >= args.length) return ERR_SYNTAX;
    if (option === 'count') {
      const count = parseLong(args[i + 1]);
      if (count === undefined) return ERR_NOT_INTEGER;
      if (count < 1) return ERR_SYNTAX;
      options.count = count;
    } else if (option === 'match') {
      const pattern = keyOf(args[i + 1]);
      options.pattern = pattern === '*' ? undefined : pattern;
    } else return ERR_SYNTAX;
  }
  return options;
}

/** One page in hash order from `cursor`: at least `count` members, whole hash groups. */
function page(state: ZsetState, cursor: number, count: number): { next: number; items: ZsetItem[] } {
  const candidates = zsetItems(state)
    .map((item) => ({ item, hash: memberHash(item.member) }))
    .filter((entry) => entry.hash >= cursor)
    .sort((a, b) => a.hash - b.hash);
  let end = Math.min(count, candidates.length);
  const last = candidates[end - 1]?.hash;
  while (last !== undefined && candidates[end]?.hash === last) end++;
  const next = end >= candidates.length || last === undefined || last + 1 >= HASH_SPACE ? 0 : last + 1;
  return { next, items: candidates.slice(0, end).map((entry) => entry.item) };
}

/** db.c parseScanCursorOrReply: strtoul, so a sign is allowed (`-1` wraps) and "" is 0. */
function parseCursor(arg: Buffer | undefined): number | undefined {
  const text = keyOf(arg);
  if (text === '') return 0;
  if (!/^[+-]?\d+$/.test(text) || text.length > 40) return undefined;
  const magnitude = BigInt(text.replace(/^[+-]/, ''));
  if (magnitude >= 2n ** 64n) return undefined;
  return Number(BigInt.asUintN(64, text.startsWith('-') ? -magnitude : magnitude));
}

function zscan(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const cursor = parseCursor(args[2]);
  if (cursor === undefined) return error('ERR invalid cursor');
  const state = readZset(ctx, keyOf(args[1]));
  if (state === WRONG_TYPE) return ERR_WRONGTYPE;
  if (state === undefined) return array([bulk('0'), array([])]);
  const options = parseScanOptions(args);
  if ('kind' in options) return options;
  const { next, items } = zsetSize(state) <= SMALL ? { next: 0, items: zsetItems(state) } : page(state, cursor, options.count);
  const out: Reply[] = [];
  for (const item of items) {
    if (options.pattern !== undefined && !globMatch(options.pattern, item.member.toString('latin1'))) continue;
    out.push(bulk(item.member), bulk(formatScore(item.score)));
  }
  return array([bulk(String(next)), array(out)]);
}

export const zsetScanCommands: CommandSpec[] = [
  command('zscan', -3, ['readonly'], ONE_KEY, 'sorted-set', 'Iterates over members and scores of a sorted set', zscan, '2.8.0'),
];
