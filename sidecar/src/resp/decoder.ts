import { splitInline } from './inline.js';
import { DEFAULT_LIMITS, type RequestLimits } from './limits.js';
import { PROTOCOL_ERRORS, expectedDollar, type ProtocolError } from './protocol-errors.js';
import { parseRedisInt } from './redis-int.js';

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const EMPTY = Buffer.alloc(0);
/**
 * Bytes charged to the query buffer limit per argument on top of its length:
 * each one is a Buffer object, so `*2147483647` followed by empty bulks must not
 * grow the argument list forever without reaching the limit.
 */
const ARG_OVERHEAD = 32;
/**
 * Arguments are sliced, not copied, out of backing stores this small: keeping
 * at most this many bytes alive per argument is cheaper than a copy (a `-P 1`
 * read is one command of a few dozen bytes).
 */
const SHARE_SMALL = 512;
/** Smallest buffer allocated when a partial request must be kept across reads. */
const MIN_GROW = 1024;

/**
 * Incremental decoder of client requests (RESP multibulk and inline), following
 * Redis 7.0's processInputBuffer / processMultibulkBuffer / processInlineBuffer
 * (`src/networking.c`) byte for byte, including its errors and limits.
 *
 * Feed bytes with `push`, then call `next` until it returns null: each call yields
 * one command's arguments. Pulling (rather than a callback per command) lets the
 * connection stop between commands when one blocks and resume later. When `next`
 * returns null and `error` is set, the stream is unusable: send `error.reply` (if
 * any) and close, as Redis's setProtocolError does.
 *
 * Arguments are Buffers. An argument that fills at least half of the memory it was
 * read into (or was read into a buffer of at most SHARE_SMALL bytes) is a zero-copy
 * slice; others are copied out so that a short key never keeps a large read buffer
 * alive.
 */
export class RequestDecoder {
  /** Apply Redis's limits for clients that must authenticate first (authRequired). */
  unauthenticated = false;
  /** Set once the stream broke a protocol rule; nothing more is decoded. */
  error: ProtocolError | null = null;

  private buf: Buffer = EMPTY;
  /** Bytes a slice of `buf` keeps alive (its backing store; read once per buffer). */
  private retained = 0;
  private pos = 0;
  private end = 0;
  /** Bytes after `pos` already searched for the pending line end. */
  private scanned = 0;
  /** Bulks still expected in the current multibulk request. */
  private argsLeft = 0;
  private args: Buffer[] = [];
  private argBytes = 0;
  /** Length of the bulk whose header was read, or -1. */
  private bulkLen = -1;

  constructor(private readonly limits: RequestLimits = DEFAULT_LIMITS) {}

  /** Request bytes held: unparsed input plus arguments of the incomplete command. */
  get bufferedBytes(): number {
    return this.end - this.pos + this.argBytes;
  }

  /** True when part of a command has been received but not all of it. */
  get midRequest(): boolean {
    return this.argsLeft > 0 || this.end > this.pos;
  }

  /** Appends received bytes. Closes the stream (no reply) past `maxQueryBuffer`. */
  push(chunk: Buffer): void {
    if (this.error !== null || chunk.length === 0) return;
    if (this.pos === this.end) {
      // Nothing pending: adopt the chunk without copying (the common, pipelined case).
      this.buf = chunk;
      this.retained = chunk.buffer.byteLength;
      this.pos = 0;
      this.end = chunk.length;
      this.scanned = 0;
    } else if (this.end + chunk.length <= this.buf.length) {
      copyInto(chunk, 0, chunk.length, this.buf, this.end);
      this.end += chunk.length;
    } else {
      this.grow(chunk);
    }
    // readQueryFromClient: "Closing client that reached max query buffer length".
    if (this.bufferedBytes > this.limits.maxQueryBuffer) {
      this.error = { reply: null, reason: 'max query buffer length reached' };
    }
  }

