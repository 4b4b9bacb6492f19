import { array, error, NULL_ARRAY, QUEUED, type Reply } from '../resp/reply.js';
import { BLOCKED, type Client, type CommandSink } from './client.js';
import {
  ERR_EXECABORT, ERR_NOAUTH, ERR_READONLY_DRAINING, unknownCommand, unknownSubcommand, wrongArity,
} from './errors.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { sessionOf, subscriptionCount, type Session } from './session.js';
import { isWrite, type CommandSpec } from './spec.js';
import { discardTransaction } from './transactions.js';

/** When replies of a read event may be released (after the group commit under `always`). */
export interface Durability {
  release(flush: () => void): void;
}

const IMMEDIATE: Durability = { release: (flush) => flush() };

/** Commands executed at once even inside MULTI (Redis: multi.c, processCommand). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Allowed while a RESP2 client is subscribed (Redis 7.0 processCommand). */
const SUBSCRIBED_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** `unknown`: the table has no such command (the fallback may still serve it). */
type Resolved = { spec: CommandSpec; fullName: string } | { error: Reply; unknown?: true };

/**
 * The dispatcher: resolves the command, checks arity, auth, transaction and pub/sub
 * context in Redis's order, runs the handler, then seals the operation it emitted.
 */
export class Dispatcher implements CommandSink {
  constructor(
    private readonly server: ServerContext,
    private readonly durability: Durability = IMMEDIATE,
    private readonly clock: () => number = Date.now,
  ) {}

  connected(client: Client): void {
    this.server.clients.add(client);
    this.server.stats.connectionsReceived += 1;
  }

  disconnected(client: Client): void {
    this.server.clients.delete(client);
    const session = sessionOf(client);
    for (const channel of session.channels) this.server.pubsub.unsubscribe(this.server.pubsub.channels, channel, client);
    for (const pattern of session.patterns) this.server.pubsub.unsubscribe(this.server.pubsub.patterns, pattern, client);
    this.server.watches.unwatchAll(client, session);
    this.server.blocking?.cancel(client);
  }

  release(flush: () => void): void {
    this.durability.release(flush);
  }

  execute(client: Client, args: Buffer[]): Reply | typeof BLOCKED {
    const session = sessionOf(client);
    const resolved = this.resolve(args);
    if ('error' in resolved) {
      if (resolved.unknown === true && this.server.fallback !== undefined) return this.runFallback(this.server.fallback, client, session, args);
      if (session.multi !== undefined) {
        // A rejected EXEC (wrong arity) discards the transaction (Redis: execCommandAbort).
        if (isExec(args)) return this.countError(this.abortTransaction(client, session, resolved.error));
        session.multiFailed = true;
      }
      return this.countError(resolved.error);
    }
    const { spec, fullName } = resolved;
    client.lastCommand = fullName;
    if (this.server.config.requirepass !== undefined && !client.authenticated && !spec.flags.includes('no_auth')) {
      return this.countError(ERR_NOAUTH);
    }
    if (session.multi !== undefined && !NOT_QUEUED.has(spec.name)) {
      if (spec.flags.includes('no_multi')) {
        session.multiFailed = true;
        return this.countError(error('ERR Command not allowed inside a transaction'));
      }
      session.multi.push({ name: spec.name, args: args.slice() });
      return QUEUED;
    }
    if (client.protocol === 2 && subscriptionCount(session) > 0 && !SUBSCRIBED_ALLOWED.has(spec.name)) {
      return this.countError(error(`ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`));
    }
    const reply = this.run(spec, fullName, client, args);
    // Redis serves clients blocked on keys this command readied before the next command
    // (processCommand → handleClientsBlockedOnKeys): a pipelined RPUSH; LLEN sees the pop.
    this.server.blocking?.afterCommand();
    return reply;
  }

