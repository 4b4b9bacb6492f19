import { OK, type Reply } from '../resp/reply.js';
import { visibleState } from '../store/key-record.js';
import { lower } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { command, NO_KEYS, type CommandSpec } from './spec.js';

/**
 * FLUSHDB / FLUSHALL [ASYNC|SYNC] (Redis 7.0 db.c flushallCommand). Only database 0
 * exists, so both empty the whole keyspace.
 *
 * CRDT semantics: an observed-remove delete of every key this replica can see, all in
 * one operation (one command = one op), so the flush replicates atomically and a write
 * made concurrently on another replica survives it, as with DEL (DESIGN.md §4).
 */

/** The optional ASYNC|SYNC argument (getFlushCommandFlags): anything else is a syntax error. */
function flushModeValid(args: readonly Buffer[]): boolean {
  if (args.length === 1) return true;
  if (args.length > 2) return false;
  const mode = lower(args[1]);
  return mode === 'async' || mode === 'sync';
}

/**
 * Deletes every visible key (expired-but-not-yet-deleted ones too). Records that only
 * keep CRDT history are not keys and are left alone, so an empty flush emits nothing.
 * WATCH: each deleted key dirties its watchers; like Redis 7.0's touchAllWatchedKeysInDb,
 * a watched key that did not exist stays clean.
 */
function flush(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (!flushModeValid(args)) return ERR_SYNTAX;
  const { engine, keyspace, watches } = ctx.server;
  const keys: string[] = [];
  for (const [key, record] of keyspace.entries()) if (visibleState(record) !== undefined) keys.push(key);
  for (const key of keys) {
    engine.emit(key, engine.deleteEffect(key));
    watches.touched(key);
  }
  return OK;
}

export const flushCommands: CommandSpec[] = [
  command('flushdb', -1, ['write'], NO_KEYS, 'server', 'Removes all keys from the current database', flush),
  command('flushall', -1, ['write'], NO_KEYS, 'server', 'Removes all keys from all databases', flush),
];
