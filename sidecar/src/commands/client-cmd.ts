import { bulkOrNull, error, integer, OK, type Reply } from '../resp/reply.js';
import { argInt, keyOf, lower } from './args.js';
import type { Client } from './client.js';
import { ERR_SYNTAX } from './errors.js';
import type { ExecContext } from './exec-context.js';
import { REPLY_OFF, REPLY_SKIP, REPLY_SKIP_NEXT } from './reply-flags.js';
import { containerCommand, helpReply } from './server.js';
import { sessionOf, subscriptionCount } from './session.js';
import { command, NO_KEYS, type CommandFlag, type CommandSpec } from './spec.js';

/**
 * CLIENT subcommands (Redis 7.0 networking.c clientCommand): SETNAME GETNAME ID INFO LIST
 * NO-EVICT KILL REPLY, plus SETINFO from Redis 7.2 (client libraries send it on connect).
 */

export const ERR_CLIENT_NAME = error('ERR Client names cannot contain spaces, newlines or special characters.');

/** Per-client flags the Client interface does not carry (kept here, dropped with the client). */
const noEvict = new WeakSet<Client>();

/**
 * Clears what RESET clears of the client state CLIENT sets: no-evict, and CLIENT REPLY
 * OFF and SKIP_NEXT (clearClientConnectionState). SKIP stays, so after CLIENT REPLY SKIP
 * the RESET's own reply is still dropped, as in Redis.
 */
export function resetClientState(client: Client): void {
  noEvict.delete(client);
  client.replyFlags &= ~(REPLY_OFF | REPLY_SKIP_NEXT);
}

/** validateClientAttr: printable ASCII without spaces ('!'..'~'). */
export function validClientName(name: Buffer): boolean {
  for (const byte of name) if (byte < 33 || byte > 126) return false;
  return true;
}

