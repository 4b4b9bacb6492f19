import { BLOCKED, type Client } from '../commands/client.js';
import { unknownCommand } from '../commands/errors.js';
import { error, type Reply } from '../resp/reply.js';
import { CommandFlags, KNOWN_READS } from './command-flags.js';
import type { Mirror } from './mirror.js';

const FALLBACK_FLAGS = CommandFlags.fromReadList(KNOWN_READS);

export type Fallback = ((client: Client, args: readonly Buffer[]) => Reply | typeof BLOCKED) & {
  /** True when the mirror would answer this command (known to Redis), false when no Redis has it. */
  readonly knows?: (args: readonly Buffer[]) => boolean;
};

/**
 * The dispatcher's fallback for commands the table lacks (DESIGN.md §1, read path):
 * read-only ones by the mirror's own COMMAND flags are sent to the mirror after every
 * write queued so far and its reply is relayed byte for byte; write commands are refused
 * (the mirror is a cache: a write there would never reach the CRDT store or the peers).
 * `mirror` is undefined when no `--mirror` is configured.
 */
export function passthrough(mirror: Mirror | undefined): Fallback {
  const knows = (args: readonly Buffer[]): boolean => (mirror?.flags ?? FALLBACK_FLAGS).classify(args) !== 'unknown';
  return Object.assign((client: Client, args: readonly Buffer[]): Reply | typeof BLOCKED => {
    const flags = mirror?.flags ?? FALLBACK_FLAGS;
    const verdict = flags.classify(args);
    const name = displayName(args);
    if (verdict === 'unknown') return unknownCommand((args[0] ?? Buffer.alloc(0)).toString('latin1'), args);
    if (verdict === 'write') return error(`ERR '${name}' is not supported in active-active mode: writes go through the CRDT store, the local Redis mirror is read-only`);
    if (mirror === undefined) return error(`ERR '${name}' is answered by the local Redis mirror, which is not configured: start the sidecar with --mirror redis://host:port`);
    if (mirror.flags === undefined) return error(`ERR '${name}' is answered by the local Redis mirror, which is not reachable yet (${mirror.target.display})`);
    mirror.counters.passthroughCalls += 1;
    mirror.whenReadable(() => forward(mirror, client, args, name));
    return BLOCKED;
  }, { knows });
}

/**
 * Sends the command on the write-behind link, so it runs after every write queued
 * before it. A RESP3 client's command is wrapped in HELLO 3 / HELLO 2 so the mirror
 * encodes the reply in the client's protocol and it can be relayed unchanged.
 */
function forward(mirror: Mirror, client: Client, args: readonly Buffer[], name: string): void {
  const link = mirror.link;
  if (link === undefined) return client.unblock(unavailable(mirror, name));
  const resp3 = client.protocol === 3;
  const commands = resp3 ? [['HELLO', '3'], args, ['HELLO', '2']] : [args];
  link.send(commands, (replies) => {
    const reply = replies instanceof Error ? undefined : replies[resp3 ? 1 : 0];
    client.unblock(reply === undefined ? unavailable(mirror, name) : { kind: 'raw', bytes: reply });
  });
}

function unavailable(mirror: Mirror, name: string): Reply {
  return error(`ERR '${name}' is answered by the local Redis mirror, which is unavailable (${mirror.target.display}: ${mirror.counters.lastError || 'connecting'})`);
}

function displayName(args: readonly Buffer[]): string {
  return (args[0] ?? Buffer.alloc(0)).toString('latin1').slice(0, 64).toLowerCase().replace(/[\r\n]/g, ' ');
}
