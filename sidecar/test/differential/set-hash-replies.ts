import assert from 'node:assert/strict';
import type { Command } from '../support/differential.js';
import type { RawClient } from '../support/raw-client.js';

/**
 * Comparison of set and hash replies with a real Redis. Redis answers SMEMBERS,
 * HGETALL, SSCAN... in hash-table order, which no client may rely on, and SPOP,
 * SRANDMEMBER, HRANDFIELD pick at random: those replies are compared as multisets or by
 * their properties; everything else byte for byte.
 */

/** A parsed RESP2/RESP3 reply: the type byte, the line (or bulk payload), children. */
export interface Node {
  readonly type: string;
  readonly text: string;
  readonly items: Node[];
}

export function parseReply(buf: Buffer): Node {
  const [node, end] = parseAt(buf, 0);
  assert.equal(end, buf.length, 'one reply per buffer');
  return node;
}

function parseAt(buf: Buffer, offset: number): [Node, number] {
  const lineEnd = buf.indexOf('\r\n', offset, 'latin1');
  const type = String.fromCharCode(buf[offset] ?? 0);
  const header = buf.toString('latin1', offset + 1, lineEnd);
  let at = lineEnd + 2;
  // RESP2 null bulk and null array read as RESP3 null, so a bulk "-1" stays distinct.
  if ((type === '$' || type === '*') && header === '-1') return [{ type: '_', text: '', items: [] }, at];
  if (type === '$' || type === '=' || type === '!') {
    return [{ type, text: buf.toString('latin1', at, at + Number(header)), items: [] }, at + Number(header) + 2];
  }
  if ('*~>%|'.includes(type)) {
    const items: Node[] = [];
    const count = type === '%' || type === '|' ? Number(header) * 2 : Number(header);
    for (let i = 0; i < count; i++) {
      const [child, next] = parseAt(buf, at);
      items.push(child);
      at = next;
    }
    return [{ type, text: header, items }, at];
  }
  return [{ type, text: header, items: [] }, at];
}

export function show(node: Node): string {
  if (node.items.length === 0 && !'*~%'.includes(node.type)) return `${node.type}${JSON.stringify(node.text)}`;
  return `${node.type}[${node.items.map(show).join(',')}]`;
}

/** Elements as a sorted multiset; `pairs` groups field/value pairs first (HGETALL, HSCAN). */
export function unordered(node: Node, pairs: boolean): string {
  const parts: string[] = [];
  if (pairs) for (let i = 0; i < node.items.length; i += 2) parts.push(`${show(node.items[i] as Node)}=${show(node.items[i + 1] as Node)}`);
  else for (const item of node.items) parts.push(show(item));
  return `${node.type}${node.items.length}{${parts.sort().join(',')}}`;
}

const UNORDERED = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'hkeys', 'hvals']);

/** The normaliser for set and hash workloads (HELLO's server description differs too). */
export function normaliseSetHash(command: Command, reply: Buffer): string {
  const name = String(command[0]).toLowerCase();
  if (name === 'hello') return 'hello';
  const node = parseReply(reply);
  if (node.type === '-') return show(node);
  if (UNORDERED.has(name)) return unordered(node, false);
  if (name === 'hgetall') return unordered(node, true);
  if ((name === 'sscan' || name === 'hscan') && node.items.length === 2) {
    const [cursor, page] = node.items as [Node, Node];
    return `${show(cursor)}:${unordered(page, name === 'hscan')}`;
  }
  return reply.toString('latin1');
}

/** Commands whose reply is random; they get `compareRandom` instead of a reply comparison. */
export function isRandomCommand(command: Command): boolean {
  const name = String(command[0]).toLowerCase();
  return name === 'spop' || name === 'srandmember' || name === 'hrandfield';
}

function picked(name: string, node: Node, command: Command): Node[] {
  if (node.type === '$') return [node];
  const withValues = name === 'hrandfield' && command.length === 4;
  // RESP3 HRANDFIELD WITHVALUES nests pairs; flatten both protocols alike.
  return withValues ? node.items.flatMap((item) => (item.type === '*' ? item.items : [item])) : node.items;
}

