import { ldParse } from '../crdt/long-double.js';
import { error, NULL_ARRAY, type Reply } from '../resp/reply.js';
import type { RedisType } from '../store/typed-state.js';
import { BLOCKED, type Client } from './client.js';
import { Dispatcher } from './dispatch.js';
import { ERR_TIMEOUT_NEGATIVE } from './errors.js';
import type { ExecContext, ServerContext } from './exec-context.js';

/**
 * Blocking commands (BLPOP, BLMOVE, BZPOPMIN…): clients waiting on keys, woken when one
 * of those keys changes by a local **or replicated** op.
 *
 * Usage from a handler (the whole API):
 *
 * ```ts
 * const timeout = parseBlockingTimeout(args[args.length - 1]);   // ms, 0 = forever
 * if (typeof timeout !== 'number') return timeout;                 // Redis's exact error
 * ...try to serve (pop) as the non-blocking command would; if served, return the reply...
 * return blockOn(ctx, args, { keys, kind: 'list', timeoutMs: timeout });
 * ```
 *
 * `blockOn` answers `deniedReply` (default a null array) inside MULTI/EXEC, where Redis
 * treats a blocking command as an immediate timeout (t_list.c blockingPopGenericCommand,
 * CLIENT_DENY_BLOCKING); otherwise the client waits and the handler returns BLOCKED.
 *
 * Waking re-executes the command, as Redis 7.2 does (blocked.c, reprocessing): when a key
 * the client waits on changed and holds a value of `kind`, the registry runs the same
 * handler again through the dispatcher as an ordinary command (its effects form one
 * operation, sealed by `engine.finishCommand`). If the re-run calls `blockOn` again (nothing
 * left for it), the client simply keeps its place. Waiters on a key are retried in
 * arrival order (FIFO), so the first client to block is served first, as in Redis.
 *
 * Timing: changes are collected as they happen and served right after the client command
 * that made them (after the whole EXEC for a transaction), before that client's next
 * pipelined command, as Redis does; changes made by replicated ops are served in a
 * microtask. Never inside another command's operation. A timeout answers `timeoutReply`
 * (Redis 7.0: a null array).
 */
export interface BlockRequest {
  /** Keys to wait on, in the command's order. */
  readonly keys: readonly string[];
  /** The type whose appearance on a key may serve the client (a string there does not wake it). */
  readonly kind: RedisType;
  /** Milliseconds to wait; 0 waits forever. */
  readonly timeoutMs: number;
  /** Reply on timeout (default: null array, Redis 7.0 replyToBlockedClientTimedOut). */
  readonly timeoutReply?: Reply;
  /** Reply inside MULTI/EXEC instead of blocking (default: null array). */
  readonly deniedReply?: Reply;
}

/** Makes the client wait (BLOCKED), or answers `deniedReply` where blocking is not allowed. */
export function blockOn(ctx: ExecContext, args: readonly Buffer[], request: BlockRequest): Reply | typeof BLOCKED {
  if (insideExec(ctx)) return request.deniedReply ?? NULL_ARRAY;
  return registryOf(ctx.server).block(ctx.client, args, request);
}

/**
 * The timeout argument of BLPOP & co. (Redis 7.0 getTimeoutFromObjectOrReply with
 * UNIT_SECONDS): a long double of seconds, times 1000, truncated to a long long. So
 * "0.0001" and "-0.0001" truncate to 0 and mean "forever", and anything whose ms do not
 * fit a long long (inf, 1e100) converts to LLONG_MIN on x86 and is "negative".
 * Returns milliseconds (0 = forever) or the error reply.
 */
export function parseBlockingTimeout(arg: Buffer | undefined): number | Reply {
  const text = arg === undefined ? '' : arg.toString('latin1');
  const seconds = text.length >= 5 * 1024 ? undefined : parseSeconds(text);
  if (seconds === undefined) return ERR_TIMEOUT_NOT_FLOAT;
  const ms = seconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) >= 2 ** 63) return ERR_TIMEOUT_NEGATIVE;
  const truncated = Math.trunc(ms);
  // Math.max turns the -0 of a tiny negative timeout into 0 (forever).
  return truncated < 0 ? ERR_TIMEOUT_NEGATIVE : Math.max(0, truncated);
}

export const ERR_TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range');
export const ERR_UNBLOCKED = error('UNBLOCKED client unblocked via CLIENT UNBLOCK');

/** strtold as string2ld uses it (decimal or C99 hex; ERANGE and NaN rules): see ldParse. */
function parseSeconds(text: string): number | undefined {
  const value = ldParse(text);
  if (value === undefined || value.kind === 'nan') return undefined;
  if (value.kind === 'infinite') return value.negative ? -Infinity : Infinity;
  const magnitude = Number(value.mantissa) * 2 ** value.exponent;
  return value.negative ? -magnitude : magnitude;
}

/**
 * Inside EXEC the dispatcher runs queued commands without `execute`, which is what sets
 * `lastCommand`; so while EXEC runs the client's last command is still `exec`. (A woken
 * re-run keeps the blocking command's own name.)
 */
