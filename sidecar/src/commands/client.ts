import type { Reply } from '../resp/reply.js';
import type { ReplyFlags } from './reply-flags.js';

/**
 * What the command layer needs from one client connection. The network layer
 * (`net/`) implements it; commands never import `net/`.
 */
export interface Client {
  /** Unique, increasing connection id (CLIENT ID). */
  readonly id: number;
  /** `ip:port` of the peer (CLIENT LIST addr=). */
  readonly remoteAddress: string;
  /** `ip:port` of our side (CLIENT LIST laddr=). */
  readonly localAddress: string;
  /** ms since epoch when the connection was accepted. */
  readonly createdAt: number;
  /** Negotiated protocol version: 2 until `HELLO 3`. */
  protocol: 2 | 3;
  name: string;
  /** CLIENT SETINFO lib-name / lib-ver. */
  libName: string;
  libVersion: string;
  authenticated: boolean;
  /** Name of the last command executed (CLIENT LIST cmd=). */
  lastCommand: string;
  /**
   * CLIENT REPLY OFF|SKIP state (reply-flags.ts): set by the command layer; the network
   * layer drops the replies `replyDropped` names and steps it as each command ends.
   */
  replyFlags: ReplyFlags;
  /** Per-connection state owned by the command layer (MULTI queue, WATCH, subscriptions). */
  session: unknown;
  /**
   * Sends a reply out of band: a pub/sub message, or the reply of a command that
   * blocked. Written and flushed immediately (not part of a pipelined batch).
   */
  push(reply: Reply): void;
  /**
   * Completes a command that returned `BLOCKED`: writes its reply and resumes
   * processing of the client's pipelined commands.
   */
  unblock(reply: Reply): void;
  /** Closes the connection after pending replies have been written (QUIT). */
  closeAfterReply(): void;
  /** Closes the connection now (CLIENT KILL). */
  close(): void;
}

/** Returned by `CommandSink.execute` when the command will reply later via `client.unblock`. */
export const BLOCKED = Symbol('blocked');

/**
 * The command layer as seen by the network layer: one call per parsed command, and
 * one call per read event to decide when that batch's replies may be written.
 */
export interface CommandSink {
  /** Executes one command; returns its reply, or BLOCKED if it will reply later. */
  execute(client: Client, args: Buffer[]): Reply | typeof BLOCKED;
  /**
   * Called once after every read event whose commands were all executed. `flush`
   * must be called (maybe synchronously) when their replies may be released: at
   * once, or after the group commit's fsync under `appendfsync always`.
   */
  release(flush: () => void): void;
  /** A connection was accepted. */
  connected(client: Client): void;
  /** A connection closed (any reason); drop its blocking waits and subscriptions. */
  disconnected(client: Client): void;
}
