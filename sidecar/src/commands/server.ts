import { array, error, integer, simple, bulk, type Reply } from '../resp/reply.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { command, NO_KEYS, type CommandFlag, type CommandSpec, type Handler } from './spec.js';

/**
 * Server commands that are neither connection state nor configuration: DBSIZE, TIME,
 * plus the helpers the other command groups share (HELP replies, container specs).
 */

/**
 * Redis's addReplyHelp (networking.c): a first line naming the container, the
 * subcommand lines, then HELP, all as status replies.
 */
export function helpReply(container: string, lines: readonly string[]): Reply {
  const items = [
    simple(`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map((line) => simple(line)),
    simple('HELP'),
    simple('    Prints this help.'),
  ];
  return array(items);
}

/** Never runs: the dispatcher always resolves a container to one of its subcommands. */
const containerHandler: Handler = () => error('ERR container command called without a subcommand');

/** How a container runs without a subcommand (only COMMAND does: arity -1). */
export interface ContainerOptions {
  readonly arity: number;
  readonly handler: Handler;
  readonly flags: readonly CommandFlag[];
}

const NEEDS_SUBCOMMAND: ContainerOptions = { arity: -2, handler: containerHandler, flags: [] };

/**
 * A container command (CLIENT, CONFIG, PUBSUB...): Redis 7.0 gives containers arity -2,
 * no flags of their own, and names subcommands `container|sub` (commands.def).
 */
export function containerCommand(
  name: string, group: string, summary: string, since: string, subcommands: readonly CommandSpec[],
  options: ContainerOptions = NEEDS_SUBCOMMAND,
): CommandSpec {
  const map = new Map<string, CommandSpec>();
  for (const sub of subcommands) map.set(sub.name.slice(name.length + 1), sub);
  return { ...command(name, options.arity, options.flags, NO_KEYS, group, summary, options.handler, since), subcommands: map };
}

/**
 * Counts visible keys. Records that only keep CRDT history (a deleted counter's totals)
 * are not keys; keys whose TTL passed but are not yet deleted count, as in Redis.
 */
export function countKeys(server: ServerContext): { keys: number; expires: number } {
  // O(1): the keyspace keeps a live-key count; `expiring` may include hidden records.
  return { keys: server.keyspace.liveSize, expires: Math.min(server.keyspace.expiring.size, server.keyspace.liveSize) };
}

function dbsize(ctx: ExecContext): Reply {
  return integer(countKeys(ctx.server).keys);
}

/**
 * TIME: seconds and microseconds as two bulk strings (server.c timeCommand). Built from
 * the command's cached clock read (ms), so the microseconds are whole milliseconds.
 */
function time(ctx: ExecContext): Reply {
  const ms = Math.floor(ctx.now);
  return array([bulk(Math.floor(ms / 1000).toString()), bulk(((ms % 1000) * 1000).toString())]);
}

export const serverCommands: CommandSpec[] = [
  command('dbsize', 1, ['readonly', 'fast'], NO_KEYS, 'server', 'Returns the number of keys in the database', dbsize),
  command('time', 1, ['loading', 'stale', 'fast'], NO_KEYS, 'server', 'Returns the server time', time, '2.6.0'),
];
