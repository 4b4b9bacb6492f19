import type { Reply } from '../resp/reply.js';
import type { BLOCKED } from './client.js';
import type { ExecContext } from './exec-context.js';

/** Command flags, as Redis's command table names them (COMMAND INFO shows them). */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'fast' | 'no_auth' | 'allow_busy' | 'no_multi'
  | 'movablekeys' | 'skip_slowlog';

/** Key positions, as in Redis's legacy (first, last, step) triple; last < 0 counts from the end. */
export interface KeySpec {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export type Handler = (ctx: ExecContext, args: readonly Buffer[]) => Reply | typeof BLOCKED;

/**
 * One command: metadata is data (arity, flags, keys, docs), the dispatcher checks
 * arity and unknown commands, the handler only computes.
 */
export interface CommandSpec {
  readonly name: string;
  /** Redis arity: positive = exact argc, negative = at least -arity. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys: KeySpec;
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly handler: Handler;
  /** Subcommands (CONFIG GET, CLIENT ID...), keyed by lowercase name. */
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
}

export const NO_KEYS: KeySpec = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeySpec = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeySpec = { first: 1, last: -1, step: 1 };
export const KEY_VALUE_PAIRS: KeySpec = { first: 1, last: -1, step: 2 };
export const TWO_KEYS: KeySpec = { first: 1, last: 2, step: 1 };

/** Builds a spec with defaults so table entries stay one line of data each. */
export function command(
  name: string, arity: number, flags: readonly CommandFlag[], keys: KeySpec, group: string,
  summary: string, handler: Handler, since = '1.0.0',
): CommandSpec {
  return { name, arity, flags, keys, group, summary, since, handler };
}

export function isWrite(spec: CommandSpec): boolean {
  return spec.flags.includes('write');
}
