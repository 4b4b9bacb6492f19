import type { Reply } from '../resp/reply.js';

/**
 * The CLIENT REPLY state of a connection (Redis 7.0 networking.c): which replies it drops.
 *
 * Redis keeps three client flags, and so do we, as bits of `Client.replyFlags` (0 when
 * every reply is sent, so the connection's per-command check is one comparison):
 * - OFF (CLIENT_REPLY_OFF): every reply is dropped until CLIENT REPLY ON or RESET.
 * - SKIP (CLIENT_REPLY_SKIP): the reply of the command now executing is dropped.
 * - SKIP_NEXT (CLIENT_REPLY_SKIP_NEXT): set by CLIENT REPLY SKIP; when the command ends
 *   it becomes SKIP, so the next command's reply is dropped (resetClient).
 *
 * Error replies are dropped like any other. Pub/sub pushes (subscribe and unsubscribe
 * confirmations, messages) are not: Redis writes them with CLIENT_PUSHING set, which
 * prepareClientToWrite lets through. That is redis#11875 (2023), in the later 7.0 patch
 * releases; early 7.0 dropped pushes too. The differential test pins redis-server 7.0.15's
 * behaviour.
 */
export type ReplyFlags = number;

export const REPLY_OFF: ReplyFlags = 1;
export const REPLY_SKIP: ReplyFlags = 2;
export const REPLY_SKIP_NEXT: ReplyFlags = 4;

/** Every reply is sent: the state of a new connection. */
export const REPLY_ON: ReplyFlags = 0;

/** Whether `reply`, a command's reply, is dropped under `flags`. */
export function replyDropped(flags: ReplyFlags, reply: Reply): boolean {
  return (flags & (REPLY_OFF | REPLY_SKIP)) !== 0 && reply.kind !== 'push';
}

/**
 * The flags once a command has ended (its reply written or dropped; a blocked command
 * ends when it is unblocked): SKIP is used up and SKIP_NEXT becomes SKIP (resetClient).
 */
export function replyFlagsAfterCommand(flags: ReplyFlags): ReplyFlags {
  const rest = flags & ~(REPLY_SKIP | REPLY_SKIP_NEXT);
  return (flags & REPLY_SKIP_NEXT) !== 0 ? rest | REPLY_SKIP : rest;
}
