import { memberKey, setMembers } from '../crdt/or-set.js';
import { zsetItems, type ZsetItem } from '../crdt/sorted-set-range.js';
import { error, integer, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { lookupRead, lookupWrite } from './lookup.js';
import { command, ONE_KEY, type CommandSpec, type KeySpec } from './spec.js';
import { parseLong, parseScore } from './zset-args.js';
import { storeZset } from './zset-access.js';
import { itemsReply } from './zset-reply.js';

/**
 * ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (t_zset.c
 * zunionInterDiffGenericCommand). Plain sets are accepted as inputs with every score
 * 1, as in Redis. The float arithmetic follows Redis step by step (inputs ordered by
 * size, weight × score with NaN read as 0, a NaN sum read as 0), so results print
 * the same digits.
 */
type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  /** Members in the input's own order, with their scores (1 for a plain set). */
  readonly items: readonly ZsetItem[];
  /** memberKey → score, built lazily for membership tests. */
  index: Map<string, number> | undefined;
  weight: number;
}

interface AlgebraOptions {
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

function sourceOf(ctx: ExecContext, key: string, forWrite: boolean): Source | undefined | Reply {
  const state = forWrite ? lookupWrite(ctx, key) : lookupRead(ctx, key);
  if (state === undefined) return undefined;
  if (state.kind === 'zset') return { items: zsetItems(state), index: undefined, weight: 1 };
  if (state.kind === 'set') return { items: setMembers(state).map((member) => ({ member, score: 1 })), index: undefined, weight: 1 };
  return ERR_WRONGTYPE;
}

function scoreIn(source: Source, member: Buffer): number | undefined {
  source.index ??= new Map(source.items.map((item) => [memberKey(item.member), item.score]));
  return source.index.get(memberKey(member));
}

/** zunionInterAggregate: a SUM of +inf and -inf is 0, by Redis's convention. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** The trailing WEIGHTS / AGGREGATE / WITHSCORES / LIMIT options, as each command allows. */
function parseOptions(args: readonly Buffer[], from: number, sources: Source[], op: Op, store: boolean, card: boolean): AlgebraOptions | Reply {
  const options: AlgebraOptions = { aggregate: 'sum', withScores: false, limit: 0 };
  let j = from;
  while (j < args.length) {
    const remaining = args.length - j;
    const option = lower(args[j]);
    if (op !== 'diff' && !card && remaining >= sources.length + 1 && option === 'weights') {
      j++;
      for (const source of sources) {
        const weight = parseScore(args[j++]);
        if (weight === undefined) return error('ERR weight value is not a float');
        source.weight = weight;
      }
    } else if (op !== 'diff' && !card && remaining >= 2 && option === 'aggregate') {
      const how = lower(args[j + 1]);
      if (how !== 'sum' && how !== 'min' && how !== 'max') return ERR_SYNTAX;
      options.aggregate = how;
      j += 2;
    } else if (!store && !card && option === 'withscores') {
      options.withScores = true;
      j++;
    } else if (card && remaining >= 2 && option === 'limit') {
      const limit = parseLong(args[j + 1]);
      if (limit === undefined || limit < 0) return error('ERR LIMIT can\'t be negative');
      options.limit = limit;
      j += 2;
    } else return ERR_SYNTAX;
  }
  return options;
}

function union(sources: readonly Source[], how: Aggregate): Map<string, ZsetItem> {
  const out = new Map<string, ZsetItem>();
  for (const source of sources) {
    for (const { member, score } of source.items) {
      let value = source.weight * score;
      if (Number.isNaN(value)) value = 0;
      const name = memberKey(member);
      const existing = out.get(name);
      out.set(name, { member, score: existing === undefined ? value : aggregate(existing.score, value, how) });
    }
  }
  return out;
}

/** Members of the smallest input found in every other one; stops at `limit` (ZINTERCARD). */
function inter(sources: readonly Source[], how: Aggregate, limit: number): Map<string, ZsetItem> {
  const out = new Map<string, ZsetItem>();
  const [first, ...rest] = sources;
  if (first === undefined) return out;
  for (const { member, score } of first.items) {
    let total = first.weight * score;
    if (Number.isNaN(total)) total = 0;
    let inAll = true;
    for (const source of rest) {
      const found = scoreIn(source, member);
      if (found === undefined) {
        inAll = false;
        break;
      }
      total = aggregate(total, found * source.weight, how);
    }
    if (!inAll) continue;
    out.set(memberKey(member), { member, score: total });
    if (limit > 0 && out.size >= limit) break;
  }
  return out;
}

function diff(sources: readonly Source[]): Map<string, ZsetItem> {
  const out = new Map<string, ZsetItem>();
  const [first, ...rest] = sources;
  for (const item of first?.items ?? []) {
    if (rest.some((source) => scoreIn(source, item.member) !== undefined)) continue;
    out.set(memberKey(item.member), item);
  }
  return out;
}

function compute(op: Op, sources: readonly Source[], options: AlgebraOptions): ZsetItem[] {
  // Redis sorts the inputs by size (smallest first) for UNION and INTER; DIFF keeps the first.
  const ordered = op === 'diff' ? sources : [...sources].sort((a, b) => a.items.length - b.items.length);
  const result = op === 'union' ? union(ordered, options.aggregate) : op === 'inter' ? inter(ordered, options.aggregate, options.limit) : diff(ordered);
  const items = [...result.values()];
  items.sort((a, b) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : Buffer.compare(a.member, b.member)));
  return items;
}

