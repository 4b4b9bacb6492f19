/**
 * Every sidecar option: one table drives flags, environment variables
 * (`REDIS_CRDT_<NAME>`), the YAML config file and `--help`.
 */
export type OptionType = 'string' | 'int' | 'bool' | 'enum' | 'size';

export interface OptionSpec {
  readonly name: string;
  readonly type: OptionType;
  readonly help: string;
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
}

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'replica-id', type: 'string', help: 'Stable id of this replica (the pod name in Kubernetes). Default: the host name.' },
  { name: 'port', type: 'int', default: 6379, help: 'RESP port clients connect to (0 picks a free port).' },
  { name: 'bind', type: 'string', default: '127.0.0.1', help: 'Comma-separated addresses to listen on for clients.' },
  { name: 'data-dir', type: 'string', default: './redis-crdt-data', help: 'Directory for the op log, snapshots and the replica identity.' },
  { name: 'admin-port', type: 'int', default: 9379, help: 'HTTP port for /healthz, /readyz, /metrics and /v1/status (0 picks a free port; -1 disables).' },
  { name: 'admin-bind', type: 'string', default: '127.0.0.1', help: 'Address the admin HTTP server listens on.' },
  { name: 'admin-token', type: 'string', help: 'Bearer token POST /v1/drain and /v1/undrain require (prefer REDIS_CRDT_ADMIN_TOKEN over the flag). Without it they are open: keep --admin-bind on loopback then.' },
  { name: 'appendfsync', type: 'enum', values: ['always', 'everysec', 'no'], default: 'everysec', help: 'Op log fsync policy, as Redis AOF: always (group commit, replies after fsync), everysec, no.' },
  { name: 'requirepass', type: 'string', help: 'Password clients must AUTH with (prefer REDIS_CRDT_REQUIREPASS over the flag).' },
  { name: 'repl-port', type: 'int', default: 7379, help: 'gRPC replication port (mutual TLS).' },
  { name: 'repl-bind', type: 'string', default: '0.0.0.0', help: 'Address the replication server listens on.' },
  { name: 'peers', type: 'string', help: 'Static peers: id=host:port,id=host:port.' },
  { name: 'peers-file', type: 'string', help: 'YAML/JSON peers file {peers: [{id, address}], removed: [id]}, reloaded on change.' },
  { name: 'tls-ca', type: 'string', help: 'CA bundle (PEM) peer certificates must chain to.' },
  { name: 'tls-cert', type: 'string', help: 'This replica\'s certificate (PEM), used as server and client certificate.' },
  { name: 'tls-key', type: 'string', help: 'Private key (PEM) of --tls-cert.' },
  { name: 'insecure-replication', type: 'bool', default: false, help: 'Allow replication without TLS (testing only; logs a warning).' },
  { name: 'mirror', type: 'string', help: 'Local Redis to mirror values into: redis://[:password@]host:port[/db] or rediss://.' },
  { name: 'snapshot-interval', type: 'int', default: 300, help: 'Seconds between periodic snapshots when something changed (0 disables; a snapshot is always taken on shutdown).' },
  { name: 'gc-peer-timeout', type: 'string', default: 'never', help: 'A peer silent (dead, paused, unreachable) longer than this stops holding back tombstone GC and op-log retention, so memory stays bounded; when it returns it gets a full-state transfer, and list inserts it made while away that are anchored on collected elements are refused (logged): only set it when such a peer would rather rejoin empty. Duration (500ms, 90s, 30m, 1h) or never (default: a silent peer holds GC back however long it is gone).' },
  { name: 'shutdown-drain-timeout', type: 'string', help: 'On SIGTERM, refuse new writes and wait up to this long for every live peer to acknowledge our ops before stopping (a pod that leaves for good keeps no unreplicated writes). Duration; unset: stop at once.' },
  { name: 'tombstone-gc', type: 'bool', default: true, help: 'Collect list tombstones, forget deleted counters and drop states emptied by deletes once causally stable (--tombstone-gc=false keeps the first two, drops emptied states at once and may let type conflicts diverge; see SEMANTICS.md).' },
  { name: 'gc-interval', type: 'string', default: '1s', help: 'How often tombstone GC runs (each run does a bounded slice of work). Duration.' },
  { name: 'maxclients', type: 'int', default: 10000, help: 'Maximum number of client connections.' },
  { name: 'proto-max-bulk-len', type: 'size', default: 512 * 1024 * 1024, help: 'Largest bulk string accepted (bytes; k/m/g suffixes allowed).' },
  { name: 'log-level', type: 'enum', values: ['error', 'warn', 'info', 'debug'], default: 'info', help: 'Log verbosity.' },
  { name: 'log-format', type: 'enum', values: ['auto', 'json', 'text'], default: 'auto', help: 'auto = JSON when stdout is not a TTY.' },
  { name: 'config', type: 'string', help: 'YAML file with any of these options (keys as the flag names).' },
  { name: 'help', type: 'bool', default: false, help: 'Print this help and exit.' },
];

export function envName(option: string): string {
  return `REDIS_CRDT_${option.toUpperCase().replace(/-/g, '_')}`;
}

export function helpText(program: string): string {
  const lines = [
    `Usage: ${program} [options]`,
    '',
    'An active-active Redis replica: speaks RESP, stores data in CRDTs, logs every write,',
    'replicates to peers over gRPC with mutual TLS.',
    '',
    'Options (each also settable as an environment variable, or as a key in --config):',
  ];
  for (const option of OPTIONS) {
    const value = option.type === 'bool' ? '' : option.values ? ` <${option.values.join('|')}>` : ' <value>';
    const fallback = option.default === undefined || option.type === 'bool' ? '' : ` (default: ${String(option.default)})`;
    lines.push(`  --${option.name}${value}`);
    lines.push(`      ${option.help}${fallback}`);
    lines.push(`      env: ${envName(option.name)}`);
  }
  return lines.join('\n');
}
