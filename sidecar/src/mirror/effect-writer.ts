import type { OpContext } from '../crdt/stamp.js';
import type { Effect } from '../store/effects.js';
import type { Keyspace } from '../store/keyspace.js';
import type { CommandWriter } from './command-writer.js';
import { writeCollectionEffect } from './collection-effects.js';
import { writeDel, writeExpiry, writeKey } from './materialise.js';

/**
 * Encodes the mirror commands for one effect just applied to `key`, reading the
 * result from the store (replicate effects, not intents, as Redis does): an expiry
 * change is a PEXPIREAT/PERSIST, anything that changes a string is a SET of the
 * value it now has, a delete is a DEL (or a rewrite when a concurrent write survived),
 * a collection effect the matching SADD/SREM, HSET/HDEL, ZADD/ZREM or list push/pop.
 */
export function writeEffect(writer: CommandWriter, keyspace: Keyspace, key: string, effect: Effect, ctx: OpContext, now: number): number {
  if (effect.type === 'key.expire') return writeExpiry(writer, keyspace, key, now);
  if (effect.type === 'key.del' || effect.type === 'str.set' || effect.type === 'str.incr' || effect.type === 'str.incrfloat') {
    return writeKey(writer, keyspace, key, now);
  }
  const state = keyspace.lookup(key, now);
  if (state === undefined) return writeDel(writer, key);
  return writeCollectionEffect(writer, key, state, effect, ctx) ?? writeKey(writer, keyspace, key, now);
}
