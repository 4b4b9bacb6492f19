import { createHash } from 'node:crypto';
import { arch, freemem, machine, release, totalmem, type } from 'node:os';
import type { Reply } from '../resp/reply.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { countKeys } from './server.js';
import { sessionOf, subscriptionCount } from './session.js';
import { command, NO_KEYS, type CommandSpec } from './spec.js';

/**
 * INFO [section ...] (Redis 7.0 server.c genRedisInfoString): `# Section` headers,
 * `field:value` lines, sections separated by an empty line, all CRLF; a verbatim `txt`
 * reply in RESP3. Outer layers add fields through `server.infoProviders`: a provider
 * whose section is built in here (persistence, stats, replication, crdt...) adds to or
 * overrides that section's fields; any other section name becomes a section of its own,
 * shown by `all`/`everything` or when asked for by name.
 */

type Fields = [string, string | number][];
type KeyCounts = () => { keys: number; expires: number };
/** Builds one section; `counts` walks the keyspace at most once per INFO call. */
type SectionBuilder = (server: ServerContext, now: number, counts: KeyCounts) => Fields;

/** Redis's bytesToHuman (e.g. 968.54K). */
function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit] ?? ''}`;
}

/** A stable 40-hex run id per process (Redis draws a random one at start-up). */
function runId(server: ServerContext): string {
  const { replicaId, pid, startedAt } = server.config;
  return createHash('sha1').update(`${replicaId}\0${pid}\0${startedAt}`).digest('hex');
}

const server: SectionBuilder = (s, now) => {
  const uptime = Math.max(0, Math.floor((now - s.config.startedAt) / 1000));
  return [
    ['redis_version', s.config.version], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0],
    ['redis_mode', 'standalone'], ['os', `${type()} ${release()} ${machine()}`],
    ['arch_bits', arch().endsWith('64') ? 64 : 32], ['multiplexing_api', 'libuv'],
    ['process_id', s.config.pid], ['process_supervised', 'no'], ['run_id', runId(s)],
    ['tcp_port', s.config.port], ['server_time_usec', Math.floor(now) * 1000],
    ['uptime_in_seconds', uptime], ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', 10], ['configured_hz', 10], ['executable', process.argv[1] ?? ''],
    ['config_file', s.config.configFile], ['io_threads_active', 0],
  ];
};

const clients: SectionBuilder = (s) => {
  let pubsubClients = 0;
  for (const client of s.clients) if (subscriptionCount(sessionOf(client)) > 0) pubsubClients += 1;
  return [
    ['connected_clients', s.clients.size], ['cluster_connections', 0], ['maxclients', s.config.maxclients],
    ['client_recent_max_input_buffer', 0], ['client_recent_max_output_buffer', 0],
    ['blocked_clients', 0], ['tracking_clients', 0], ['clients_in_timeout_table', 0],
    ['pubsub_clients', pubsubClients],
  ];
};

const memory: SectionBuilder = () => {
  const usage = process.memoryUsage();
  const total = totalmem();
  return [
    ['used_memory', usage.heapUsed], ['used_memory_human', human(usage.heapUsed)],
    ['used_memory_rss', usage.rss], ['used_memory_rss_human', human(usage.rss)],
    ['used_memory_external', usage.external], ['total_system_memory', total],
    ['total_system_memory_human', human(total)], ['free_system_memory', freemem()],
    ['maxmemory', 0], ['maxmemory_human', '0B'], ['maxmemory_policy', 'noeviction'],
    ['mem_fragmentation_ratio', usage.heapUsed > 0 ? (usage.rss / usage.heapUsed).toFixed(2) : '0.00'],
    ['mem_allocator', 'v8'],
  ];
};

const persistence: SectionBuilder = (s) => [
  ['loading', 0], ['async_loading', 0], ['rdb_changes_since_last_save', 0], ['rdb_bgsave_in_progress', 0],
  ['rdb_last_save_time', Math.floor(s.config.startedAt / 1000)], ['rdb_last_bgsave_status', 'ok'],
  ['aof_enabled', 1], ['aof_rewrite_in_progress', 0], ['aof_rewrite_scheduled', 0],
  ['aof_last_bgrewrite_status', 'ok'], ['aof_last_write_status', 'ok'], ['appendfsync', s.config.appendfsync],
];

const stats: SectionBuilder = (s) => [
  ['total_connections_received', s.stats.connectionsReceived], ['total_commands_processed', s.stats.commandsProcessed],
  ['instantaneous_ops_per_sec', 0], ['rejected_connections', 0],
  ['expired_keys', s.engine.expiredKeys], ['evicted_keys', 0], ['evicted_clients', 0],
  ['keyspace_hits', s.stats.keyspaceHits], ['keyspace_misses', s.stats.keyspaceMisses],
  ['pubsub_channels', s.pubsub.channels.size], ['pubsub_patterns', s.pubsub.patterns.size],
  ['pubsubshard_channels', 0], ['total_pubsub_messages', s.stats.pubsubMessages],
  ['unexpected_error_replies', 0], ['total_error_replies', s.stats.errorReplies],
  ['rejected_calls', s.stats.rejectedCalls],
];

const replication: SectionBuilder = (s) => [
  ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'],
  ['master_replid', runId(s)], ['master_replid2', '0'.repeat(40)], ['master_repl_offset', 0],
  ['second_repl_offset', -1], ['repl_backlog_active', 0],
];

const cpu: SectionBuilder = () => {
  const usage = process.cpuUsage();
  return [
    ['used_cpu_sys', (usage.system / 1e6).toFixed(6)], ['used_cpu_user', (usage.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
  ];
};

/** cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=.. */
const commandstats: SectionBuilder = (s) => {
  const fields: Fields = [];
  for (const [name, entry] of s.stats.calls) {
    const usec = Math.round(entry.usec);
    const perCall = entry.calls === 0 ? 0 : entry.usec / entry.calls;
    fields.push([`cmdstat_${name}`, `calls=${entry.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=0,failed_calls=${entry.failed}`]);
  }
  return fields;
};

/** errorstat_<CODE>:count=N, codes in byte order (Redis keeps them in a rax). */
const errorstats: SectionBuilder = (s) => [...s.stats.errors]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([code, count]): [string, string] => [`errorstat_${code}`, `count=${count}`]);

const cluster: SectionBuilder = () => [['cluster_enabled', 0]];

/** Redis omits db0 when the database is empty. avg_ttl is not tracked (Redis samples it). */
const keyspace: SectionBuilder = (_s, _now, counts) => {
  const { keys, expires } = counts();
  return keys === 0 ? [] : [['db0', `keys=${keys},expires=${expires},avg_ttl=0`]];
};

/** The CRDT state of this replica; the op log and replication add their own fields. */
const crdt: SectionBuilder = (s, _now, counts) => {
  const vv = [...s.engine.vv].map(([replica, seq]) => `${replica}=${seq}`).join(',');
  return [
    ['replica_id', s.config.replicaId], ['ops_originated', s.engine.opsOriginated],
    ['ops_applied', s.engine.opsApplied], ['version_vector', vv], ['hlc', s.engine.lastHlc],
    ['keys', counts().keys], ['records', s.keyspace.size], ['expired_keys', s.engine.expiredKeys],
  ];
};

/** Built-in sections in Redis's order, with their header and whether `default` shows them. */
const SECTIONS: readonly (readonly [string, string, SectionBuilder, boolean])[] = [
  ['server', 'Server', server, true], ['clients', 'Clients', clients, true],
  ['memory', 'Memory', memory, true], ['persistence', 'Persistence', persistence, true],
  ['stats', 'Stats', stats, true], ['replication', 'Replication', replication, true],
  ['cpu', 'CPU', cpu, true], ['modules', 'Modules', () => [], true],
  ['commandstats', 'Commandstats', commandstats, false], ['errorstats', 'Errorstats', errorstats, true],
  ['cluster', 'Cluster', cluster, true],
  ['keyspace', 'Keyspace', keyspace, true], ['crdt', 'CRDT', crdt, true],
];

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Built-in fields, then provider fields for the same section (a provider may override one). */
function sectionText(header: string, base: Fields, extra: Fields): string {
  const merged = new Map<string, string | number>(base);
  for (const [field, value] of extra) merged.set(field, value);
  let text = `# ${header}\r\n`;
  for (const [field, value] of merged) text += `${field}:${value}\r\n`;
  return text;
}

