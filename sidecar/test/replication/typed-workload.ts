import type { Redis } from 'ioredis';
import type { Ledger, Place } from './ledger.js';
import type { Random } from './random.js';

/** A replica as the workload sees it; `client` may be replaced (after a restart). */
export interface Target {
  readonly id: string;
  client: Redis;
}

type Outcome = 'acked' | 'uncertain' | 'error';

/** An error reply is an answer; anything else (closed connection, killed replica) leaves the write uncertain. */
async function attempt(target: Target, ...args: (string | number)[]): Promise<Outcome> {
  try {
    await target.client.call(String(args[0]), ...args.slice(1));
    return 'acked';
  } catch (error) {
    return (error as Error).name === 'ReplyError' ? 'error' : 'uncertain';
  }
}

const HOT_KEYS = ['hot:0', 'hot:1', 'hot:2', 'hot:3', 'hot:4'];

/** Commands of every type on a few shared keys, type conflicts included: only convergence is checked on them. */
const HOT_COMMANDS: ((key: string, other: string, v: string, r: Random) => (string | number)[])[] = [
  (k, _o, v) => ['set', k, v],
  (k, _o, v) => ['append', k, v],
  (k, _o, v, r) => ['setrange', k, r.below(6), v],
  (k) => ['incr', k],
  (k, _o, _v, r) => ['incrbyfloat', k, (r.below(8) + 1) / 4],
  (k) => ['del', k],
  (k) => ['getdel', k],
  (k, _o, _v, r) => ['expire', k, 1000 + r.below(1000)],
  (k) => ['persist', k],
  (k, _o, v) => ['lpush', k, v, `${v}b`],
  (k, _o, v) => ['rpush', k, v],
  (k) => ['lpop', k],
  (k) => ['rpop', k],
  (k, _o, v, r) => ['lset', k, r.below(3), v],
  (k, _o, v) => ['linsert', k, 'before', 'x', v],
  (k, _o, v, r) => ['lrem', k, r.below(3) - 1, v],
  (k, _o, _v, r) => ['ltrim', k, 0, r.below(6)],
  (k, o) => ['lmove', k, o, 'left', 'right'],
  (k, _o, _v, r) => ['sadd', k, `m${r.below(6)}`, 'x'],
  (k, _o, _v, r) => ['srem', k, `m${r.below(6)}`],
  (k) => ['spop', k],
  (k, _o, v, r) => ['hset', k, `f${r.below(4)}`, v],
  (k, _o, _v, r) => ['hdel', k, `f${r.below(4)}`],
  (k, _o, _v, r) => ['hincrby', k, `f${r.below(4)}`, r.below(5) + 1],
  (k, _o, _v, r) => ['hincrbyfloat', k, `g${r.below(2)}`, 0.5],
  (k, _o, _v, r) => ['zadd', k, r.below(10), `m${r.below(6)}`],
  (k, _o, _v, r) => ['zrem', k, `m${r.below(6)}`],
  (k, _o, _v, r) => ['zincrby', k, r.below(4) + 1, `m${r.below(6)}`],
  (k) => ['zpopmin', k],
];

/**
 * One writer's random workload over every type. Invariant keys get only operations whose
 * outcome the ledger can predict (counters only incremented, adds of unique elements,
 * removes of elements this writer added, deletes of keys this writer made, TTLs); the hot
 * keys get anything. Runs until `running()` turns false.
 */
export async function runWorkload(target: Target, writer: string, random: Random, ledger: Ledger, running: () => boolean): Promise<void> {
  let n = 0;
  while (running()) {
    n += 1;
    const outcome = await step(target, `${writer}:${n}`, writer, random, ledger);
    if (outcome === 'uncertain') await new Promise((resolve) => setTimeout(resolve, 50));
    else ledger.acknowledged += 1;
  }
}

async function step(target: Target, unique: string, writer: string, r: Random, ledger: Ledger): Promise<Outcome> {
  const roll = r.next();
  if (roll < 0.3) return counter(target, r, ledger);
  if (roll < 0.65) return addThenMaybeRemove(target, unique, writer, r, ledger);
  if (roll < 0.72) return deletedKey(target, unique, r, ledger);
  if (roll < 0.77) return expiry(target, unique, r, ledger);
  const key = r.pick(HOT_KEYS);
  const args = r.pick(HOT_COMMANDS)(key, r.pick(HOT_KEYS), `${unique}`, r);
  const outcome = await attempt(target, ...args);
  return outcome === 'error' ? 'acked' : outcome; // WRONGTYPE, not an integer, no such key: Redis's answers
}

