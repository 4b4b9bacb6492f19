import { storeValue, type StoredValue } from './rga-element.js';

/**
 * A tiny growable byte writer and its reader for the list snapshot codec: unsigned
 * varints (LEB128, 7 bits a byte) for any safe integer up to 2^53, length-prefixed
 * bytes and strings. Arithmetic instead of bit operators keeps 53-bit HLCs exact.
 */
export class ByteWriter {
  private buffer = Buffer.allocUnsafe(1024);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Cannot encode ${value} as a varint`);
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
    return this;
  }

  bytes(value: Buffer): this {
    this.uint(value.length);
    this.reserve(value.length);
    value.copy(this.buffer, this.length);
    this.length += value.length;
    return this;
  }

  string(value: string): this {
    return this.bytes(Buffer.from(value, 'utf8'));
  }

  /** A list value: its bytes, whether held as a Buffer or a latin1 string. */
  value(value: StoredValue): this {
    if (typeof value !== 'string') return this.bytes(value);
    this.uint(value.length);
    this.reserve(value.length);
    this.length += this.buffer.write(value, this.length, value.length, 'latin1');
    return this;
  }

  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.buffer[this.offset++];
      if (byte === undefined) throw new Error('Truncated list snapshot');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('Varint too long in list snapshot');
    }
  }

  bytes(): Buffer {
    const length = this.uint();
    if (this.offset + length > this.buffer.length) throw new Error('Truncated list snapshot');
    // A copy, so a decoded list does not pin the whole snapshot buffer.
    const out = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
    this.offset += length;
    return out;
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  /** A list value, held as storeValue would hold it. */
  value(): StoredValue {
    return storeValue(this.bytes());
  }

  done(): boolean {
    return this.offset >= this.buffer.length;
  }
}
