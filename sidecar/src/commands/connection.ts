import { createHash, timingSafeEqual } from 'node:crypto';
import { array, bulk, EMPTY_ARRAY, error, integer, OK, PONG, simple, type Reply } from '../resp/reply.js';
import { argInt } from './args.js';
import { resetClientState, validClientName, ERR_CLIENT_NAME } from './client-cmd.js';
import {
  ERR_DB_INDEX, ERR_NO_PASSWORD, ERR_NOT_INTEGER, ERR_SELECT_UNSUPPORTED, ERR_SYNTAX, ERR_WRONGPASS, wrongArity,
} from './errors.js';
import type { ExecContext } from './exec-context.js';
import { unsubscribeAll } from './pubsub.js';
import type { ServerConfig } from './server-config.js';
import { sessionOf, subscriptionCount } from './session.js';
import { command, NO_KEYS, type CommandSpec } from './spec.js';
import { discardTransaction } from './transactions.js';

/** Connection commands (Redis 7.0 server.c, networking.c, acl.c): PING ECHO HELLO AUTH SELECT QUIT RESET. */

const ERR_HELLO_NOAUTH = error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
const ERR_NOPROTO = error('NOPROTO unsupported protocol version');
/** getIntFromObjectOrReply's range error (object.c getRangeLongFromObjectOrReply). */
const ERR_INT_RANGE = error('ERR value is out of range, value must between -2147483648 and 2147483647');
const ERR_PROTO_NOT_INT = error('ERR Protocol version is not an integer or out of range');

/** PING: in a RESP2 subscribed context the reply is the array `pong <msg|"">` (pingCommand). */
function ping(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length > 2) return wrongArity('ping');
  const message = args[1];
  if (ctx.client.protocol === 2 && subscriptionCount(sessionOf(ctx.client)) > 0) {
    return array([bulk('pong'), bulk(message ?? '')]);
  }
  return message === undefined ? PONG : bulk(message);
}

function echo(_ctx: ExecContext, args: readonly Buffer[]): Reply {
  return bulk(args[1] ?? '');
}

function sha256(value: Buffer | string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Checks credentials against the only user, `default`: without `requirepass` it has
 * `nopass` (any password works), otherwise the password must match. Compared in
 * constant time like acl.c's time_independent_strcmp.
 */
export function credentialsValid(config: ServerConfig, user: Buffer, password: Buffer): boolean {
  if (user.toString('latin1') !== 'default') return false;
  if (config.requirepass === undefined) return true;
  return timingSafeEqual(sha256(password), sha256(Buffer.from(config.requirepass, 'latin1')));
}

/** AUTH [user] password (acl.c authCommand). A failed AUTH keeps the current state. */
function auth(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  const password = args[args.length - 1] ?? Buffer.alloc(0);
  const user = args.length === 3 ? (args[1] ?? Buffer.alloc(0)) : Buffer.from('default');
  if (args.length === 2 && ctx.server.config.requirepass === undefined) return ERR_NO_PASSWORD;
  if (!credentialsValid(ctx.server.config, user, password)) return ERR_WRONGPASS;
  ctx.client.authenticated = true;
  return OK;
}

interface HelloOptions {
  protocol: 2 | 3 | undefined;
  user?: Buffer;
  password?: Buffer;
  name?: Buffer;
}

/** Parses HELLO's arguments in helloCommand's order; returns the error reply on failure. */
function parseHello(args: readonly Buffer[]): HelloOptions | Reply {
  const options: HelloOptions = { protocol: undefined };
  if (args.length >= 2) {
    const version = argInt(args[1]);
    if (version === undefined) return ERR_PROTO_NOT_INT;
    if (version !== 2n && version !== 3n) return ERR_NOPROTO;
    options.protocol = version === 2n ? 2 : 3;
  }
  for (let j = 2; j < args.length; j++) {
    const more = args.length - 1 - j;
    const option = (args[j] ?? Buffer.alloc(0)).toString('latin1');
    if (option.toLowerCase() === 'auth' && more >= 2) {
      options.user = args[j + 1];
      options.password = args[j + 2];
      j += 2;
    } else if (option.toLowerCase() === 'setname' && more >= 1) {
      options.name = args[j + 1];
      j += 1;
    } else {
      return error(`ERR Syntax error in HELLO option '${option}'`);
    }
  }
  return options;
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: the server map of helloCommand. */
function hello(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const options = parseHello(args);
  if ('kind' in options) return options;
  const { client, server } = ctx;
  if (options.user !== undefined && options.password !== undefined) {
    if (!credentialsValid(server.config, options.user, options.password)) return ERR_WRONGPASS;
    client.authenticated = true;
  }
  if (!client.authenticated) return ERR_HELLO_NOAUTH;
  if (options.name !== undefined) {
    if (!validClientName(options.name)) return ERR_CLIENT_NAME;
    client.name = options.name.toString('latin1');
  }
  if (options.protocol !== undefined) client.protocol = options.protocol;
  return {
    kind: 'map',
    entries: [
      [bulk('server'), bulk('redis')],
      [bulk('version'), bulk(server.config.version)],
      [bulk('proto'), integer(client.protocol)],
      [bulk('id'), integer(client.id)],
      [bulk('mode'), bulk('standalone')],
      [bulk('role'), bulk('master')],
      [bulk('modules'), EMPTY_ARRAY],
    ],
  };
}

/**
 * SELECT: only database 0 exists (one keyspace replicates as one CRDT map). Negative
 * indexes get Redis's own range error; other valid indexes a clear explanation.
 */
function select(_ctx: ExecContext, args: readonly Buffer[]): Reply {
  const index = argInt(args[1]);
  if (index === undefined) return ERR_NOT_INTEGER;
  if (index > 2147483647n || index < -2147483648n) return ERR_INT_RANGE;
  if (index === 0n) return OK;
  return index < 0n ? ERR_DB_INDEX : ERR_SELECT_UNSUPPORTED;
}

function quit(ctx: ExecContext): Reply {
  ctx.client.closeAfterReply();
  return OK;
}

/**
 * RESET (networking.c clearClientConnectionState): leaves MULTI, unwatches, drops
 * subscriptions silently, back to RESP2, no name, not evict-protected, and
 * unauthenticated again when a password is required.
 */
function reset(ctx: ExecContext): Reply {
  const { client, server } = ctx;
  const session = sessionOf(client);
  discardTransaction(server, client, session);
  unsubscribeAll(server, client);
  resetClientState(client);
  client.protocol = 2;
  client.name = '';
  if (server.config.requirepass !== undefined) client.authenticated = false;
  return simple('RESET');
}

const CONN = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

export const connectionCommands: CommandSpec[] = [
  command('ping', -1, ['fast'], NO_KEYS, 'connection', "Returns the server's liveliness response", ping),
  command('echo', 2, ['loading', 'stale', 'fast'], NO_KEYS, 'connection', 'Returns the given string', echo),
  command('hello', -1, CONN, NO_KEYS, 'connection', 'Handshakes with the Redis server', hello, '6.0.0'),
  command('auth', -2, CONN, NO_KEYS, 'connection', 'Authenticates the connection', auth),
  command('select', 2, ['loading', 'stale', 'fast'], NO_KEYS, 'connection', 'Changes the selected database', select),
  command('quit', -1, CONN, NO_KEYS, 'connection', 'Closes the connection', quit),
  command('reset', 1, CONN, NO_KEYS, 'connection', 'Resets the connection', reset, '6.2.0'),
];