  /** The next complete command's arguments, or null (need more bytes, or `error`). */
  next(): Buffer[] | null {
    while (this.error === null) {
      if (this.argsLeft === 0) {
        if (this.pos >= this.end) return null;
        if (this.buf[this.pos] !== STAR) {
          const inline = this.readInline();
          if (inline === null) return null;
          if (inline.length > 0) return inline;
          continue; // an empty line is skipped, like Redis's argc == 0
        }
        if (!this.readCount()) return null;
        if (this.argsLeft === 0) continue; // `*0` and `*-1` are skipped too
      }
      if (!this.readBulks()) return null;
      const args = this.args;
      this.args = [];
      this.argBytes = 0;
      return args;
    }
    return null;
  }

  /** Inline command: one line up to `\n` (a `\r` before it is dropped). */
  private readInline(): Buffer[] | null {
    const nl = this.find(LF);
    if (nl < 0) {
      if (this.end - this.pos > this.limits.maxInlineSize) this.fail(PROTOCOL_ERRORS.tooBigInline);
      return null;
    }
    const lineEnd = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const args = splitInline(this.buf, this.pos, lineEnd);
    this.advance(nl + 1);
    if (args === null) this.fail(PROTOCOL_ERRORS.unbalancedQuotes);
    return args;
  }

  /** `*<count>\r\n`; sets argsLeft. */
  private readCount(): boolean {
    let n = this.quickLength();
    if (n < 0) {
      const cr = this.findLine(PROTOCOL_ERRORS.tooBigMbulkCount);
      if (cr < 0) return false;
      const parsed = parseRedisInt(this.buf, this.pos + 1, cr);
      if (parsed === null) return this.fail(PROTOCOL_ERRORS.invalidMultibulkLength);
      n = parsed;
      this.advance(cr);
    }
    if (n > this.limits.maxMultibulkLen) return this.fail(PROTOCOL_ERRORS.invalidMultibulkLength);
    if (n > this.limits.unauthMultibulkLen && this.unauthenticated) {
      return this.fail(PROTOCOL_ERRORS.unauthMultibulkLength);
    }
    this.advance(this.pos + 2);
    this.argsLeft = n > 0 ? n : 0;
    return true;
  }

