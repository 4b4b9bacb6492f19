import { OK, type Reply } from '../resp/reply.js';
import type { Client } from './client.js';
import { keyOf } from './args.js';
import { ERR_DISCARD_WITHOUT_MULTI, ERR_EXEC_WITHOUT_MULTI, ERR_MULTI_NESTED, ERR_WATCH_IN_MULTI } from './errors.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { sessionOf, type Session } from './session.js';
import { ALL_KEYS, command, NO_KEYS, type CommandFlag, type CommandSpec } from './spec.js';

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH (Redis 7.0 multi.c). Queueing and EXECABORT for
 * commands that failed to queue are the dispatcher's; EXEC runs the queue through
 * `execQueued`, which publishes its writes as one atomic replication group.
 */

/** A nested MULTI is refused but, as in Redis, does not abort the open transaction. */
function multi(ctx: ExecContext): Reply {
  const session = sessionOf(ctx.client);
  if (session.multi !== undefined) return ERR_MULTI_NESTED;
  session.multi = [];
  session.multiFailed = false;
  return OK;
}

/**
 * Watched keys whose TTL had already passed at WATCH time (Redis 7.0 watchedKey.expired),
 * only possible when another replica owns the expiry; they do not fail EXEC by expiring.
 */
const expiredAtWatch = new WeakMap<Client, Set<string>>();

/**
 * Redis 7.0 isWatchedKeyExpired: a watched key that expired between WATCH and EXEC
 * fails the transaction even if nothing deleted it yet.
 */
function watchedKeyExpired(ctx: ExecContext, session: Session): boolean {
  const skip = expiredAtWatch.get(ctx.client);
  for (const key of session.watched) {
    if (skip?.has(key) !== true && ctx.server.keyspace.isExpired(key, ctx.now)) return true;
  }
  return false;
}

function exec(ctx: ExecContext): Reply {
  const session = sessionOf(ctx.client);
  if (session.multi === undefined) return ERR_EXEC_WITHOUT_MULTI;
  if (watchedKeyExpired(ctx, session)) session.watchDirty = true;
  expiredAtWatch.delete(ctx.client);
  return ctx.server.execQueued(ctx.client, session);
}

/** Forgets every WATCH of the client (UNWATCH, and any end of a transaction). */
function forgetWatches(server: ServerContext, client: Client, session: Session): void {
  server.watches.unwatchAll(client, session);
  expiredAtWatch.delete(client);
}

/**
 * Leaves MULTI and forgets the watches (Redis's discardTransaction): DISCARD, EXEC,
 * an EXEC rejected inside MULTI, RESET.
 */
export function discardTransaction(server: ServerContext, client: Client, session: Session): void {
  session.multi = undefined;
  session.multiFailed = false;
  forgetWatches(server, client, session);
}

/** DISCARD: drops the queue and every WATCH. */
function discard(ctx: ExecContext): Reply {
  const session = sessionOf(ctx.client);
  if (session.multi === undefined) return ERR_DISCARD_WITHOUT_MULTI;
  discardTransaction(ctx.server, ctx.client, session);
  return OK;
}

/** WATCH is never queued (the dispatcher runs it at once), so it refuses itself inside MULTI. */
function watch(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const session = sessionOf(ctx.client);
  if (session.multi !== undefined) return ERR_WATCH_IN_MULTI;
  for (let i = 1; i < args.length; i++) watchKey(ctx, session, keyOf(args[i]));
  return OK;
}

/**
 * A key already expired is deleted first (when this replica owns its expiry), so that
 * delete does not dirty the new watch: for Redis that key was simply absent.
 */
function watchKey(ctx: ExecContext, session: Session, key: string): void {
  const { engine, keyspace, watches } = ctx.server;
  engine.expireIfNeeded(key, false);
  let skip = expiredAtWatch.get(ctx.client);
  if (keyspace.isExpired(key, ctx.now)) {
    if (skip === undefined) expiredAtWatch.set(ctx.client, (skip = new Set()));
    skip.add(key);
  } else {
    skip?.delete(key);
  }
  watches.watch(ctx.client, session, key);
}

function unwatch(ctx: ExecContext): Reply {
  forgetWatches(ctx.server, ctx.client, sessionOf(ctx.client));
  return OK;
}

const TX: readonly CommandFlag[] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

export const transactionCommands: CommandSpec[] = [
  command('multi', 1, TX, NO_KEYS, 'transactions', 'Starts a transaction', multi, '1.2.0'),
  command('exec', 1, ['noscript', 'loading', 'stale'], NO_KEYS, 'transactions', 'Executes all commands in a transaction', exec, '1.2.0'),
  command('discard', 1, TX, NO_KEYS, 'transactions', 'Discards a transaction', discard, '2.0.0'),
  command('watch', -2, TX, ALL_KEYS, 'transactions', 'Monitors changes to keys to determine the execution of a transaction', watch, '2.2.0'),
  command('unwatch', 1, TX, NO_KEYS, 'transactions', 'Forgets about watched keys of a transaction', unwatch, '2.2.0'),
];