function insideExec(ctx: ExecContext): boolean {
  return ctx.client.lastCommand === 'exec';
}

interface Waiter {
  readonly client: Client;
  readonly args: readonly Buffer[];
  readonly request: BlockRequest;
  timer: NodeJS.Timeout | undefined;
}

const registries = new WeakMap<ServerContext, BlockingRegistry>();

/** The server's registry, created (and hooked to key changes) on first use. */
export function registryOf(server: ServerContext): BlockingRegistry {
  let registry = registries.get(server);
  if (registry === undefined) {
    registry = new BlockingRegistry(server);
    registries.set(server, registry);
    server.blocking = registry;
  }
  return registry;
}

/** Clients blocked on keys, per key in arrival order. */
export class BlockingRegistry {
  private readonly byKey = new Map<string, Waiter[]>();
  private readonly byClient = new Map<Client, Waiter>();
  private readonly ready = new Set<string>();
  private scheduled = false;
  /** The client whose command is being re-run (its `blockOn` keeps it waiting). */
  private retrying: Client | undefined;
  private readonly runner: Dispatcher;

  constructor(private readonly server: ServerContext) {
    this.runner = new Dispatcher(server, undefined, () => server.engine.now());
    server.engine.onKeyChange((key) => this.keyChanged(key));
  }

  /** Number of blocked clients (INFO blocked_clients). */
  get size(): number {
    return this.byClient.size;
  }

  block(client: Client, args: readonly Buffer[], request: BlockRequest): typeof BLOCKED {
    if (this.retrying === client && this.byClient.has(client)) return BLOCKED;
    this.cancel(client);
    const waiter: Waiter = { client, args, request, timer: undefined };
    this.byClient.set(client, waiter);
    for (const key of new Set(request.keys)) {
      const queue = this.byKey.get(key);
      if (queue === undefined) this.byKey.set(key, [waiter]);
      else queue.push(waiter);
    }
    // setTimeout takes at most 2^31-1 ms; longer waits are, in practice, forever.
    if (request.timeoutMs > 0 && request.timeoutMs < 2 ** 31) {
      waiter.timer = setTimeout(() => this.timedOut(waiter), request.timeoutMs);
      waiter.timer.unref();
    }
    return BLOCKED;
  }

  /** Drops a client's wait (disconnect, CLIENT KILL); no reply is sent. */
  cancel(client: Client): void {
    const waiter = this.byClient.get(client);
    if (waiter === undefined) return;
    this.byClient.delete(client);
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    for (const key of new Set(waiter.request.keys)) {
      const queue = this.byKey.get(key);
      if (queue === undefined) continue;
      const rest = queue.filter((other) => other !== waiter);
      if (rest.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, rest);
    }
  }

  /**
   * CLIENT UNBLOCK (Redis 7.0 networking.c clientCommand): ends a wait as if it timed
   * out, or with the UNBLOCKED error. False when the client is not blocked here.
   */
  unblock(client: Client, withError: boolean): boolean {
    const waiter = this.byClient.get(client);
    if (waiter === undefined) return false;
    this.cancel(client);
    waiter.client.unblock(withError ? ERR_UNBLOCKED : waiter.request.timeoutReply ?? NULL_ARRAY);
    return true;
  }

  private timedOut(waiter: Waiter): void {
    if (this.byClient.get(waiter.client) !== waiter) return;
    this.cancel(waiter.client);
    waiter.client.unblock(waiter.request.timeoutReply ?? NULL_ARRAY);
  }

  /** Serves, at once, waiters of keys the command that just ran readied (see Dispatcher.execute). */
  afterCommand(): void {
    if (this.ready.size > 0) this.serveReady();
  }

  private keyChanged(key: string): void {
    if (!this.byKey.has(key)) return;
    this.ready.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.serveReady());
  }

  /** Serves waiters of every changed key; a served command may ready further keys (BLMOVE). */
  private serveReady(): void {
    this.scheduled = false;
    for (let key = first(this.ready); key !== undefined; key = first(this.ready)) {
      this.ready.delete(key);
      for (const waiter of [...(this.byKey.get(key) ?? [])]) {
        if (this.server.keyspace.lookup(key, this.server.engine.now())?.kind !== waiter.request.kind) break;
        if (this.byClient.get(waiter.client) === waiter) this.retry(waiter);
      }
    }
  }

  private retry(waiter: Waiter): void {
    const name = (waiter.args[0] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
    const spec = this.server.table.get(name);
    if (spec === undefined) return;
    this.retrying = waiter.client;
    let reply: Reply | typeof BLOCKED;
    try {
      reply = this.runner.run(spec, name, waiter.client, waiter.args);
    } finally {
      this.retrying = undefined;
    }
    if (reply === BLOCKED) return;
    this.cancel(waiter.client);
    waiter.client.unblock(reply);
  }
}

function first(keys: Set<string>): string | undefined {
  for (const key of keys) return key;
  return undefined;
}