/**
 * The shared command body. `dst` is the destination for *STORE; `card` is ZINTERCARD.
 * Input keys are type-checked before the options are parsed, as in Redis.
 */
function algebra(ctx: ExecContext, args: readonly Buffer[], op: Op, dst: string | undefined, card = false): Reply {
  const at = dst === undefined ? 1 : 2;
  const numkeys = parseLong(args[at]);
  if (numkeys === undefined) return ERR_NOT_INTEGER;
  const name = lower(args[0]);
  if (numkeys < 1) return error(`ERR at least 1 input key is needed for '${name}' command`);
  if (numkeys > args.length - at - 1) return ERR_SYNTAX;
  const sources: Source[] = [];
  for (let i = 0; i < numkeys; i++) {
    const source = sourceOf(ctx, keyOf(args[at + 1 + i]), dst !== undefined);
    if (source !== undefined && 'kind' in source) return source;
    sources.push(source ?? { items: [], index: undefined, weight: 1 });
  }
  const options = parseOptions(args, at + 1 + numkeys, sources, op, dst !== undefined, card);
  if ('kind' in options) return options;
  const items = compute(op, sources, options);
  if (card) return integer(items.length);
  if (dst === undefined) return itemsReply(ctx, items, options.withScores, true);
  storeZset(ctx, dst, items);
  return integer(items.length);
}

const G = 'sorted-set';
const NO_FIXED_KEYS: KeySpec = { first: 0, last: 0, step: 0 };
const STORE = ['write', 'denyoom', 'movablekeys'] as const;
const READ = ['readonly', 'movablekeys'] as const;

export const zsetAlgebraCommands: CommandSpec[] = [
  command('zunion', -3, READ, NO_FIXED_KEYS, G, 'Returns the union of multiple sorted sets', (c, a) => algebra(c, a, 'union', undefined), '6.2.0'),
  command('zinter', -3, READ, NO_FIXED_KEYS, G, 'Returns the intersect of multiple sorted sets', (c, a) => algebra(c, a, 'inter', undefined), '6.2.0'),
  command('zdiff', -3, READ, NO_FIXED_KEYS, G, 'Returns the difference between multiple sorted sets', (c, a) => algebra(c, a, 'diff', undefined), '6.2.0'),
  command('zintercard', -3, READ, NO_FIXED_KEYS, G, 'Returns the number of members of the intersect of multiple sorted sets', (c, a) => algebra(c, a, 'inter', undefined, true), '7.0.0'),
  command('zunionstore', -4, STORE, ONE_KEY, G, 'Stores the union of multiple sorted sets in a key', (c, a) => algebra(c, a, 'union', keyOf(a[1])), '2.0.0'),
  command('zinterstore', -4, STORE, ONE_KEY, G, 'Stores the intersect of multiple sorted sets in a key', (c, a) => algebra(c, a, 'inter', keyOf(a[1])), '2.0.0'),
  command('zdiffstore', -4, STORE, ONE_KEY, G, 'Stores the difference of multiple input sorted sets in a key', (c, a) => algebra(c, a, 'diff', keyOf(a[1])), '6.2.0'),
];
