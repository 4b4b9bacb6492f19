/**
 * Protocol error replies, word for word as Redis 7.0 sends them
 * (`src/networking.c`: processInlineBuffer, processMultibulkBuffer; each is sent
 * through addReplyError, which prefixes `ERR `, and is followed by
 * setProtocolError, which closes the connection after the reply).
 */
export const PROTOCOL_ERRORS = {
  tooBigInline: 'ERR Protocol error: too big inline request',
  unbalancedQuotes: 'ERR Protocol error: unbalanced quotes in request',
  tooBigMbulkCount: 'ERR Protocol error: too big mbulk count string',
  invalidMultibulkLength: 'ERR Protocol error: invalid multibulk length',
  unauthMultibulkLength: 'ERR Protocol error: unauthenticated multibulk length',
  tooBigBulkCount: 'ERR Protocol error: too big bulk count string',
  invalidBulkLength: 'ERR Protocol error: invalid bulk length',
  unauthBulkLength: 'ERR Protocol error: unauthenticated bulk length',
} as const;

/**
 * `expected '$', got 'X'`. Redis formats the offending byte with `%c`, and
 * addReplyErrorFormat turns `\r` and `\n` into spaces so the reply stays one line.
 */
export function expectedDollar(byte: number): string {
  const shown = byte === 13 || byte === 10 ? ' ' : String.fromCharCode(byte);
  return `ERR Protocol error: expected '$', got '${shown}'`;
}

/**
 * Why the decoder stopped. `reply` is the error to send before closing, or null
 * when Redis closes without a reply (query buffer limit, as in readQueryFromClient).
 */
export interface ProtocolError {
  readonly reply: string | null;
  readonly reason: string;
}