  /**
   * A command with no table entry, handed to the fallback (read passthrough to the
   * mirror). Its reply arrives asynchronously, so it cannot be queued in MULTI.
   */
  private runFallback(fallback: NonNullable<ServerContext['fallback']>, client: Client, session: Session, args: Buffer[]): Reply | typeof BLOCKED {
    const name = (args[0] ?? Buffer.alloc(0)).toString('latin1');
    if (this.server.config.requirepass !== undefined && !client.authenticated) return this.countError(ERR_NOAUTH);
    if (session.multi !== undefined) {
      session.multiFailed = true;
      // A command no Redis knows gets Redis's own unknown-command error, as in Redis.
      if (fallback.knows !== undefined && !fallback.knows(args)) return this.countError(unknownCommand(name, args));
      return this.countError(error(`ERR '${name.slice(0, 128)}' is served by the local Redis mirror and cannot be queued in MULTI`));
    }
    if (client.protocol === 2 && subscriptionCount(session) > 0) {
      return this.countError(error(`ERR Can't execute '${name.slice(0, 128).toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`));
    }
    client.lastCommand = name.toLowerCase();
    this.server.stats.commandsProcessed += 1;
    const reply = fallback(client, args);
    return reply !== BLOCKED && reply.kind === 'error' ? this.countError(reply) : reply;
  }

  /** Runs one resolved command and seals its operation. */
  run(spec: CommandSpec, fullName: string, client: Client, args: readonly Buffer[]): Reply | typeof BLOCKED {
    if (this.server.draining && isWrite(spec)) return this.countError(ERR_READONLY_DRAINING);
    // Latency is timed on one command in eight (clock reads and the histogram showed in
    // the profile); INFO commandstats scales the sampled time accordingly.
    const timed = (this.server.stats.commandsProcessed & 7) === 0;
    const started = timed ? performance.now() : 0;
    const ctx: ExecContext = { server: this.server, client, now: this.clock() };
    let reply: Reply | typeof BLOCKED;
    try {
      reply = spec.handler(ctx, args);
    } finally {
      this.server.engine.finishCommand();
    }
    const failure = reply !== BLOCKED && reply.kind === 'error' ? reply : undefined;
    this.server.stats.commandsProcessed += 1;
    this.server.stats.recordCall(fullName, timed ? (performance.now() - started) * 1000 : -1, failure !== undefined);
    if (failure !== undefined) this.server.stats.recordError(failure.message);
    return reply;
  }

  /** Executes a MULTI queue atomically (one replication group). */
  execQueued(client: Client, session: Session): Reply {
    const queued = session.multi ?? [];
    const failed = session.multiFailed;
    const dirty = session.watchDirty;
    discardTransaction(this.server, client, session);
    if (failed) return ERR_EXECABORT;
    if (dirty) return NULL_ARRAY;
    const replies: Reply[] = [];
    this.server.engine.beginAtomic();
    try {
      for (const command of queued) {
        const resolved = this.resolve(command.args);
        if ('error' in resolved) {
          replies.push(resolved.error);
          continue;
        }
        const reply = this.run(resolved.spec, resolved.fullName, client, command.args);
        replies.push(reply === BLOCKED ? NULL_ARRAY : reply);
      }
    } finally {
      this.server.engine.endAtomic();
    }
    return array(replies);
  }

  private resolve(args: readonly Buffer[]): Resolved {
    const first = args[0];
    if (first === undefined) return { error: unknownCommand('', args) };
    const name = first.toString('latin1').toLowerCase();
    const spec = this.server.table.get(name);
    if (spec === undefined) return { error: unknownCommand(first.toString('latin1'), args), unknown: true };
    if (!arityOk(spec.arity, args.length)) return { error: wrongArity(name) };
    if (spec.subcommands === undefined) return { spec, fullName: name };
    const subArg = args[1];
    // A container called bare (COMMAND) runs its own handler; arity was checked above.
    if (subArg === undefined) return { spec, fullName: name };
    const subName = subArg.toString('latin1').toLowerCase();
    const sub = spec.subcommands.get(subName);
    if (sub === undefined) return { error: unknownSubcommand(subArg.toString('latin1'), name) };
    const fullName = `${name}|${subName}`;
    if (!arityOk(sub.arity, args.length)) return { error: wrongArity(fullName) };
    return { spec: sub, fullName };
  }

  private abortTransaction(client: Client, session: Session, cause: Reply): Reply {
    discardTransaction(this.server, client, session);
    const message = cause.kind === 'error' ? cause.message.replace(/^ERR /, '') : '';
    return error(`EXECABORT Transaction discarded because of: ${message}`);
  }

  private countError(reply: Reply): Reply {
    this.server.stats.rejectedCalls += 1;
    if (reply.kind === 'error') this.server.stats.recordError(reply.message);
    return reply;
  }
}

function isExec(args: readonly Buffer[]): boolean {
  return args[0] !== undefined && args[0].length === 4 && args[0].toString('latin1').toLowerCase() === 'exec';
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
