/**
 * A reply value, independent of the protocol version it will be encoded in.
 *
 * Handlers build these; the encoder turns them into RESP2 or RESP3 bytes for the
 * connection's negotiated protocol (RESP2 folds maps into flat arrays, doubles into
 * bulk strings, booleans into integers, push into arrays, as Redis does).
 *
 * Every JS string that reaches the wire is encoded as latin1 (one byte per char),
 * so binary keys kept as latin1 strings round-trip exactly.
 */
export type Reply =
  | { readonly kind: 'simple'; readonly value: string }
  /** `message` is the full error text including its code, e.g. `ERR syntax error`. */
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'integer'; readonly value: number | bigint }
  | { readonly kind: 'bulk'; readonly value: Buffer | string }
  /** RESP2 `$-1`, RESP3 `_`. */
  | { readonly kind: 'null' }
  /** RESP2 `*-1`, RESP3 `_`. */
  | { readonly kind: 'nullArray' }
  | { readonly kind: 'array'; readonly items: readonly Reply[] }
  /** RESP3 `%`; RESP2 a flat array of key, value, key, value. */
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Reply, Reply])[] }
  /** RESP3 `~`; RESP2 an array. */
  | { readonly kind: 'set'; readonly items: readonly Reply[] }
  /** RESP3 `,`; RESP2 a bulk string of `text`. */
  | { readonly kind: 'double'; readonly value: number; readonly text: string }
  /** RESP3 `#`; RESP2 the integer 1 or 0. */
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** RESP3 `=` with a 3-letter format; RESP2 a bulk string. */
  | { readonly kind: 'verbatim'; readonly format: string; readonly value: string }
  /** RESP3 `>` (out-of-band, pub/sub); RESP2 an array. */
  | { readonly kind: 'push'; readonly items: readonly Reply[] }
  /**
   * Bytes already encoded in the connection's protocol, written unchanged: replies the
   * local Redis mirror gave to a read passthrough are relayed byte-exact.
   */
  | { readonly kind: 'raw'; readonly bytes: Buffer };

export const OK: Reply = { kind: 'simple', value: 'OK' };
export const QUEUED: Reply = { kind: 'simple', value: 'QUEUED' };
export const PONG: Reply = { kind: 'simple', value: 'PONG' };
export const NULL: Reply = { kind: 'null' };
export const NULL_ARRAY: Reply = { kind: 'nullArray' };
export const EMPTY_ARRAY: Reply = { kind: 'array', items: [] };
export const ZERO: Reply = { kind: 'integer', value: 0 };
export const ONE: Reply = { kind: 'integer', value: 1 };

export const simple = (value: string): Reply => ({ kind: 'simple', value });
export const error = (message: string): Reply => ({ kind: 'error', message });
export const integer = (value: number | bigint): Reply => ({ kind: 'integer', value });
export const bulk = (value: Buffer | string): Reply => ({ kind: 'bulk', value });
export const array = (items: readonly Reply[]): Reply => ({ kind: 'array', items });
export const bulkOrNull = (value: Buffer | string | undefined | null): Reply =>
  value === undefined || value === null ? NULL : { kind: 'bulk', value };
