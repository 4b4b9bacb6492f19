import type { Client } from './client.js';

/** A command queued inside MULTI, with its spec already resolved. */
export interface QueuedCommand {
  readonly name: string;
  readonly args: readonly Buffer[];
}

/** Per-connection state owned by the command layer (kept on `client.session`). */
export interface Session {
  /** Commands queued since MULTI, or undefined outside a transaction. */
  multi: QueuedCommand[] | undefined;
  /** A command failed to queue (arity, unknown): EXEC answers EXECABORT. */
  multiFailed: boolean;
  /** Keys under WATCH. */
  readonly watched: Set<string>;
  /** A watched key changed since WATCH: EXEC answers a null array. */
  watchDirty: boolean;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
}

export function sessionOf(client: Client): Session {
  const existing = client.session as Session | undefined;
  if (existing !== undefined && existing !== null) return existing;
  const session: Session = {
    multi: undefined, multiFailed: false, watched: new Set(), watchDirty: false, channels: new Set(), patterns: new Set(),
  };
  client.session = session;
  return session;
}

export function subscriptionCount(session: Session): number {
  return session.channels.size + session.patterns.size;
}