/** Expands the requested names (default/all/everything, case-insensitive) into a set. */
function requested(args: readonly Buffer[]): { all: boolean; names: Set<string> } {
  const names = new Set<string>();
  let all = false;
  const words = args.length <= 1 ? ['default'] : args.slice(1).map((arg) => arg.toString('latin1').toLowerCase());
  for (const word of words) {
    if (word === 'all' || word === 'everything') {
      all = true;
    } else if (word === 'default') {
      for (const [name, , , shown] of SECTIONS) if (shown) names.add(name);
    } else {
      names.add(word);
    }
  }
  return { all, names };
}

/** The INFO text for the given INFO arguments (args[0] is the command name). */
export function renderInfo(s: ServerContext, args: readonly Buffer[], now: number): string {
  const { all, names } = requested(args);
  const extras = new Map<string, Fields>();
  for (const provider of s.infoProviders) {
    const fields = extras.get(provider.section) ?? [];
    fields.push(...provider.fields());
    extras.set(provider.section, fields);
  }
  let memo: ReturnType<KeyCounts> | undefined;
  const counts: KeyCounts = () => (memo ??= countKeys(s));
  const parts: string[] = [];
  for (const [name, header, build] of SECTIONS) {
    if (all || names.has(name)) parts.push(sectionText(header, build(s, now, counts), extras.get(name) ?? []));
    extras.delete(name);
  }
  for (const [name, fields] of extras) {
    if (all || names.has(name.toLowerCase())) parts.push(sectionText(capitalise(name), [], fields));
  }
  return parts.join('\r\n');
}

function info(ctx: ExecContext, args: readonly Buffer[]): Reply {
  return { kind: 'verbatim', format: 'txt', value: renderInfo(ctx.server, args, ctx.now) };
}

export const infoCommands: CommandSpec[] = [
  command('info', -1, ['loading', 'stale'], NO_KEYS, 'server', 'Returns information and statistics about the server', info),
];
