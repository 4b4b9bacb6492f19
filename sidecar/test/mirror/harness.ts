import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { hashEntries } from '../../src/crdt/hash.js';
import { setMembers } from '../../src/crdt/or-set.js';
import { listValues } from '../../src/crdt/rga.js';
import { zsetItems } from '../../src/crdt/sorted-set-range.js';
import { stringValue } from '../../src/crdt/string-register.js';
import { expiresAt } from '../../src/crdt/ttl-register.js';
import type { TypedState } from '../../src/store/typed-state.js';
import { freePort, waitForPort } from '../support/redis-server.js';

/** A redis-server on a fixed port, so a test can kill it and start it again where the sidecar expects it. */
export class MirrorServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<MirrorServer> {
    const server = new MirrorServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForPort(this.port, 20000);
  }

  /** kill -9, as a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server keeps its connections but answers nothing until `resume`. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  client(): Redis {
    const client = new Redis({ port: this.port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
    client.on('error', () => undefined); // refused reconnects while a test has the server killed; commands still fail
    return client;
  }
}

/** Polls `check` until true; fails after a generous deadline (the test machine is shared and slow). */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 45000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the mirror is live and has applied every write queued so far. */
export async function settled(sidecar: Sidecar): Promise<void> {
  const mirror = sidecar.mirror;
  if (mirror === undefined) throw new Error('no mirror configured');
  await eventually('the mirror to be live', () => mirror.state === 'live');
  await mirror.drained();
}

/** One key's value as plain text (canonical per type) and its absolute expiry (-1 none). */
export type Snapshot = Map<string, string>;

function canonical(state: TypedState): string {
  const text = (b: Buffer): string => b.toString('latin1');
  if (state.kind === 'string') return `string ${JSON.stringify(text(stringValue(state) ?? Buffer.alloc(0)))}`;
  switch (state.kind) {
    case 'list': return `list ${JSON.stringify(listValues(state).map(text))}`;
    case 'set': return `set ${JSON.stringify(setMembers(state).map(text).sort())}`;
    case 'hash': return `hash ${JSON.stringify([...hashEntries(state)].map(([f, v]) => `${text(f)}=${text(v)}`).sort())}`;
    case 'zset': return `zset ${JSON.stringify(zsetItems(state).map((i) => `${text(i.member)}=${i.score}`).sort())}`;
  }
}

/** The sidecar's visible keys, read from its store directly (the test's oracle). */
export function storeSnapshot(sidecar: Sidecar, now = Date.now()): Snapshot {
  const out: Snapshot = new Map();
  for (const key of [...sidecar.keyspace.keys()]) {
    const state = sidecar.keyspace.lookup(key, now);
    if (state === undefined) continue;
    const at = expiresAt(sidecar.keyspace.record(key)?.ttl ?? []) ?? -1;
    out.set(key, `${canonical(state)} @${at}`);
  }
  return out;
}

/** The mirror's keys read with plain commands (no sidecar code involved), pipelined in batches. */
export async function mirrorSnapshot(redis: Redis): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const keys = await redis.keysBuffer('*');
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const heads = await run(redis, batch.flatMap((k) => [['TYPE', k], ['PEXPIRETIME', k]]));
    const typed = batch.map((key, j) => ({ key, type: text(heads[2 * j]), at: Number(heads[2 * j + 1]) })).filter((k) => k.type !== 'none');
    const values = await run(redis, typed.map(({ key, type }) => readCommand(type, key)));
    typed.forEach(({ key, type, at }, j) => out.set(key.toString('latin1'), `${canonicalReply(type, values[j])} @${at}`));
  }
  return out;
}

function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
}

function readCommand(type: string, key: Buffer): (string | Buffer)[] {
  switch (type) {
    case 'string': return ['GET', key];
    case 'list': return ['LRANGE', key, '0', '-1'];
    case 'set': return ['SMEMBERS', key];
    case 'hash': return ['HGETALL', key];
    case 'zset': return ['ZRANGE', key, '0', '-1', 'WITHSCORES'];
    default: return ['TYPE', key];
  }
}

function canonicalReply(type: string, reply: unknown): string {
  const items = flatten(reply);
  switch (type) {
    case 'string': return `string ${JSON.stringify(reply === null ? '' : text(reply))}`;
    case 'list': return `list ${JSON.stringify(items)}`;
    case 'set': return `set ${JSON.stringify(items.sort())}`;
    case 'hash': return `hash ${JSON.stringify(pairs(items, (v) => v).sort())}`;
    case 'zset': return `zset ${JSON.stringify(pairs(items, (v) => String(/^[+-]?inf/i.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v))).sort())}`;
    default: return type;
  }
}

/** Runs commands in one pipeline (Buffer replies); a command error fails the snapshot. */
async function run(redis: Redis, commands: (string | Buffer)[][]): Promise<unknown[]> {
  if (commands.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const [name, ...args] of commands) pipeline.callBuffer(text(name), ...args);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}

function flatten(reply: unknown): string[] {
  const out: string[] = [];
  const walk = (item: unknown): void => {
    if (Array.isArray(item)) for (const inner of item) walk(inner);
    else if (item instanceof Map) for (const [k, v] of item) { walk(k); walk(v); }
    else if (item !== null && item !== undefined) out.push(text(item));
  };
  walk(reply);
  return out;
}

/** A reply flattened to texts (ioredis may speak RESP3, where WITHSCORES pairs and maps nest). */
export async function flat(redis: Redis, command: [string, ...(string | Buffer)[]]): Promise<string[]> {
  const [name, ...args] = command;
  const out: string[] = [];
  const walk = (item: unknown): void => {
    if (Array.isArray(item)) for (const inner of item) walk(inner);
    else if (item instanceof Map) for (const [k, v] of item) { walk(k); walk(v); }
    else out.push(Buffer.isBuffer(item) ? item.toString('latin1') : String(item));
  };
  walk(await redis.callBuffer(name, ...args));
  return out;
}

function pairs(items: readonly string[], value: (text: string) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push(`${items[i] ?? ''}=${value(items[i + 1] ?? '')}`);
  return out;
}

/** Lists the keys whose entries differ (missing on either side included). */
export function differences(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) out.push(`${JSON.stringify(key)}: store ${a.get(key) ?? '(none)'} / mirror ${b.get(key) ?? '(none)'}`);
  }
  return out;
}
