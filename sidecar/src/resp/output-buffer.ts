/** Where an OutputBuffer's bytes go: a `net.Socket` fits. */
export interface ByteSink {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

/** A batch of encoded replies ready to be written, in order. */
export type Chunks = Buffer | Buffer[];

const SLAB_SIZE = 64 * 1024;
/** Bulk values at least this large are queued by reference instead of copied. */
const BIG_VALUE = 16 * 1024;

/**
 * A growable per-connection buffer that replies are encoded into, so a pipelined
 * batch becomes one Buffer (one `socket.write`) without a Buffer.concat per reply.
 *
 * Replies are written into a slab; `take()` hands out the bytes written since the
 * last take as a slice and keeps filling the rest of the slab, so small batches
 * share one allocation. Large values are passed by reference (no copy); a batch
 * that holds one is returned as several Buffers, to be written under cork().
 */
export class OutputBuffer {
  private slab: Buffer = Buffer.allocUnsafe(SLAB_SIZE);
  private start = 0;
  private len = 0;
  private parts: Buffer[] | null = null;

  /** Bytes pending (not yet taken). */
  get size(): number {
    let n = this.len - this.start;
    if (this.parts !== null) for (const p of this.parts) n += p.length;
    return n;
  }

  /** Makes room for `n` more bytes in the slab. */
  ensure(n: number): void {
    if (this.len + n <= this.slab.length) return;
    const used = this.len - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_SIZE, (used + n) * 2));
    this.slab.copy(next, 0, this.start, this.len);
    this.slab = next;
    this.start = 0;
    this.len = used;
  }

  /** Writes a JS string as latin1 (one byte per char). */
  writeLatin1(s: string): void {
    this.ensure(s.length);
    this.len += this.slab.write(s, this.len, 'latin1');
  }

  writeBytes(b: Buffer): void {
    if (b.length >= BIG_VALUE) {
      this.cut();
      (this.parts ??= []).push(b);
      return;
    }
    this.ensure(b.length);
    this.len += b.copy(this.slab, this.len);
  }

  writeByte(c: number): void {
    this.ensure(1);
    this.slab[this.len++] = c;
  }

  /** Writes a non-negative safe integer in decimal without building a string. */
  writeUint(n: number): void {
    this.ensure(16);
    if (n < 10) {
      this.slab[this.len++] = 48 + n;
      return;
    }
    let digits = 0;
    for (let v = n; v >= 1; v = Math.floor(v / 10)) digits++;
    let i = this.len + digits;
    this.len = i;
    for (let v = n; v >= 1; v = Math.floor(v / 10)) this.slab[--i] = 48 + (v % 10);
  }

  writeCrlf(): void {
    this.ensure(2);
    this.slab[this.len++] = 13;
    this.slab[this.len++] = 10;
  }

  /** Removes and returns everything written since the last take, or null if nothing. */
  take(): Chunks | null {
    if (this.parts === null) {
      if (this.len === this.start) return null;
      const out = this.slab.subarray(this.start, this.len);
      this.start = this.len;
      return out;
    }
    this.cut();
    const parts = this.parts;
    this.parts = null;
    return parts;
  }

  /** Moves the slab's pending bytes into `parts` so a referenced Buffer can follow. */
  private cut(): void {
    if (this.len === this.start) return;
    (this.parts ??= []).push(this.slab.subarray(this.start, this.len));
    this.start = this.len;
  }
}

/** Writes a batch; returns false when the sink asks to wait for `drain`. */
export function writeChunks(sink: ByteSink, chunks: Chunks): boolean {
  if (Buffer.isBuffer(chunks)) return sink.write(chunks);
  let ok = true;
  sink.cork();
  for (const c of chunks) ok = sink.write(c) && ok;
  sink.uncork();
  return ok;
}

/** Number of bytes in a batch. */
export function chunksLength(chunks: Chunks): number {
  if (Buffer.isBuffer(chunks)) return chunks.length;
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}
