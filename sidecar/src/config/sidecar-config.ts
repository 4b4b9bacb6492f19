import { hostname } from 'node:os';
import { parseDuration } from './duration.js';
import { ConfigError, type ParsedOptions } from './parse.js';

export interface PeerAddress {
  readonly id: string;
  readonly address: string;
}

/** The sidecar's validated configuration. */
export interface SidecarConfig {
  readonly replicaId: string;
  readonly port: number;
  readonly bind: readonly string[];
  readonly dataDir: string;
  readonly adminPort: number;
  readonly adminBind: string;
  /** Bearer token the admin server's POST endpoints require (undefined: open). */
  readonly adminToken: string | undefined;
  readonly appendfsync: 'always' | 'everysec' | 'no';
  readonly requirepass: string | undefined;
  readonly replPort: number;
  readonly replBind: string;
  readonly peers: readonly PeerAddress[];
  readonly peersFile: string | undefined;
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string } | undefined;
  readonly insecureReplication: boolean;
  readonly mirror: string | undefined;
  readonly snapshotIntervalSec: number;
  /** A peer silent longer than this stops counting for GC and log retention (ms). */
  readonly gcPeerTimeoutMs: number;
  /** Milliseconds between tombstone GC ticks. */
  readonly gcIntervalMs: number;
  readonly tombstoneGc: boolean;
  /** On SIGTERM, wait this long at most for live peers to acknowledge our ops (undefined: no wait). */
  readonly shutdownDrainTimeoutMs: number | undefined;
  readonly maxclients: number;
  readonly protoMaxBulkLen: number;
  readonly logLevel: string;
  readonly logFormat: 'auto' | 'json' | 'text';
  readonly configFile: string;
}

const REPLICA_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function str(options: ParsedOptions, name: string): string | undefined {
  const value = options.get(name);
  return value === undefined || value === '' ? undefined : String(value);
}

function int(options: ParsedOptions, name: string, min: number, max: number): number {
  const value = Number(options.get(name));
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`--${name} must be an integer between ${min} and ${max}, got ${String(options.get(name))}`);
  return value;
}

/** Parses `id=host:port,id=host:port`. */
export function parsePeerList(text: string | undefined): PeerAddress[] {
  if (text === undefined) return [];
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    const id = part.slice(0, eq);
    const address = part.slice(eq + 1);
    if (eq <= 0 || !REPLICA_ID.test(id) || !/^[^\s:]+:\d{1,5}$/.test(address)) {
      throw new ConfigError(`Invalid peer '${part}' in --peers: expected id=host:port, e.g. r2=127.0.0.1:7380`);
    }
    return { id, address };
  });
}

export function toSidecarConfig(options: ParsedOptions): SidecarConfig {
  const replicaId = str(options, 'replica-id') ?? hostname();
  if (!REPLICA_ID.test(replicaId)) throw new ConfigError(`--replica-id '${replicaId}' must be 1-63 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`);
  const ca = str(options, 'tls-ca');
  const cert = str(options, 'tls-cert');
  const key = str(options, 'tls-key');
  const tlsGiven = [ca, cert, key].filter((v) => v !== undefined).length;
  if (tlsGiven !== 0 && tlsGiven !== 3) throw new ConfigError('--tls-ca, --tls-cert and --tls-key must be given together');
  const mirror = str(options, 'mirror');
  if (mirror !== undefined && !/^rediss?:\/\//.test(mirror)) throw new ConfigError(`--mirror must be a redis:// or rediss:// URL, got '${mirror}'`);
  return {
    replicaId,
    port: int(options, 'port', 0, 65535),
    bind: (str(options, 'bind') ?? '127.0.0.1').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    dataDir: str(options, 'data-dir') ?? './redis-crdt-data',
    adminPort: int(options, 'admin-port', -1, 65535),
    adminBind: str(options, 'admin-bind') ?? '127.0.0.1',
    adminToken: str(options, 'admin-token'),
    appendfsync: (str(options, 'appendfsync') ?? 'everysec') as SidecarConfig['appendfsync'],
    requirepass: str(options, 'requirepass'),
    replPort: int(options, 'repl-port', 0, 65535),
    replBind: str(options, 'repl-bind') ?? '0.0.0.0',
    peers: parsePeerList(str(options, 'peers')),
    peersFile: str(options, 'peers-file'),
    tls: ca !== undefined && cert !== undefined && key !== undefined ? { ca, cert, key } : undefined,
    insecureReplication: options.get('insecure-replication') === true,
    mirror,
    snapshotIntervalSec: int(options, 'snapshot-interval', 0, 86400 * 7),
    gcPeerTimeoutMs: peerTimeout(str(options, 'gc-peer-timeout') ?? 'never'),
    gcIntervalMs: parseDuration('gc-interval', str(options, 'gc-interval') ?? '1s'),
    tombstoneGc: options.get('tombstone-gc') === true,
    shutdownDrainTimeoutMs: optionalDuration('shutdown-drain-timeout', str(options, 'shutdown-drain-timeout')),
    maxclients: int(options, 'maxclients', 1, 1_000_000),
    protoMaxBulkLen: int(options, 'proto-max-bulk-len', 1024 * 1024, Number.MAX_SAFE_INTEGER),
    logLevel: str(options, 'log-level') ?? 'info',
    logFormat: (str(options, 'log-format') ?? 'auto') as SidecarConfig['logFormat'],
    configFile: str(options, 'config') ?? '',
  };
}

function optionalDuration(name: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(name, text);
}

/** `never` (the default): a silent peer holds back GC however long it is gone (see options.ts). */
function peerTimeout(text: string): number {
  return text.trim() === 'never' ? Infinity : parseDuration('gc-peer-timeout', text);
}
