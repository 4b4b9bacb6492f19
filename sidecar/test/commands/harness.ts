import { BLOCKED, type Client } from '../../src/commands/client.js';
import { clientCommands } from '../../src/commands/client-cmd.js';
import { commandDocsCommands } from '../../src/commands/command-docs.js';
import { configCommands } from '../../src/commands/config.js';
import { connectionCommands } from '../../src/commands/connection.js';
import { Dispatcher } from '../../src/commands/dispatch.js';
import type { ServerContext } from '../../src/commands/exec-context.js';
import { flushCommands } from '../../src/commands/flush.js';
import { infoCommands } from '../../src/commands/info.js';
import { readStringValue, WRONG_TYPE } from '../../src/commands/lookup.js';
import { PubSub } from '../../src/commands/pubsub-registry.js';
import { REPLY_ON, type ReplyFlags } from '../../src/commands/reply-flags.js';
import { pubsubCommands } from '../../src/commands/pubsub.js';
import { REDIS_COMPAT_VERSION, type ServerConfig } from '../../src/commands/server-config.js';
import { serverCommands } from '../../src/commands/server.js';
import { command, ONE_KEY, type CommandSpec } from '../../src/commands/spec.js';
import { Stats } from '../../src/commands/stats.js';
import { transactionCommands } from '../../src/commands/transactions.js';
import { WatchRegistry } from '../../src/commands/watch-registry.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { OutputBuffer } from '../../src/resp/output-buffer.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { bulkOrNull, error, OK, type Reply } from '../../src/resp/reply.js';
import { Keyspace } from '../../src/store/keyspace.js';

/**
 * Protocol-level test harness: a full ServerContext (keyspace, replica engine, pub/sub,
 * stats, watches) behind the real Dispatcher, and in-memory clients that record what is
 * pushed to them. `run(['incrby','k','5'])` returns the Reply value.
 */

/** A connection without a socket: records pushes and close requests. */
export class TestClient implements Client {
  readonly remoteAddress: string;
  readonly localAddress = '127.0.0.1:6379';
  readonly createdAt: number;
  protocol: 2 | 3 = 2;
  name = '';
  libName = '';
  libVersion = '';
  lastCommand = '';
  replyFlags: ReplyFlags = REPLY_ON;
  session: unknown = undefined;
  /** Out-of-band replies, in order (pub/sub confirmations and messages). */
  readonly pushes: Reply[] = [];
  closing = false;
  closed = false;

  constructor(
    readonly id: number,
    public authenticated: boolean,
    createdAt: number,
    private readonly onClose: (client: TestClient) => void,
  ) {
    this.remoteAddress = `127.0.0.1:${50000 + id}`;
    this.createdAt = createdAt;
  }

  push(reply: Reply): void {
    this.pushes.push(reply);
  }

  unblock(reply: Reply): void {
    this.pushes.push(reply);
  }

