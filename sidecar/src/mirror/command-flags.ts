/**
 * Which commands the mirror may answer for us, from the mirror's own `COMMAND` reply:
 * read-only ones, minus those that would block the shared link (BLOCKING: XREAD BLOCK)
 * or act on the server rather than the data (ADMIN, PUBSUB).
 */
export type Verdict = 'read' | 'write' | 'unknown';

/** A container (OBJECT, MEMORY, XINFO) is judged by its subcommand. */
type Entry = Verdict | 'container';

export class CommandFlags {
  private constructor(private readonly verdicts: ReadonlyMap<string, Entry>) {}

  /** Parses the `COMMAND` reply as ioredis returns it (nested arrays; outside data, so `unknown`). */
  static parse(reply: unknown): CommandFlags {
    const verdicts = new Map<string, Entry>();
    if (Array.isArray(reply)) for (const entry of reply) addEntry(verdicts, entry);
    return new CommandFlags(verdicts);
  }

  /** From a static list, for when the mirror's table is not available (no mirror, or not reached yet). */
  static fromReadList(names: readonly string[]): CommandFlags {
    return new CommandFlags(new Map(names.map((name) => [name, 'read'] as const)));
  }

  get size(): number {
    return this.verdicts.size;
  }

  /**
   * The verdict for an argument vector: a container's subcommand decides (OBJECT
   * ENCODING, MEMORY USAGE); a container without a known subcommand, or its HELP, goes
   * to the mirror, which answers with its own error or help text and runs nothing.
   */
  classify(args: readonly Buffer[]): Verdict {
    const name = (args[0] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
    const entry = this.verdicts.get(name);
    if (entry !== 'container') return entry ?? 'unknown';
    const sub = (args[1] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
    if (sub === 'help') return 'read';
    const verdict = this.verdicts.get(`${name}|${sub}`);
    return verdict === undefined || verdict === 'container' ? 'read' : verdict;
  }
}

function addEntry(verdicts: Map<string, Entry>, entry: unknown): void {
  if (!Array.isArray(entry)) return;
  const [name, , flags] = entry as unknown[];
  if (typeof name !== 'string' || !Array.isArray(flags)) return;
  const names = new Set(flags.map((flag) => String(flag).toLowerCase()));
  const readonly = names.has('readonly') && !names.has('blocking') && !names.has('admin') && !names.has('pubsub');
  const subcommands: unknown = (entry as unknown[])[9];
  const container = Array.isArray(subcommands) && subcommands.length > 0;
  verdicts.set(name.toLowerCase(), container ? 'container' : readonly ? 'read' : 'write');
  if (Array.isArray(subcommands)) for (const sub of subcommands) addEntry(verdicts, sub);
}

/**
 * Redis 7.0 read-only commands the sidecar may not serve natively; used only to word
 * the error when no mirror is configured (or reachable) to answer them.
 */
export const KNOWN_READS: readonly string[] = [
  'bitcount', 'bitpos', 'getbit', 'bitfield_ro', 'lcs', 'substr', 'dump', 'object', 'object|encoding', 'object|freq',
  'object|idletime', 'object|refcount', 'memory', 'xinfo', 'sort_ro', 'pfcount', 'geopos', 'geodist', 'geohash',
  'georadius_ro', 'georadiusbymember_ro', 'geosearch', 'xrange', 'xrevrange', 'xlen', 'xinfo|stream', 'xinfo|groups',
  'xinfo|consumers', 'xpending', 'hstrlen', 'hrandfield', 'srandmember', 'zrandmember', 'smismember', 'sintercard',
  'zintercard', 'lpos', 'zrangebyscore', 'zrevrangebylex', 'zdiff', 'zinter', 'zunion', 'sdiff', 'sinter', 'sunion',
  'lrange', 'llen', 'lindex', 'scard', 'smembers', 'sismember', 'hget', 'hgetall', 'hmget', 'hkeys', 'hvals', 'hlen',
  'hexists', 'zcard', 'zscore', 'zrange', 'zrank', 'zrevrank', 'zcount', 'zmscore', 'sscan', 'hscan', 'zscan',
  'pttl', 'ttl', 'expiretime', 'pexpiretime', 'eval_ro', 'evalsha_ro', 'fcall_ro', 'mget', 'getrange',
];
