import type { OpContext } from '../crdt/stamp.js';
import { expiresAt } from '../crdt/ttl-register.js';
import type { Effect } from '../store/effects.js';
import { nonEmptyStates } from '../store/key-record.js';
import type { Keyspace } from '../store/keyspace.js';
import type { CommandWriter } from './command-writer.js';
import { writeCollectionEffect, type CollectionEffect } from './collection-effects.js';
import { writeDel, writeExpireAt, writeExpiry, writeKey } from './materialise.js';

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
  const record = keyspace.record(key);
  if (state === undefined || record === undefined) return writeDel(writer, key);
  // Concurrent writes of different types: a replicated write with a later stamp may have
  // just made this type visible over the one the mirror holds, so rewrite the key.
  if (nonEmptyStates(record) > 1) return writeKey(writer, keyspace, key, now);
  const written = writeCollectionEffect(writer, key, state, effect, ctx);
  if (written === undefined) return writeKey(writer, keyspace, key, now);
  const at = creates(effect) ? expiresAt(record.ttl) : undefined;
  // An add may create the key in the mirror without an expiry, where the store keeps
  // one (an EXPIRE concurrent with the DEL before it survives in the TTL register).
  return at === undefined ? written : written + writeExpireAt(writer, key, at);
}

function creates(effect: CollectionEffect): boolean {
  switch (effect.type) {
    case 'set.add': case 'hash.set': case 'hash.incr': case 'hash.incrfloat': case 'zset.add': case 'zset.incr': case 'list.insert':
      return true;
    case 'set.remove': case 'hash.del': case 'zset.remove': case 'list.remove': case 'list.set':
      return false;
  }
}
