import { array, bulk, error, integer, NULL, type Reply } from '../resp/reply.js';
import { keyOf } from './args.js';
import type { Client } from './client.js';
import type { ExecContext, ServerContext } from './exec-context.js';
import { globMatch } from './glob.js';
import { containerCommand, helpReply } from './server.js';
import { sessionOf, subscriptionCount, type Session } from './session.js';
import { command, NO_KEYS, type CommandSpec } from './spec.js';

/**
 * Pub/sub (Redis 7.0 pubsub.c), local delivery. Replication delivers remote PUBLISHes
 * through `deliverPublish` and learns of local ones through the publish forwarder.
 *
 * Reply ordering: SUBSCRIBE a b c answers one confirmation per channel. A handler returns
 * one Reply, so all confirmations but the last are sent with `client.push` and the last
 * is returned. The network layer encodes a push made while the connection is executing
 * its own commands into the same batch, in call order, so the confirmations leave in
 * order and ahead of the next pipelined reply; under `appendfsync always` they are held
 * with the batch like any reply. In RESP3 the confirmations are push (`>`) frames, in
 * RESP2 arrays, exactly as Redis sends them (addReplyPubsubSubscribed).
 *
 * Inside MULTI/EXEC a multi-channel SUBSCRIBE is the one divergence: its first
 * confirmations leave ahead of the EXEC array and the last is the command's element.
 * Redis writes all of them inside an array whose length counts commands, not replies,
 * which breaks RESP framing; ours at least stays parseable.
 */

type PubSubMap = Map<string, Set<Client>>;

/** A forwarder sees every local PUBLISH (replication sends it to the peers). */
export type PublishForwarder = (channel: string, message: Buffer) => void;

const forwarders = new WeakMap<ServerContext, PublishForwarder>();

/** Registers the function that forwards local PUBLISHes to other replicas. */
export function setPublishForwarder(server: ServerContext, forwarder: PublishForwarder | undefined): void {
  if (forwarder === undefined) forwarders.delete(server);
  else forwarders.set(server, forwarder);
}

/**
 * Delivers a message to this replica's subscribers: channel subscribers get `message`,
 * then every matching pattern's subscribers get `pmessage` (pubsubPublishMessage).
 * Returns the number of deliveries, PUBLISH's reply.
 */
export function deliverPublish(server: ServerContext, channel: string, message: Buffer): number {
  const receivers = server.pubsub.receivers(channel);
  for (const { client, pattern } of receivers) {
    const items = pattern === undefined
      ? [bulk('message'), bulk(channel), bulk(message)]
      : [bulk('pmessage'), bulk(pattern), bulk(channel), bulk(message)];
    client.push({ kind: 'push', items });
  }
  server.stats.pubsubMessages += 1;
  return receivers.length;
}

function confirmation(kind: string, name: string | undefined, count: number): Reply {
  return { kind: 'push', items: [bulk(kind), name === undefined ? NULL : bulk(name), integer(count)] };
}

/** Sends every reply but the last out of band and returns the last (see file comment). */
function replyAll(client: Client, replies: readonly Reply[]): Reply {
  for (let i = 0; i < replies.length - 1; i++) {
    const reply = replies[i];
    if (reply !== undefined) client.push(reply);
  }
  return replies[replies.length - 1] ?? error('ERR no reply');
}

interface Side {
  readonly map: (server: ServerContext) => PubSubMap;
  readonly names: (session: Session) => Set<string>;
  readonly subscribeWord: string;
  readonly unsubscribeWord: string;
}

const CHANNELS: Side = {
  map: (server) => server.pubsub.channels, names: (session) => session.channels,
  subscribeWord: 'subscribe', unsubscribeWord: 'unsubscribe',
};
const PATTERNS: Side = {
  map: (server) => server.pubsub.patterns, names: (session) => session.patterns,
  subscribeWord: 'psubscribe', unsubscribeWord: 'punsubscribe',
};

function subscribeTo(side: Side): (ctx: ExecContext, args: readonly Buffer[]) => Reply {
  return (ctx, args) => {
    const session = sessionOf(ctx.client);
    const names = side.names(session);
    const replies: Reply[] = [];
    for (let i = 1; i < args.length; i++) {
      const name = keyOf(args[i]);
      if (ctx.server.pubsub.subscribe(side.map(ctx.server), name, ctx.client)) names.add(name);
      replies.push(confirmation(side.subscribeWord, name, subscriptionCount(session)));
    }
    return replyAll(ctx.client, replies);
  };
}