  /** Reads `$<len>\r\n<bytes>\r\n` until the multibulk is complete. */
  private readBulks(): boolean {
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0 && !this.readBulkHeader()) return false;
      // Redis skips the two bytes after the data without checking they are CRLF.
      if (this.end - this.pos < this.bulkLen + 2) return false;
      const start = this.pos;
      this.args.push(this.extract(start, start + this.bulkLen));
      this.argBytes += this.bulkLen + ARG_OVERHEAD;
      this.advance(start + this.bulkLen + 2);
      this.bulkLen = -1;
      this.argsLeft--;
    }
    return true;
  }

  private readBulkHeader(): boolean {
    const quick = this.buf[this.pos] === DOLLAR ? this.quickLength() : -1;
    if (quick >= 0) return this.acceptBulkLength(quick);
    const cr = this.findLine(PROTOCOL_ERRORS.tooBigBulkCount);
    if (cr < 0) return false;
    const first = this.buf[this.pos] ?? 0;
    if (first !== DOLLAR) return this.fail(expectedDollar(first));
    const n = parseRedisInt(this.buf, this.pos + 1, cr);
    if (n === null || n < 0) return this.fail(PROTOCOL_ERRORS.invalidBulkLength);
    this.advance(cr);
    return this.acceptBulkLength(n);
  }

  /** Checks a bulk length against the limits; `pos` is at the `\r` ending its line. */
  private acceptBulkLength(n: number): boolean {
    if (n > this.limits.maxBulkLen) return this.fail(PROTOCOL_ERRORS.invalidBulkLength);
    if (n > this.limits.unauthBulkLen && this.unauthenticated) {
      return this.fail(PROTOCOL_ERRORS.unauthBulkLength);
    }
    this.advance(this.pos + 2);
    this.bulkLen = n;
    return true;
  }

  /**
   * Fast path for the usual `<type>1234\r?` header: parses the digits while
   * looking for the `\r`, in one pass. Returns -1 (take the general path) for
   * anything else: a leading 0 or sign, over 15 digits, a missing byte after `\r`.
   * On success `pos` is left at the `\r`.
   */
  private quickLength(): number {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos + 1;
    const first = i < end ? (buf[i] ?? 0) : 0;
    if (first < 49 || first > 57) return -1;
    const stop = Math.min(end, i + 15);
    let n = 0;
    for (; i < stop; i++) {
      const c = buf[i] ?? 0;
      if (c < 48 || c > 57) break;
      n = n * 10 + c - 48;
    }
    if (i >= end - 1 || buf[i] !== CR) return -1;
    this.pos = i;
    return n;
  }

  /**
   * Index of the `\r` ending a count line, or -1 when incomplete (or too long:
   * `tooBig` is raised once more than PROTO_INLINE_MAX_SIZE bytes lack a `\r`).
   * Like Redis, a line is complete once one byte follows the `\r`.
   */
  private findLine(tooBig: string): number {
    const cr = this.find(CR);
    if (cr < 0) {
      if (this.end - this.pos > this.limits.maxInlineSize) this.fail(tooBig);
      return -1;
    }
    if (cr + 1 >= this.end) {
      this.scanned = cr - this.pos;
      return -1;
    }
    return cr;
  }

  /**
   * Finds `byte` in the unparsed input, resuming where the last search stopped.
   * Redis searches with strchr, which stops at a NUL byte: a NUL before the line
   * end stalls the request until the "too big" limit, and so does it here.
   */
  private find(byte: number): number {
    const buf = this.buf;
    for (let i = this.pos + this.scanned; i < this.end; i++) {
      const c = buf[i];
      if (c === byte) return i;
      if (c === 0) {
        this.scanned = i - this.pos;
        return -1;
      }
    }
    this.scanned = this.end - this.pos;
    return -1;
  }

  private advance(to: number): void {
    this.pos = to;
    this.scanned = 0;
  }

  private extract(start: number, end: number): Buffer {
    const len = end - start;
    const buf = this.buf;
    // A slice keeps its whole backing store alive (socket chunks have their own,
    // exactly sized): share it when that costs little, copy otherwise.
    const retained = this.retained;
    if (retained <= SHARE_SMALL || len * 2 >= retained) return buf.subarray(start, end);
    const out = Buffer.allocUnsafe(len);
    copyInto(buf, start, end, out, 0);
    return out;
  }

  /**
   * Keeps the unparsed tail plus `chunk` in a new buffer, doubling so appends are
   * amortised O(1), but never past the end of a bulk being awaited: a large value
   * then ends up filling its buffer exactly and is handed out without a copy.
   */
  private grow(chunk: Buffer): void {
    const have = this.end - this.pos;
    const need = have + chunk.length;
    let cap = Math.max(MIN_GROW, need * 2);
    if (this.bulkLen >= 0) cap = Math.max(need, Math.min(cap, this.bulkLen + 2));
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, this.pos, this.end);
    chunk.copy(next, have);
    this.buf = next;
    this.retained = next.buffer.byteLength;
    this.pos = 0;
    this.end = need;
  }

  private fail(reply: string): false {
    this.error = { reply, reason: reply.slice('ERR Protocol error: '.length) };
    return false;
  }
}

/**
 * Buffer#copy validates its arguments in JS on Node 20; for the short keys and
 * values of typical commands (and small reads) a plain loop is several times
 * cheaper (measured with bench/resp-decoder.ts).
 */
function copyInto(src: Buffer, start: number, end: number, dst: Buffer, at: number): void {
  const len = end - start;
  if (len > 64) {
    src.copy(dst, at, start, end);
    return;
  }
  for (let i = 0; i < len; i++) dst[at + i] = src[start + i] ?? 0;
}
