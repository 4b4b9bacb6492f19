import type { OpContext } from '../crdt/stamp.js';
import type { Effect } from '../store/effects.js';
import type { Keyspace } from '../store/keyspace.js';
import type { CommandWriter } from './command-writer.js';
import { writeExpiry, writeKey } from './materialise.js';

/**
 * Encodes the mirror commands for one effect just applied to `key`, reading the
 * result from the store (replicate effects, not intents, as Redis does): an expiry
 * change is a PEXPIREAT/PERSIST, anything that changes a string is a SET of the
 * value it now has, a delete is a DEL (or a rewrite when a concurrent write survived).
 */
export function writeEffect(writer: CommandWriter, keyspace: Keyspace, key: string, effect: Effect, ctx: OpContext, now: number): number {
  void ctx;
  if (effect.type === 'key.expire') return writeExpiry(writer, keyspace, key, now);
  return writeKey(writer, keyspace, key, now);
}
