import { error, type Reply } from '../resp/reply.js';

/**
 * Redis's error replies, written once (Redis 7.0 server.c / t_*.c texts, exact).
 * Handlers return these typed values; nothing else invents error wording.
 */
export const ERR_SYNTAX = error('ERR syntax error');
export const ERR_WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const ERR_NOT_INTEGER = error('ERR value is not an integer or out of range');
export const ERR_NOT_FLOAT = error('ERR value is not a valid float');
export const ERR_OVERFLOW = error('ERR increment or decrement would overflow');
export const ERR_NAN_OR_INFINITY = error('ERR increment would produce NaN or Infinity');
export const ERR_NOAUTH = error('NOAUTH Authentication required.');
export const ERR_WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');
export const ERR_NO_PASSWORD = error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
export const ERR_STRING_TOO_LONG = error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
export const ERR_OFFSET_RANGE = error('ERR offset is out of range');
export const ERR_NO_SUCH_KEY = error('ERR no such key');
export const ERR_DB_INDEX = error('ERR DB index is out of range');
export const ERR_SELECT_UNSUPPORTED = error('ERR SELECT is not allowed in active-active mode: only database 0 exists');
export const ERR_MULTI_NESTED = error('ERR MULTI calls can not be nested');
export const ERR_EXEC_WITHOUT_MULTI = error('ERR EXEC without MULTI');
export const ERR_DISCARD_WITHOUT_MULTI = error('ERR DISCARD without MULTI');
export const ERR_WATCH_IN_MULTI = error('ERR WATCH inside MULTI is not allowed');
export const ERR_EXECABORT = error('EXECABORT Transaction discarded because of previous errors.');
export const ERR_READONLY_DRAINING = error('READONLY This replica is draining (leaving the cluster): send writes to another replica');
export const ERR_TIMEOUT_NEGATIVE = error('ERR timeout is negative');
export const ERR_TIMEOUT_INVALID = error('ERR timeout is not an integer or out of range');

/** Redis quotes and truncates user bytes in error texts, replacing CR/LF with spaces. */
export function sanitize(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

export function unknownCommand(name: string, args: readonly Buffer[]): Reply {
  let list = '';
  for (let i = 1; i < args.length && list.length < 128; i++) {
    const arg = args[i];
    if (arg === undefined) break;
    list += `'${arg.toString('latin1').slice(0, 128 - list.length)}' `;
  }
  return error(sanitize(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${list}`));
}

export function wrongArity(fullName: string): Reply {
  return error(`ERR wrong number of arguments for '${fullName}' command`);
}

export function unknownSubcommand(sub: string, container: string): Reply {
  return error(sanitize(`ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`));
}

export function invalidExpire(command: string): Reply {
  return error(`ERR invalid expire time in '${command}' command`);
}