/** A number the network layer may add to its Client (fd, lastInteraction) without a contract change. */
function optionalNumber(client: Client, field: 'fd' | 'lastInteraction'): number | undefined {
  const value: unknown = (client as unknown as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : undefined;
}

/** The flag letters of catClientInfoString, in Redis's order; N when none. */
function clientFlags(client: Client): string {
  const session = sessionOf(client);
  let flags = '';
  if (subscriptionCount(session) > 0) flags += 'P';
  if (session.multi !== undefined) flags += 'x';
  if (session.watchDirty) flags += 'd';
  if (noEvict.has(client)) flags += 'e';
  return flags === '' ? 'N' : flags;
}

/**
 * One CLIENT LIST / CLIENT INFO line in Redis 7.0's field order; lib-name and lib-ver
 * follow `resp` as in Redis 7.2. Buffer accounting fields are 0: Node owns the buffers.
 */
export function clientInfoLine(client: Client, now: number): string {
  const session = sessionOf(client);
  const last = optionalNumber(client, 'lastInteraction') ?? now;
  const fields = [
    `id=${client.id}`, `addr=${client.remoteAddress}`, `laddr=${client.localAddress}`,
    `fd=${optionalNumber(client, 'fd') ?? -1}`, `name=${client.name}`,
    `age=${Math.max(0, Math.floor((now - client.createdAt) / 1000))}`,
    `idle=${Math.max(0, Math.floor((now - last) / 1000))}`,
    `flags=${clientFlags(client)}`, 'db=0',
    `sub=${session.channels.size}`, `psub=${session.patterns.size}`, 'ssub=0',
    `multi=${session.multi === undefined ? -1 : session.multi.length}`,
    'qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r',
    `cmd=${client.lastCommand === '' ? 'NULL' : client.lastCommand}`, 'user=default', 'redir=-1',
    `resp=${client.protocol}`, `lib-name=${client.libName}`, `lib-ver=${client.libVersion}`,
  ];
  return fields.join(' ');
}

function verbatim(value: string): Reply {
  return { kind: 'verbatim', format: 'txt', value };
}

/** getClientTypeByName: the types CLIENT LIST/KILL accept; only normal and pubsub exist here. */
function clientTypeMatcher(name: string): ((client: Client) => boolean) | undefined {
  switch (name.toLowerCase()) {
    case 'normal': return (client) => subscriptionCount(sessionOf(client)) === 0;
    case 'pubsub': return (client) => subscriptionCount(sessionOf(client)) > 0;
    case 'master': case 'slave': case 'replica': return () => false;
    default: return undefined;
  }
}

function clientList(ctx: ExecContext, args: readonly Buffer[]): Reply {
  let selected: Client[] = [...ctx.server.clients];
  if (args.length === 4 && lower(args[2]) === 'type') {
    const name = keyOf(args[3]);
    const matches = clientTypeMatcher(name);
    if (matches === undefined) return error(`ERR Unknown client type '${name}'`);
    selected = selected.filter(matches);
  } else if (args.length > 3 && lower(args[2]) === 'id') {
    const ids: number[] = [];
    for (const arg of args.slice(3)) {
      const id = argInt(arg);
      if (id === undefined) return error('ERR Invalid client ID');
      ids.push(Number(id));
    }
    selected = ids.flatMap((id) => selected.filter((client) => client.id === id));
  } else if (args.length !== 2) {
    return ERR_SYNTAX;
  }
  return verbatim(selected.map((client) => `${clientInfoLine(client, ctx.now)}\n`).join(''));
}

function clientInfo(ctx: ExecContext): Reply {
  return verbatim(`${clientInfoLine(ctx.client, ctx.now)}\n`);
}

function clientSetname(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const name = args[2] ?? Buffer.alloc(0);
  if (!validClientName(name)) return ERR_CLIENT_NAME;
  ctx.client.name = name.toString('latin1');
  return OK;
}

function clientGetname(ctx: ExecContext): Reply {
  return bulkOrNull(ctx.client.name === '' ? undefined : ctx.client.name);
}

function clientNoEvict(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const mode = lower(args[2]);
  if (mode === 'on') noEvict.add(ctx.client);
  else if (mode === 'off') noEvict.delete(ctx.client);
  else return ERR_SYNTAX;
  return OK;
}

/**
 * CLIENT REPLY ON|OFF|SKIP (reply-flags.ts). ON answers OK; OFF and SKIP answer nothing.
 * Redis adds no reply for them; here they return OK and the flags they set drop it: OFF
 * drops its own reply with all later ones, and SKIP sets SKIP for itself as well as
 * SKIP_NEXT for the command after it. SKIP is ignored while replies are OFF.
 *
 * Queued in MULTI, OFF or SKIP makes Redis send an EXEC array that counts a reply it
 * never writes, which breaks RESP framing; here they drop the whole EXEC reply instead.
 */
function clientReply(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const { client } = ctx;
  switch (lower(args[2])) {
    case 'on':
      client.replyFlags &= ~(REPLY_OFF | REPLY_SKIP);
      return OK;
    case 'off':
      client.replyFlags |= REPLY_OFF;
      return OK;
    case 'skip':
      if ((client.replyFlags & REPLY_OFF) === 0) client.replyFlags |= REPLY_SKIP | REPLY_SKIP_NEXT;
      return OK;
    default:
      return ERR_SYNTAX;
  }
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2 clientSetinfoCommand). */
function clientSetinfo(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const attr = keyOf(args[2]);
  const value = args[3] ?? Buffer.alloc(0);
  const which = attr.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver') return error(`ERR Unrecognized option '${attr}'`);
  if (!validClientName(value)) return error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  if (which === 'lib-name') ctx.client.libName = value.toString('latin1');
  else ctx.client.libVersion = value.toString('latin1');
  return OK;
}

interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: (client: Client) => boolean;
  skipme: boolean;
}

/** Parses the `<option> <value>` pairs of CLIENT KILL (clientKillCommand). */
function parseKillFilter(args: readonly Buffer[]): KillFilter | Reply {
  const filter: KillFilter = { skipme: true };
  for (let i = 2; i < args.length; i += 2) {
    const option = lower(args[i]);
    const value = args[i + 1];
    if (value === undefined) return ERR_SYNTAX;
    const text = keyOf(value);
    if (option === 'id') {
      const id = argInt(value);
      if (id === undefined || id < 1n) return error('ERR client-id should be greater than 0');
      filter.id = Number(id);
    } else if (option === 'type') {
      const matches = clientTypeMatcher(text);
      if (matches === undefined) return error(`ERR Unknown client type '${text}'`);
      filter.type = matches;
    } else if (option === 'addr') filter.addr = text;
    else if (option === 'laddr') filter.laddr = text;
    else if (option === 'user') {
      if (text !== 'default') return error(`ERR No such user '${text}'`);
    } else if (option === 'skipme') {
      if (text.toLowerCase() !== 'yes' && text.toLowerCase() !== 'no') return ERR_SYNTAX;
      filter.skipme = text.toLowerCase() === 'yes';
    } else return ERR_SYNTAX;
  }
  return filter;
}

