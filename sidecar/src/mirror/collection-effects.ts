import { hashGet, type HashEffect, type HashState } from '../crdt/hash.js';
import { setHas, type OrSet, type SetEffect } from '../crdt/or-set.js';
import { lookupElement } from '../crdt/rga-index.js';
import { visibleBefore } from '../crdt/order-statistic-tree.js';
import { indexOfId, listLength, valueOfId, type ListEffect, type ListState } from '../crdt/rga.js';
import { zsetScore } from '../crdt/sorted-set-range.js';
import type { ZsetEffect, ZsetState } from '../crdt/sorted-set.js';
import type { OpContext } from '../crdt/stamp.js';
import type { TypedState } from '../store/typed-state.js';
import { commandName, type CommandWriter } from './command-writer.js';
import { formatScore, writeChunks } from './materialise-collections.js';

export type CollectionEffect = ListEffect | SetEffect | HashEffect | ZsetEffect;

const SADD = commandName('SADD');
const SREM = commandName('SREM');
const HSET = commandName('HSET');
const HDEL = commandName('HDEL');
const ZADD = commandName('ZADD');
const ZREM = commandName('ZREM');
const LPUSH = commandName('LPUSH');
const RPUSH = commandName('RPUSH');
const LPOP = commandName('LPOP');
const RPOP = commandName('RPOP');
const LSET = commandName('LSET');

/**
 * The commands that replay one collection effect on the mirror, with the values the
 * store now holds (a member a concurrent add kept is not removed, a field is written
 * with its merged value). Returns undefined when no effect-sized command fits (a list
 * edit away from both ends, a type the key no longer has): the caller rewrites the key.
 */
export function writeCollectionEffect(writer: CommandWriter, key: string, state: TypedState, effect: CollectionEffect, ctx: OpContext): number | undefined {
  switch (effect.type) {
    case 'set.add': case 'set.remove':
      return state.kind === 'set' ? writeSetEffect(writer, key, state, effect) : undefined;
    case 'hash.set':
      return state.kind === 'hash' ? writeFields(writer, key, state, effect.fields.map(([field]) => field)) : undefined;
    case 'hash.del':
      return state.kind === 'hash' ? writeFields(writer, key, state, effect.fields) : undefined;
    case 'hash.incr': case 'hash.incrfloat':
      return state.kind === 'hash' ? writeFields(writer, key, state, [effect.field]) : undefined;
    case 'zset.add':
      return state.kind === 'zset' ? writeMembers(writer, key, state, effect.entries.map(([member]) => member)) : undefined;
    case 'zset.remove':
      return state.kind === 'zset' ? writeMembers(writer, key, state, effect.members) : undefined;
    case 'zset.incr':
      return state.kind === 'zset' ? writeMembers(writer, key, state, [effect.member]) : undefined;
    case 'list.insert': case 'list.remove': case 'list.set':
      return state.kind === 'list' ? writeListEffect(writer, key, state, effect, ctx) : undefined;
  }
}

function writeSetEffect(writer: CommandWriter, key: string, state: OrSet, effect: SetEffect): number {
  const present = effect.members.filter((member) => setHas(state, member));
  const absent = effect.members.filter((member) => !setHas(state, member));
  return writeChunks(writer, SADD, key, present, 1, (m) => writer.bytes(m)) + writeChunks(writer, SREM, key, absent, 1, (m) => writer.bytes(m));
}

function writeFields(writer: CommandWriter, key: string, state: HashState, fields: readonly Buffer[]): number {
  const present: [Buffer, Buffer][] = [];
  const absent: Buffer[] = [];
  for (const field of fields) {
    const value = hashGet(state, field);
    if (value === undefined) absent.push(field);
    else present.push([field, value]);
  }
  return writeChunks(writer, HSET, key, present, 2, ([f, v]) => { writer.bytes(f); writer.bytes(v); })
    + writeChunks(writer, HDEL, key, absent, 1, (f) => writer.bytes(f));
}

function writeMembers(writer: CommandWriter, key: string, state: ZsetState, members: readonly Buffer[]): number {
  const present: [Buffer, number][] = [];
  const absent: Buffer[] = [];
  for (const member of members) {
    const score = zsetScore(state, member);
    if (score === undefined) absent.push(member);
    else present.push([member, score]);
  }
  return writeChunks(writer, ZADD, key, present, 2, ([m, s]) => { writer.latin1(formatScore(s)); writer.bytes(m); })
    + writeChunks(writer, ZREM, key, absent, 1, (m) => writer.bytes(m));
}

/** Head and tail changes become pushes and pops, LSET an LSET; anything else a rewrite. */
function writeListEffect(writer: CommandWriter, key: string, state: ListState, effect: ListEffect, ctx: OpContext): number | undefined {
  const length = listLength(state);
  switch (effect.type) {
    case 'list.insert': {
      const n = effect.values.length;
      const at = indexOfId(state, { replica: ctx.origin, seq: ctx.seq, idx: 0 });
      if (at === 0) return writeChunks(writer, LPUSH, key, [...effect.values].reverse(), 1, (v) => writer.bytes(v));
      if (at > 0 && at + n === length) return writeChunks(writer, RPUSH, key, effect.values, 1, (v) => writer.bytes(v));
      return undefined;
    }
    case 'list.remove':
      return writePops(writer, key, state, effect.ids.length === 0 ? [] : removedHere(state, effect, ctx), length);
    case 'list.set': {
      const index = indexOfId(state, effect.id);
      const value = valueOfId(state, effect.id);
      if (index < 0 || value === undefined) return 0; // removed: removal wins over LSET, nothing changed
      writer.beginVariable(LSET, 4);
      writer.latin1(key);
      writer.integer(index);
      writer.bytes(value);
      return 1;
    }
  }
}

/** Visible positions (in the new state) of the elements this op removed; undefined if one is unknown. */
function removedHere(state: ListState, effect: Extract<ListEffect, { type: 'list.remove' }>, ctx: OpContext): number[] | undefined {
  const positions: number[] = [];
  for (const id of effect.ids) {
    const element = lookupElement(state.ids, id);
    if (element === undefined) return undefined;
    // Elements another op had already removed were not in the mirror either.
    if (element.removed?.replica !== ctx.origin || element.removed.seq !== ctx.seq) continue;
    positions.push(visibleBefore(element));
  }
  return positions;
}

function writePops(writer: CommandWriter, key: string, _state: ListState, positions: number[] | undefined, length: number): number | undefined {
  if (positions === undefined) return undefined;
  if (positions.length === 0) return 0;
  const pop = positions.every((p) => p === 0) ? LPOP : positions.every((p) => p === length) ? RPOP : undefined;
  if (pop === undefined) return undefined;
  writer.beginVariable(pop, 3);
  writer.latin1(key);
  writer.integer(positions.length);
  return 1;
}
