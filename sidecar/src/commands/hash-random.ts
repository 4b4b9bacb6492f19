import { hashFieldAt, hashLength, type HashState } from '../crdt/hash.js';
import { array, bulk, EMPTY_ARRAY, error, NULL, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { readHash } from './hash-lookup.js';
import { WRONG_TYPE } from './lookup.js';
import { distinctIndexes } from './set-lookup.js';
import { parseSignedCount } from './set-random.js';
import { EMPTY_SCAN, ERR_INVALID_CURSOR, isScanOptions, parseScanCursor, parseScanOptions } from './set-scan.js';

const HALF_LONG_MAX = 4611686018427387903n;
const ERR_OUT_OF_RANGE = error('ERR value is out of range');

type Pair = [Buffer, Buffer];

function pairAt(hash: HashState, index: number): Pair {
  return hashFieldAt(hash, index) as Pair;
}

/**
 * HRANDFIELD key [count [WITHVALUES]] (t_hash.c hrandfieldCommand): the count is parsed
 * first, then the option; WITHVALUES limits |count| to LONG_MAX/2 (the reply has twice
 * as many items). Positive counts give distinct fields (all of them when count ≥ size),
 * negative counts independent picks with repetition.
 */
export function hrandfield(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const key = keyOf(args[1]);
  if (args.length === 2) {
    const hash = readHash(ctx, key);
    if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
    if (hash === undefined) return NULL;
    return bulk(pairAt(hash, Math.floor(ctx.server.random() * hashLength(hash)))[0]);
  }
  const count = parseSignedCount(args[2]);
  if (typeof count !== 'bigint') return count;
  if (args.length > 4 || (args.length === 4 && lower(args[3]) !== 'withvalues')) return ERR_SYNTAX;
  const withValues = args.length === 4;
  if (withValues && (count < -HALF_LONG_MAX || count > HALF_LONG_MAX)) return ERR_OUT_OF_RANGE;
  const hash = readHash(ctx, key);
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  if (hash === undefined || count === 0n) return EMPTY_ARRAY;
  const pairs = randomPairs(ctx, hash, Number(count));
  if (!withValues) return array(pairs.map(([field]) => bulk(field)));
  // RESP3 nests each field/value pair in an array; RESP2 flattens them.
  if (ctx.client.protocol === 3) return array(pairs.map(([field, value]) => array([bulk(field), bulk(value)])));
  return array(pairs.flatMap(([field, value]) => [bulk(field), bulk(value)]));
}

function randomPairs(ctx: ExecContext, hash: HashState, count: number): Pair[] {
  const size = hashLength(hash);
  if (count < 0) {
    const picks: Pair[] = [];
    for (let i = 0; i < -count; i++) picks.push(pairAt(hash, Math.floor(ctx.server.random() * size)));
    return picks;
  }
  const indexes = count >= size ? [...Array(size).keys()] : distinctIndexes(size, count, ctx.server.random);
  return indexes.map((index) => pairAt(hash, index));
}

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] (t_hash.c hscanCommand). Fields are
 * walked from the highest index down, like or-set.ts setScan: a field removed during
 * the scan shifts only higher (already visited) indexes, so a field present for the
 * whole scan is not missed (it may be returned twice, which SCAN allows).
 */
export function hscan(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const cursor = parseScanCursor(args[2]);
  if (cursor === undefined) return ERR_INVALID_CURSOR;
  const hash = readHash(ctx, keyOf(args[1]));
  if (hash === WRONG_TYPE) return ERR_WRONGTYPE;
  if (hash === undefined) return EMPTY_SCAN;
  const options = parseScanOptions(args, 3);
  if (!isScanOptions(options)) return options;
  const size = hashLength(hash);
  let position = cursor === 0 ? size : Math.min(cursor, size);
  const items: Reply[] = [];
  for (let visited = 0; position > 0 && visited < options.count; visited++) {
    position -= 1;
    const [field, value] = pairAt(hash, position);
    if (options.pattern !== undefined && !globMatch(options.pattern, field.toString('latin1'))) continue;
    items.push(bulk(field), bulk(value));
  }
  return array([bulk(String(position)), array(items)]);
}
