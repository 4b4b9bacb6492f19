/**
 * A minimal protobuf wire writer for the op-encoding hot path (operation-encoder.ts):
 * one growable buffer reused across calls, varints of up to 2^53, and length-delimited
 * fields whose length is fixed up after their content is written (one byte is reserved;
 * a longer length shifts the content, which is rare and cheap for small messages).
 */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(4096);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer up to 2^53 (uint32/uint64/bool fields). */
  varint(value: number): void {
    this.ensure(10);
    let n = value;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  /** A field key: (field number << 3) | wire type. */
  tag(field: number, wireType: 0 | 1 | 2): void {
    this.varint(field * 8 + wireType);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Starts a length-delimited field's content; returns where, for `end`. */
  begin(): number {
    this.ensure(1);
    this.pos += 1;
    return this.pos;
  }

  /** Writes the length of the content started at `start` in front of it. */
  end(start: number): void {
    const length = this.pos - start;
    if (length < 0x80) {
      this.buf[start - 1] = length;
      return;
    }
    const size = varintSize(length);
    this.ensure(size - 1);
    this.buf.copyWithin(start - 1 + size, start, this.pos);
    const contentEnd = this.pos + size - 1;
    this.pos = start - 1;
    this.varint(length);
    this.pos = contentEnd;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A bytes field given as a latin1 string (keys: one byte per char). */
  latin1(value: string): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.pos += this.buf.write(value, this.pos, 'latin1');
  }

  /** A string field (UTF-8). */
  string(value: string): void {
    this.ensure(value.length * 3);
    const start = this.begin();
    this.pos += this.buf.write(value, this.pos, 'utf8');
    this.end(start);
  }

  /** Everything written since the last reset, as a new Buffer (the writer is reused). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let n = value; n >= 0x80; n = Math.floor(n / 0x80)) size += 1;
  return size;
}
