import { hashEntries } from '../crdt/hash.js';
import { setMembers } from '../crdt/or-set.js';
import { listValues } from '../crdt/rga.js';
import { zsetItems } from '../crdt/sorted-set-range.js';
import { stringValue } from '../crdt/string-register.js';
import type { TypedState } from '../store/typed-state.js';
import type { CollectionState } from './materialise-collections.js';
import { textOf, textsOf, type RespValue } from './resp-value.js';

/**
 * One canonical text per value, computed alike from the store and from the mirror's
 * replies, so VERIFY compares values of every type with one string comparison: sets
 * and hashes sorted, scores as the numbers they parse to.
 */
export function canonicalOfState(state: TypedState): string {
  if (state.kind === 'string') return JSON.stringify((stringValue(state) ?? Buffer.alloc(0)).toString('latin1'));
  return canonicalOfCollection(state);
}

function canonicalOfCollection(state: CollectionState): string {
  const latin1 = (b: Buffer): string => b.toString('latin1');
  switch (state.kind) {
    case 'list': return JSON.stringify(listValues(state).map(latin1));
    case 'set': return JSON.stringify(setMembers(state).map(latin1).sort());
    case 'hash': return JSON.stringify([...hashEntries(state)].map(([f, v]) => [latin1(f), latin1(v)]).sort(byFirst));
    case 'zset': return JSON.stringify(zsetItems(state).map((item) => [latin1(item.member), String(item.score)]).sort(byFirst));
  }
}

/** The mirror command that reads a whole value of `type`. */
export function readCommand(type: string, key: string): string[] {
  switch (type) {
    case 'list': return ['LRANGE', key, '0', '-1'];
    case 'set': return ['SMEMBERS', key];
    case 'hash': return ['HGETALL', key];
    case 'zset': return ['ZRANGE', key, '0', '-1', 'WITHSCORES'];
    default: return ['GET', key];
  }
}

/** The canonical text of the mirror's reply to `readCommand(type)`; undefined when malformed. */
export function canonicalOfReply(type: string, reply: RespValue): string | undefined {
  if (type === 'string') {
    const text = textOf(reply);
    return text === undefined ? undefined : JSON.stringify(text);
  }
  const texts = textsOf(reply);
  if (texts === undefined) return undefined;
  switch (type) {
    case 'list': return JSON.stringify(texts);
    case 'set': return JSON.stringify(texts.sort());
    case 'hash': return JSON.stringify(pairs(texts).sort(byFirst));
    case 'zset': return JSON.stringify(pairs(texts).map(([m, s]) => [m, String(parseScore(s))]).sort(byFirst));
    default: return undefined;
  }
}

function pairs(texts: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < texts.length; i += 2) out.push([texts[i] ?? '', texts[i + 1] ?? '']);
  return out;
}

function parseScore(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(text);
}

function byFirst(a: readonly string[], b: readonly string[]): number {
  const x = a[0] ?? '';
  const y = b[0] ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