function unsubscribeFrom(side: Side): (ctx: ExecContext, args: readonly Buffer[]) => Reply {
  return (ctx, args) => {
    const session = sessionOf(ctx.client);
    const names = side.names(session);
    const targets = args.length > 1 ? args.slice(1).map(keyOf) : [...names];
    // Without arguments and without subscriptions Redis still confirms once, with a null name.
    if (targets.length === 0) return confirmation(side.unsubscribeWord, undefined, subscriptionCount(session));
    const replies: Reply[] = [];
    for (const name of targets) {
      if (ctx.server.pubsub.unsubscribe(side.map(ctx.server), name, ctx.client)) names.delete(name);
      replies.push(confirmation(side.unsubscribeWord, name, subscriptionCount(session)));
    }
    return replyAll(ctx.client, replies);
  };
}

/** Drops every subscription of a client without confirmations (RESET, as Redis does). */
export function unsubscribeAll(server: ServerContext, client: Client): void {
  const session = sessionOf(client);
  for (const name of session.channels) server.pubsub.unsubscribe(server.pubsub.channels, name, client);
  for (const name of session.patterns) server.pubsub.unsubscribe(server.pubsub.patterns, name, client);
  session.channels.clear();
  session.patterns.clear();
}

function publish(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const channel = keyOf(args[1]);
  const message = args[2] ?? Buffer.alloc(0);
  const receivers = deliverPublish(ctx.server, channel, message);
  forwarders.get(ctx.server)?.(channel, message);
  return integer(receivers);
}

function pubsubChannels(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length > 3) return error("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");
  const pattern = args.length === 3 ? keyOf(args[2]) : undefined;
  const names: Reply[] = [];
  for (const name of ctx.server.pubsub.channels.keys()) {
    if (pattern === undefined || globMatch(pattern, name)) names.push(bulk(name));
  }
  return array(names);
}

function pubsubNumsub(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const items: Reply[] = [];
  for (let i = 2; i < args.length; i++) {
    const name = keyOf(args[i]);
    items.push(bulk(name), integer(ctx.server.pubsub.channels.get(name)?.size ?? 0));
  }
  return array(items);
}

function pubsubNumpat(ctx: ExecContext): Reply {
  return integer(ctx.server.pubsub.patterns.size);
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
];

const PUBSUB_FLAGS = ['pubsub', 'loading', 'stale'] as const;

export const pubsubCommands: CommandSpec[] = [
  command('subscribe', -2, ['pubsub', 'noscript', 'loading', 'stale'], NO_KEYS, 'pubsub', 'Listens for messages published to channels', subscribeTo(CHANNELS), '2.0.0'),
  command('unsubscribe', -1, ['pubsub', 'noscript', 'loading', 'stale'], NO_KEYS, 'pubsub', 'Stops listening to messages posted to channels', unsubscribeFrom(CHANNELS), '2.0.0'),
  command('psubscribe', -2, ['pubsub', 'noscript', 'loading', 'stale'], NO_KEYS, 'pubsub', 'Listens for messages published to channels that match one or more patterns', subscribeTo(PATTERNS), '2.0.0'),
  command('punsubscribe', -1, ['pubsub', 'noscript', 'loading', 'stale'], NO_KEYS, 'pubsub', 'Stops listening to messages published to channels that match one or more patterns', unsubscribeFrom(PATTERNS), '2.0.0'),
  command('publish', 3, ['pubsub', 'loading', 'stale', 'fast'], NO_KEYS, 'pubsub', 'Posts a message to a channel', publish, '2.0.0'),
  containerCommand('pubsub', 'pubsub', 'A container for Pub/Sub commands', '2.8.0', [
    command('pubsub|channels', -2, PUBSUB_FLAGS, NO_KEYS, 'pubsub', 'Returns the active channels', pubsubChannels, '2.8.0'),
    command('pubsub|numsub', -2, PUBSUB_FLAGS, NO_KEYS, 'pubsub', 'Returns a count of subscribers to channels', pubsubNumsub, '2.8.0'),
    command('pubsub|numpat', 2, PUBSUB_FLAGS, NO_KEYS, 'pubsub', 'Returns a count of unique pattern subscriptions', pubsubNumpat, '2.8.0'),
    command('pubsub|help', 2, ['loading', 'stale'], NO_KEYS, 'pubsub', 'Returns helpful text about the different subcommands', () => helpReply('PUBSUB', PUBSUB_HELP), '6.2.0'),
  ]),
];