const distinct = (values: readonly string[]): boolean => new Set(values).size === values.length;

/**
 * Runs a random pick on both servers (which hold the same data) and checks what Redis
 * promises: same reply type and size, distinct picks for SPOP and positive counts,
 * every pick a member (field with its value) of the data. SPOP then re-syncs Redis to
 * the sidecar's pops: Redis's popped members go back, ours are removed.
 */
export async function compareRandom(redis: RawClient, ours: RawClient, command: Command): Promise<string | undefined> {
  const name = String(command[0]).toLowerCase();
  const [want, got] = await Promise.all([redis.call(command), ours.call(command)]);
  const expected = parseReply(want);
  const actual = parseReply(got);
  if (expected.type !== actual.type || expected.type === '-' || expected.type === '_') {
    return want.equals(got) ? undefined : `redis ${show(expected)} ours ${show(actual)}`;
  }
  const theirs = picked(name, expected, command).map((node) => node.text);
  const mine = picked(name, actual, command).map((node) => node.text);
  if (theirs.length !== mine.length) return `size differs: redis ${show(expected)} ours ${show(actual)}`;
  const count = command.length >= 3 ? Number(command[2]) : 1;
  const key = command[1] as string | Buffer;
  if (name === 'hrandfield') return checkFields(redis, key, mine, command.length === 4, count > 0);
  const unique = name === 'spop' || count > 0;
  if (unique && (!distinct(theirs) || !distinct(mine))) return `picks repeat: redis ${show(expected)} ours ${show(actual)}`;
  if (name === 'spop' && theirs.length > 0) await redis.call(['sadd', key, ...theirs]);
  if (mine.length > 0) {
    const membership = parseReply(await redis.call(['smismember', key, ...mine]));
    if (membership.items.some((item) => item.text !== '1')) return `not members: ${mine.join(',')}`;
  }
  if (name === 'spop' && mine.length > 0) await redis.call(['srem', key, ...mine]);
  return undefined;
}

async function checkFields(redis: RawClient, key: string | Buffer, mine: string[], withValues: boolean, unique: boolean): Promise<string | undefined> {
  const fields = withValues ? mine.filter((_, i) => i % 2 === 0) : mine;
  if (unique && !distinct(fields)) return `fields repeat: ${fields.join(',')}`;
  if (fields.length === 0) return undefined;
  const values = parseReply(await redis.call(['hmget', key, ...fields])).items;
  for (let i = 0; i < fields.length; i++) {
    const value = values[i];
    if (value === undefined || value.type !== '$') return `not a field: ${fields[i]}`;
    if (withValues && value.text !== mine[2 * i + 1]) return `value differs for ${fields[i]}`;
  }
  return undefined;
}

const describeCommand = (command: Command): string =>
  command.map((a) => JSON.stringify(typeof a === 'string' ? a : a.toString('latin1'))).join(' ');

/** Like assertSameReplies, with random picks checked by `compareRandom`. */
export async function assertSameSetHashReplies(redis: RawClient, ours: RawClient, commands: readonly Command[]): Promise<number> {
  const history: string[] = [];
  for (const command of commands) {
    history.push(describeCommand(command));
    let problem: string | undefined;
    if (isRandomCommand(command)) problem = await compareRandom(redis, ours, command);
    else {
      const [want, got] = await Promise.all([redis.call(command), ours.call(command)]);
      const [a, b] = [normaliseSetHash(command, want), normaliseSetHash(command, got)];
      if (a !== b) problem = `redis ${JSON.stringify(a)}\n  sidecar: ${JSON.stringify(b)}`;
    }
    if (problem !== undefined) assert.fail(`Reply differs for: ${describeCommand(command)}\n  ${problem}\n  after: ${history.slice(-12).join(' | ')}`);
  }
  return commands.length;
}
