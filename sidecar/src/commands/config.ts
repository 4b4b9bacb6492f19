import { bulk, error, OK, type Reply } from '../resp/reply.js';
import { keyOf } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { containerCommand, helpReply } from './server.js';
import { command, NO_KEYS, type CommandFlag, type CommandSpec } from './spec.js';

/**
 * CONFIG GET / SET / RESETSTAT / HELP (Redis 7.0 config.c), over the sidecar's own
 * settings. Values are fixed at start-up (flags, env, YAML), so CONFIG SET refuses with a
 * clear error rather than pretending.
 *
 * appendonly is always "yes": every write goes to the op log; appendfsync only decides
 * when it is fsynced, as with Redis's `appendonly yes` + `appendfsync no`.
 * save is "": snapshots are the op log's compaction, not RDB save points.
 */

type Param = readonly [name: string, value: (server: ServerContext) => string];

const PARAMS: readonly Param[] = [
  ['port', (s) => String(s.config.port)],
  ['bind', (s) => s.config.bind],
  ['requirepass', (s) => s.config.requirepass ?? ''],
  ['appendonly', () => 'yes'],
  ['appendfsync', (s) => s.config.appendfsync],
  ['save', () => ''],
  ['databases', () => '1'],
  ['maxclients', (s) => String(s.config.maxclients)],
  ['maxmemory', () => '0'],
  ['maxmemory-policy', () => 'noeviction'],
  ['proto-max-bulk-len', (s) => String(s.config.protoMaxBulkLen)],
  ['timeout', () => '0'],
  // Keyspace notifications are not implemented: report them off, as an unconfigured Redis does.
  ['notify-keyspace-events', () => ''],
  ['dir', (s) => s.config.dataDir],
  ['replica-id', (s) => s.config.replicaId],
];

/**
 * CONFIG GET pattern [pattern ...]: every parameter matching any pattern, once, as a
 * map (RESP3) or flat array (RESP2). Matching is case-insensitive, as in config.c.
 */
function configGet(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const patterns = args.slice(2).map(keyOf);
  const entries: [Reply, Reply][] = [];
  for (const [name, value] of PARAMS) {
    if (patterns.some((pattern) => globMatch(pattern, name, true))) entries.push([bulk(name), bulk(value(ctx.server))]);
  }
  return { kind: 'map', entries };
}

/**
 * CONFIG SET name value [name value ...]: pairs are checked like config.c (odd count is a
 * syntax error, unknown names and duplicates are refused); known names cannot change at
 * runtime here.
 */
function configSet(_ctx: ExecContext, args: readonly Buffer[]): Reply {
  if ((args.length - 2) % 2 !== 0) return ERR_SYNTAX;
  const seen = new Set<string>();
  for (let i = 2; i < args.length; i += 2) {
    const given = keyOf(args[i]);
    const name = given.toLowerCase();
    if (!PARAMS.some(([known]) => known === name)) {
      return error(`ERR Unknown option or number of arguments for CONFIG SET - '${given}'`);
    }
    if (seen.has(name)) return error(`ERR CONFIG SET failed (possibly related to argument '${given}') - duplicate parameter`);
    seen.add(name);
  }
  const first = keyOf(args[2]);
  return error(`ERR CONFIG SET failed (possibly related to argument '${first}') - redis-crdt cannot change it at runtime; restart the sidecar with the new setting`);
}

/** CONFIG RESETSTAT (resetServerStats + resetCommandTableStats). */
export function resetStats(server: ServerContext): void {
  const { stats } = server;
  stats.commandsProcessed = 0;
  stats.connectionsReceived = 0;
  stats.keyspaceHits = 0;
  stats.keyspaceMisses = 0;
  stats.expiredKeys = 0;
  stats.pubsubMessages = 0;
  stats.rejectedCalls = 0;
  stats.errorReplies = 0;
  stats.errors.clear();
  stats.calls.clear();
  server.engine.expiredKeys = 0;
}

function configResetstat(ctx: ExecContext): Reply {
  resetStats(ctx.server);
  return OK;
}

const CONFIG_HELP = [
  'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>', '    Set the configuration <directive> to <value>.',
  'RESETSTAT', '    Reset statistics reported by the INFO command.',
];

const ADMIN: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];

export const configCommands: CommandSpec[] = [
  containerCommand('config', 'server', 'A container for server configuration commands', '2.0.0', [
    command('config|get', -3, ADMIN, NO_KEYS, 'server', 'Returns the effective values of configuration parameters', configGet, '2.0.0'),
    command('config|set', -4, ADMIN, NO_KEYS, 'server', 'Sets configuration parameters in-flight', configSet, '2.0.0'),
    command('config|resetstat', 2, ADMIN, NO_KEYS, 'server', 'Resets the server\'s statistics', configResetstat, '2.0.0'),
    command('config|help', 2, ['loading', 'stale'], NO_KEYS, 'server', 'Returns helpful text about the different subcommands', () => helpReply('CONFIG', CONFIG_HELP), '5.0.0'),
  ]),
];