function killMatches(filter: KillFilter, client: Client, self: Client): boolean {
  if (filter.id !== undefined && client.id !== filter.id) return false;
  if (filter.addr !== undefined && client.remoteAddress !== filter.addr) return false;
  if (filter.laddr !== undefined && client.localAddress !== filter.laddr) return false;
  if (filter.type !== undefined && !filter.type(client)) return false;
  return !(filter.skipme && client === self);
}

/**
 * CLIENT KILL addr (old form: OK or "No such client") or CLIENT KILL <filters> (count).
 * The caller itself is closed only after its reply is written, as Redis does.
 */
function clientKill(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const oldForm = args.length === 3;
  const filter = oldForm ? { addr: keyOf(args[2]), skipme: false } : parseKillFilter(args);
  if ('kind' in filter) return filter;
  let killed = 0;
  for (const client of [...ctx.server.clients]) {
    if (!killMatches(filter, client, ctx.client)) continue;
    if (client === ctx.client) client.closeAfterReply();
    else client.close();
    killed += 1;
  }
  if (oldForm) return killed === 0 ? error('ERR No such client') : OK;
  return integer(killed);
}

function clientId(ctx: ExecContext): Reply {
  return integer(ctx.client.id);
}

const CLIENT_HELP = [
  'GETNAME', '    Return the name of the current connection.',
  'ID', '    Return the ID of the current connection.',
  'INFO', '    Return information about the current client connection.',
  'KILL <ip:port>', '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]', '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)', '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)', '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)', '      Kill connections by type.',
  '    * USER <username>', '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)', '      Skip killing current connection (default: yes).',
  'LIST [options ...]', '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)', '      Return clients of specified type.',
  'REPLY (ON|OFF|SKIP)', '    Control the replies sent to the current connection.',
  'SETNAME <name>', '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>', '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.', '    * LIB-VER: the client lib version.',
  'NO-EVICT (ON|OFF)', '    Protect current client connection from eviction.',
];

const CONN: readonly CommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];

export const clientCommands: CommandSpec[] = [
  containerCommand('client', 'connection', 'A container for client connection commands', '2.4.0', [
    command('client|setname', 3, CONN, NO_KEYS, 'connection', 'Sets the connection name', clientSetname, '2.6.9'),
    command('client|getname', 2, CONN, NO_KEYS, 'connection', 'Returns the name of the connection', clientGetname, '2.6.9'),
    command('client|id', 2, CONN, NO_KEYS, 'connection', 'Returns the unique client ID of the connection', clientId, '5.0.0'),
    command('client|info', 2, CONN, NO_KEYS, 'connection', 'Returns information about the connection', clientInfo, '6.2.0'),
    command('client|list', -2, ADMIN, NO_KEYS, 'connection', 'Lists open connections', clientList, '2.4.0'),
    command('client|no-evict', 3, ADMIN, NO_KEYS, 'connection', 'Sets the client eviction mode of the connection', clientNoEvict, '7.0.0'),
    command('client|setinfo', 4, CONN, NO_KEYS, 'connection', 'Sets information specific to the client or connection', clientSetinfo, '7.2.0'),
    command('client|reply', 3, CONN, NO_KEYS, 'connection', 'Instructs the server whether to reply to commands', clientReply, '3.2.0'),
    command('client|kill', -3, ADMIN, NO_KEYS, 'connection', 'Terminates open connections', clientKill, '2.4.0'),
    command('client|help', 2, ['loading', 'stale'], NO_KEYS, 'connection', 'Returns helpful text about the different subcommands', () => helpReply('CLIENT', CLIENT_HELP), '5.0.0'),
  ]),
];
