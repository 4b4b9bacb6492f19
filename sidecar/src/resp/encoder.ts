import type { OutputBuffer } from './output-buffer.js';
import type { Reply } from './reply.js';

export type Protocol = 2 | 3;

/** Replies so common that their bytes are encoded once (`shared.*` in Redis's server.c). */
const CONST = {
  ok: Buffer.from('+OK\r\n', 'latin1'),
  pong: Buffer.from('+PONG\r\n', 'latin1'),
  queued: Buffer.from('+QUEUED\r\n', 'latin1'),
  nullBulk: Buffer.from('$-1\r\n', 'latin1'),
  nullArray: Buffer.from('*-1\r\n', 'latin1'),
  null3: Buffer.from('_\r\n', 'latin1'),
  zero: Buffer.from(':0\r\n', 'latin1'),
  one: Buffer.from(':1\r\n', 'latin1'),
  emptyArray: Buffer.from('*0\r\n', 'latin1'),
  true3: Buffer.from('#t\r\n', 'latin1'),
  false3: Buffer.from('#f\r\n', 'latin1'),
} as const;

/**
 * Appends `reply` to `out` in RESP2 or RESP3. RESP2 folds the RESP3-only types the
 * way Redis 7.0 does (`src/networking.c`: addReplyMapLen, addReplyDouble,
 * addReplyBool, addReplyNull, addReplyVerbatim, addReplyPushLen).
 */
export function encodeReply(out: OutputBuffer, reply: Reply, proto: Protocol): void {
  switch (reply.kind) {
    case 'simple': return encodeSimple(out, reply.value);
    case 'error': return encodeLine(out, 45, reply.message);
    case 'integer': return encodeInteger(out, reply.value);
    case 'bulk': return encodeBulk(out, reply.value);
    case 'null': return out.writeBytes(proto === 3 ? CONST.null3 : CONST.nullBulk);
    case 'nullArray': return out.writeBytes(proto === 3 ? CONST.null3 : CONST.nullArray);
    case 'array': return encodeItems(out, 42, reply.items, proto);
    case 'set': return encodeItems(out, proto === 3 ? 126 : 42, reply.items, proto);
    case 'push': return encodeItems(out, proto === 3 ? 62 : 42, reply.items, proto);
    case 'map': return encodeMap(out, reply.entries, proto);
    case 'double': return proto === 3 ? encodeLine(out, 44, reply.text) : encodeBulk(out, reply.text);
    case 'boolean': return encodeBoolean(out, reply.value, proto);
    case 'verbatim': return encodeVerbatim(out, reply.format, reply.value, proto);
    case 'raw': return out.writeBytes(reply.bytes);
  }
}

function encodeSimple(out: OutputBuffer, value: string): void {
  if (value === 'OK') return out.writeBytes(CONST.ok);
  if (value === 'PONG') return out.writeBytes(CONST.pong);
  if (value === 'QUEUED') return out.writeBytes(CONST.queued);
  encodeLine(out, 43, value);
}

/**
 * `<type><text>\r\n`. Like addReplyErrorLength / addReplyStatusLength's callers,
 * `\r` and `\n` become spaces so a reply can never break the framing.
 */
function encodeLine(out: OutputBuffer, type: number, text: string): void {
  const safe = text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, ' ') : text;
  out.writeByte(type);
  out.writeLatin1(safe);
  out.writeCrlf();
}

/** RESP3 big numbers are sent as integers too (`:`), which every client accepts. */
function encodeInteger(out: OutputBuffer, value: number | bigint): void {
  if (value === 0) return out.writeBytes(CONST.zero);
  if (value === 1) return out.writeBytes(CONST.one);
  out.writeByte(58);
  if (typeof value === 'number' && value > 0 && Number.isSafeInteger(value)) out.writeUint(value);
  else out.writeLatin1(typeof value === 'number' ? Math.trunc(value).toString() : value.toString());
  out.writeCrlf();
}

function encodeBulk(out: OutputBuffer, value: Buffer | string): void {
  out.writeByte(36);
  out.writeUint(value.length);
  out.writeCrlf();
  if (typeof value === 'string') out.writeLatin1(value);
  else out.writeBytes(value);
  out.writeCrlf();
}

function encodeHeader(out: OutputBuffer, type: number, count: number): void {
  if (type === 42 && count === 0) return out.writeBytes(CONST.emptyArray);
  out.writeByte(type);
  out.writeUint(count);
  out.writeCrlf();
}

function encodeItems(out: OutputBuffer, type: number, items: readonly Reply[], proto: Protocol): void {
  encodeHeader(out, type, items.length);
  for (const item of items) encodeReply(out, item, proto);
}

function encodeMap(out: OutputBuffer, entries: readonly (readonly [Reply, Reply])[], proto: Protocol): void {
  if (proto === 3) encodeHeader(out, 37, entries.length);
  else encodeHeader(out, 42, entries.length * 2);
  for (const [k, v] of entries) {
    encodeReply(out, k, proto);
    encodeReply(out, v, proto);
  }
}

function encodeBoolean(out: OutputBuffer, value: boolean, proto: Protocol): void {
  if (proto === 3) out.writeBytes(value ? CONST.true3 : CONST.false3);
  else out.writeBytes(value ? CONST.one : CONST.zero);
}

/** RESP3 `=<len>\r\n<fmt>:<text>\r\n`, e.g. INFO and CLIENT LIST; RESP2 plain bulk. */
function encodeVerbatim(out: OutputBuffer, format: string, value: string, proto: Protocol): void {
  if (proto === 2) return encodeBulk(out, value);
  out.writeByte(61);
  out.writeUint(value.length + 4);
  out.writeCrlf();
  out.writeLatin1(format.slice(0, 3).padEnd(3, ' '));
  out.writeByte(58);
  out.writeLatin1(value);
  out.writeCrlf();
}