/** Increments that must each count exactly once: INCRBY, INCRBYFLOAT (exact binary fractions), HINCRBY, ZINCRBY. */
async function counter(target: Target, r: Random, ledger: Ledger): Promise<Outcome> {
  const by = r.below(9) + 1;
  const element = `e${r.below(3)}`;
  const key = `cnt:${r.below(2)}`;
  const [place, args, amount]: [Place, (string | number)[], number] = r.pick<[Place, (string | number)[], number]>([
    [{ kind: 'key', key }, ['incrby', key, by], by],
    [{ kind: 'key', key: 'fcnt:0' }, ['incrbyfloat', 'fcnt:0', by / 4], by / 4],
    [{ kind: 'hash', key: 'hcnt:0', element }, ['hincrby', 'hcnt:0', element, by], by],
    [{ kind: 'zset', key: 'zcnt:0', element }, ['zincrby', 'zcnt:0', by, element], by],
  ]);
  return record(await attempt(target, ...args), place, amount, ledger, args);
}

function record(outcome: Outcome, place: Place, by: number, ledger: Ledger, args: (string | number)[]): Outcome {
  if (outcome === 'error') ledger.unexpected.push(`error reply to ${args.join(' ')}`);
  else ledger.increment(place, by, outcome);
  return outcome;
}

/** A unique element added to a collection (or a unique string key), sometimes removed again by its writer. */
async function addThenMaybeRemove(target: Target, unique: string, writer: string, r: Random, ledger: Ledger): Promise<Outcome> {
  const kind = r.pick(['list', 'set', 'hash', 'zset', 'key'] as const);
  const key = kind === 'key' ? `kept:${unique}` : `${kind}:${r.below(2)}`;
  const add: (string | number)[] = kind === 'list' ? ['rpush', key, unique]
    : kind === 'set' ? ['sadd', key, unique]
      : kind === 'hash' ? ['hset', key, unique, 'v']
        : kind === 'zset' ? ['zadd', key, r.below(100), unique]
          : ['set', key, 'v'];
  const place: Place = kind === 'key' ? { kind, key } : { kind, key, element: unique };
  const added = await attempt(target, ...add);
  if (added !== 'acked') {
    if (added === 'error') ledger.unexpected.push(`error reply to ${add.join(' ')}`);
    return added;
  }
  ledger.added(place, writer);
  if (r.next() >= 0.3) return 'acked';
  const remove: (string | number)[] = kind === 'list' ? ['lrem', key, 0, unique]
    : kind === 'set' ? ['srem', key, unique]
      : kind === 'hash' ? ['hdel', key, unique]
        : kind === 'zset' ? ['zrem', key, unique]
          : ['del', key];
  const removed = await attempt(target, ...remove);
  if (removed === 'acked') ledger.removed(place);
  else ledger.unknown(place);
  if (removed === 'error') ledger.unexpected.push(`error reply to ${remove.join(' ')}`);
  return removed;
}

/** A key of any type made and then deleted (DEL, UNLINK or GETDEL): it must never come back. */
async function deletedKey(target: Target, unique: string, r: Random, ledger: Ledger): Promise<Outcome> {
  const key = `gone:${unique}`;
  const create = r.pick<(string | number)[]>([['set', key, 'v'], ['rpush', key, 'a', 'b'], ['sadd', key, 'a'], ['hset', key, 'f', 'v'], ['zadd', key, 1, 'a'], ['incrby', key, 3]]);
  const created = await attempt(target, ...create);
  if (created !== 'acked') return created;
  const remove = create[0] === 'set' || create[0] === 'incrby' ? r.pick(['del', 'unlink', 'getdel']) : r.pick(['del', 'unlink']);
  const removed = await attempt(target, remove, key);
  if (removed === 'acked') ledger.removed({ kind: 'key', key });
  return removed === 'error' ? 'acked' : removed;
}

/** Keys with a long TTL (must still have it) and with a short one (must be gone once it passed). */
async function expiry(target: Target, unique: string, r: Random, ledger: Ledger): Promise<Outcome> {
  const long = r.next() < 0.5;
  const key = `${long ? 'ttl-long' : 'ttl-short'}:${unique}`;
  const steps: (string | number)[][] = r.next() < 0.5
    ? [['set', key, 'v', 'px', long ? 3600000 : 300 + r.below(500)]]
    : [['sadd', key, 'a', 'b'], [long ? 'expire' : 'pexpire', key, long ? 3600 : 300 + r.below(500)]];
  for (const args of steps) {
    const outcome = await attempt(target, ...args);
    if (outcome !== 'acked') return outcome;
  }
  if (long) {
    ledger.added({ kind: 'key', key });
    ledger.expires(key);
  } else ledger.removed({ kind: 'key', key });
  return 'acked';
}

/** How long after the last write every short TTL of the workload has passed. */
export const SHORT_TTL_MAX_MS = 800;
