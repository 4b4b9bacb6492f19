import { hashEntries, type HashState } from '../crdt/hash.js';
import { setMembers, type OrSet } from '../crdt/or-set.js';
import { listValues, type ListState } from '../crdt/rga.js';
import { zsetItems } from '../crdt/sorted-set-range.js';
import type { ZsetState } from '../crdt/sorted-set.js';
import { commandHead, commandName, type CommandWriter } from './command-writer.js';

export type CollectionState = ListState | OrSet | HashState | ZsetState;

const MULTI = commandHead('MULTI', 1);
const EXEC = commandHead('EXEC', 1);
const DEL = commandHead('DEL', 2);
const PEXPIREAT = commandHead('PEXPIREAT', 3);
const RPUSH = commandName('RPUSH');
const SADD = commandName('SADD');
const HSET = commandName('HSET');
const ZADD = commandName('ZADD');
/** Elements per command: keeps each command's arguments (and Redis's query buffer) small. */
const CHUNK = 512;

/**
 * Rewrites a whole collection key: DEL, then its elements in chunks, then its expiry,
 * inside MULTI/EXEC so readers of the mirror never see it half written. Used where no
 * cheaper effect applies (rebuild, type changes, list edits away from the ends).
 */
export function writeCollection(writer: CommandWriter, key: string, state: CollectionState, at: number | undefined): number {
  writer.begin(MULTI);
  writer.begin(DEL);
  writer.latin1(key);
  let count = 3 + writeElements(writer, key, state);
  if (at !== undefined) {
    writer.begin(PEXPIREAT);
    writer.latin1(key);
    writer.integer(at);
    count += 1;
  }
  writer.begin(EXEC);
  return count;
}

function writeElements(writer: CommandWriter, key: string, state: CollectionState): number {
  switch (state.kind) {
    case 'list':
      return writeChunks(writer, RPUSH, key, listValues(state), 1, (value) => writer.bytes(value));
    case 'set':
      return writeChunks(writer, SADD, key, setMembers(state), 1, (member) => writer.bytes(member));
    case 'hash':
      return writeChunks(writer, HSET, key, [...hashEntries(state)], 2, ([field, value]) => {
        writer.bytes(field);
        writer.bytes(value);
      });
    case 'zset':
      return writeChunks(writer, ZADD, key, zsetItems(state), 2, (item) => {
        writer.latin1(formatScore(item.score));
        writer.bytes(item.member);
      });
  }
}

/** Writes `name key item...` commands of at most CHUNK items each; returns the command count. */
export function writeChunks<T>(writer: CommandWriter, name: Buffer, key: string, items: readonly T[], argsPerItem: number, write: (item: T) => void): number {
  let commands = 0;
  for (let from = 0; from < items.length; from += CHUNK) {
    const to = Math.min(items.length, from + CHUNK);
    writer.beginVariable(name, 2 + (to - from) * argsPerItem);
    writer.latin1(key);
    for (let i = from; i < to; i++) write(items[i] as T);
    commands += 1;
  }
  return commands;
}

/** A score as Redis parses it back exactly (JS's shortest round-trip form; inf spelled as Redis does). */
export function formatScore(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}
