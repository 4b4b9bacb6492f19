/** Settings the command layer reads (CONFIG GET, AUTH, INFO server, limits). */
export interface ServerConfig {
  readonly replicaId: string;
  readonly port: number;
  readonly bind: string;
  readonly requirepass: string | undefined;
  readonly appendfsync: 'always' | 'everysec' | 'no';
  readonly dataDir: string;
  readonly protoMaxBulkLen: number;
  readonly maxclients: number;
  readonly version: string;
  readonly configFile: string;
  readonly startedAt: number;
  readonly pid: number;
}

/** The Redis version we report (HELLO, INFO): the Redis 7.0 command set we implement. */
export const REDIS_COMPAT_VERSION = '7.0.15';