  closeAfterReply(): void {
    this.closing = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

/** Minimal string commands so transaction and flush tests have something to write. */
const testStringCommands: CommandSpec[] = [
  command('set', 3, ['write', 'denyoom'], ONE_KEY, 'string', 'Sets a key (test stand-in)', (ctx, args) => {
    const key = (args[1] ?? Buffer.alloc(0)).toString('latin1');
    ctx.server.engine.expireIfNeeded(key, true);
    ctx.server.engine.emit(key, { type: 'str.set', value: Buffer.from(args[2] ?? ''), observed: ctx.server.engine.observedCounters(key) });
    return OK;
  }),
  command('get', 2, ['readonly', 'fast'], ONE_KEY, 'string', 'Gets a key (test stand-in)', (ctx, args) => {
    const value = readStringValue(ctx, (args[1] ?? Buffer.alloc(0)).toString('latin1'));
    return value === WRONG_TYPE ? error('WRONGTYPE') : bulkOrNull(value);
  }),
];

export const ALL_SPECS: CommandSpec[] = [
  ...connectionCommands, ...serverCommands, ...infoCommands, ...configCommands, ...clientCommands,
  ...commandDocsCommands, ...transactionCommands, ...pubsubCommands, ...flushCommands, ...testStringCommands,
];

export interface HarnessOptions {
  readonly requirepass?: string;
  readonly specs?: readonly CommandSpec[];
}

export interface Harness {
  readonly server: ServerContext;
  readonly dispatcher: Dispatcher;
  /** The fake wall clock (ms); tests move it. */
  readonly clock: { now: number };
  /** The client `run` uses unless told otherwise. */
  readonly client: TestClient;
  connect(): TestClient;
  run(args: readonly (string | Buffer)[], client?: TestClient): Reply;
  /** Pushes made during the command, then its reply: what the wire would carry, in order. */
  exchange(args: readonly (string | Buffer)[], client?: TestClient): Reply[];
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const clock = { now: 1_790_000_000_000 };
  const keyspace = new Keyspace();
  // A replica on its own has no peer of an older version to wait for (replica/features.ts).
  keyspace.counterEpochs = true;
  // As with tombstone GC on (the default): emptied states stay, invisible, until stable.
  keyspace.keepEmptyStates = true;
  const engine = new ReplicaEngine('test', keyspace, () => clock.now);
  const config: ServerConfig = {
    replicaId: 'test', port: 6379, bind: '127.0.0.1', requirepass: options.requirepass, appendfsync: 'everysec',
    dataDir: '/tmp/redis-crdt-test', protoMaxBulkLen: 512 * 1024 * 1024, maxclients: 10000,
    version: REDIS_COMPAT_VERSION, configFile: '', startedAt: clock.now, pid: process.pid,
  };
  const table = new Map<string, CommandSpec>();
  for (const spec of options.specs ?? ALL_SPECS) table.set(spec.name, spec);
  const server: ServerContext = {
    config, engine, keyspace, pubsub: new PubSub(), stats: new Stats(), table, infoProviders: [],
    clients: new Set(), random: Math.random, watches: new WatchRegistry(), blocking: undefined,
    execQueued: () => error('ERR not wired'), draining: false,
  };
  const dispatcher = new Dispatcher(server, undefined, () => clock.now);
  server.execQueued = (client, session) => dispatcher.execQueued(client, session);
  engine.onKeyChange((key) => server.watches.touched(key));
  let nextId = 1;
  const connect = (): TestClient => {
    const client = new TestClient(nextId++, options.requirepass === undefined, clock.now, (c) => dispatcher.disconnected(c));
    dispatcher.connected(client);
    return client;
  };
  const client = connect();
  const run = (args: readonly (string | Buffer)[], target: TestClient = client): Reply => {
    const reply = dispatcher.execute(target, args.map((arg) => (typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg)));
    if (reply === BLOCKED) throw new Error('command blocked');
    return reply;
  };
  const exchange = (args: readonly (string | Buffer)[], target: TestClient = client): Reply[] => {
    const before = target.pushes.length;
    const reply = run(args, target);
    return [...target.pushes.slice(before), reply];
  };
  return { server, dispatcher, clock, client, connect, run, exchange };
}

/** A reply as plain data: strings, numbers, null, arrays, objects for maps, `{ error }`. */
export type Plain = string | number | boolean | null | { error: string } | Plain[] | { [key: string]: Plain };

export function plain(reply: Reply): Plain {
  switch (reply.kind) {
    case 'simple': return reply.value;
    case 'error': return { error: reply.message };
    case 'integer': return Number(reply.value);
    case 'bulk': return typeof reply.value === 'string' ? reply.value : reply.value.toString('latin1');
    case 'null': case 'nullArray': return null;
    case 'array': case 'set': case 'push': return reply.items.map(plain);
    case 'map': {
      const out: { [key: string]: Plain } = {};
      for (const [key, value] of reply.entries) out[textOf(key)] = plain(value);
      return out;
    }
    case 'double': return reply.value;
    case 'boolean': return reply.value;
    case 'verbatim': return reply.value;
    case 'raw': return reply.bytes.toString('latin1');
  }
}

/** The text of a string-like reply (simple, bulk, verbatim); throws for anything else. */
export function textOf(reply: Reply): string {
  if (reply.kind === 'simple' || reply.kind === 'verbatim') return reply.value;
  if (reply.kind === 'bulk') return typeof reply.value === 'string' ? reply.value : reply.value.toString('latin1');
  throw new Error(`expected a string reply, got ${reply.kind}`);
}

/** The exact bytes a reply is sent as, for the protocol version (latin1 text). */
export function wire(reply: Reply, protocol: 2 | 3 = 2): string {
  const out = new OutputBuffer();
  encodeReply(out, reply, protocol);
  const chunks = out.take();
  if (chunks === null) return '';
  return (Array.isArray(chunks) ? Buffer.concat(chunks) : chunks).toString('latin1');
}

/** `key:value` lines of an INFO reply, grouped by section header. */
export function parseInfo(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = new Map();
      sections.set(line.slice(2), current);
    } else if (line !== '') {
      const colon = line.indexOf(':');
      current?.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return sections;
}
