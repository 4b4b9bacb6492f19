import { OutputBuffer, type Chunks } from '../resp/output-buffer.js';

/**
 * Encodes commands for the mirror straight into one growing buffer as RESP arrays of
 * bulk strings, so a burst of write-behind commands becomes one socket write with no
 * per-command objects (the hot path DESIGN.md §1 wants off the client's write path).
 * Command heads (`*3\r\n$3\r\nSET\r\n`) are encoded once.
 */
export class CommandWriter {
  private readonly out = new OutputBuffer();
  /** Key/value pairs of the open MSET, encoded apart until its argument count is known. */
  private readonly pairs = new OutputBuffer();
  private pairCount = 0;
  /** Where latin1/bytes arguments go: `out`, or `pairs` while a pair is being written. */
  private target = this.out;
  /** Commands encoded since the last `take`. */
  commands = 0;

  get size(): number {
    return this.out.size + this.pairs.size;
  }

  /**
   * Starts a plain SET of a key (no expiry) as one pair of an MSET that runs until the next
   * other command or `take`: one command, one reply and one dispatch in the mirror for
   * all the keys a burst of writes touched, in the same order as separate SETs. Write the
   * key and the value next. Returns the commands it started: 1 when it opened an MSET.
   */
  beginPair(): number {
    if (this.pairCount > 0 && this.pairCount < MAX_PAIRS) {
      this.pairCount += 1;
      return 0;
    }
    this.closePairs();
    this.target = this.pairs;
    this.pairCount = 1;
    this.commands += 1;
    return 1;
  }

  private closePairs(): void {
    this.target = this.out;
    if (this.pairCount === 0) return;
    this.out.writeByte(STAR);
    this.out.writeUint(1 + 2 * this.pairCount);
    this.out.writeCrlf();
    this.out.writeBytes(MSET);
    this.pairCount = 0;
    const pairs = this.pairs.take();
    if (pairs === null) return;
    if (Buffer.isBuffer(pairs)) this.out.writeBytes(pairs);
    else for (const part of pairs) this.out.writeBytes(part);
  }

  /** Starts a command whose argument count is fixed: `head` comes from `commandHead`. */
  begin(head: Buffer): void {
    if (this.pairCount > 0) this.closePairs();
    this.out.writeBytes(head);
    this.commands += 1;
  }

  /** Starts a command with `argc` arguments in all (the name included). */
  beginVariable(name: Buffer, argc: number): void {
    if (this.pairCount > 0) this.closePairs();
    this.out.writeByte(STAR);
    this.out.writeUint(argc);
    this.out.writeCrlf();
    this.out.writeBytes(name);
    this.commands += 1;
  }

  /** A key or other latin1 string argument (keys are latin1 strings in the store). */
  latin1(text: string): void {
    const out = this.target;
    out.writeByte(DOLLAR);
    out.writeUint(text.length);
    out.writeCrlf();
    out.writeLatin1(text);
    out.writeCrlf();
  }

  /** An argument encoded once in advance (`encodedArg('PXAT')`). */
  encoded(arg: Buffer): void {
    this.target.writeBytes(arg);
  }

  bytes(value: Buffer): void {
    const out = this.target;
    out.writeByte(DOLLAR);
    out.writeUint(value.length);
    out.writeCrlf();
    out.writeBytes(value);
    out.writeCrlf();
  }

  /** An integer argument (ms timestamps, counts). */
  integer(value: number): void {
    this.latin1(value < 0 || !Number.isSafeInteger(value) ? String(Math.trunc(value)) : value.toString());
  }

  /** Encodes a whole command from strings/Buffers (cold paths: handshake, passthrough). */
  command(args: readonly (string | Buffer)[]): void {
    if (this.pairCount > 0) this.closePairs();
    this.out.writeByte(STAR);
    this.out.writeUint(args.length);
    this.out.writeCrlf();
    for (const arg of args) {
      if (typeof arg === 'string') this.latin1(arg);
      else this.bytes(arg);
    }
    this.commands += 1;
  }

  /** Hands out everything encoded since the last take (null when nothing). */
  take(): Chunks | null {
    if (this.pairCount > 0) this.closePairs();
    this.commands = 0;
    return this.out.take();
  }
}

/** The pre-encoded start of a command with `argc` arguments in all, e.g. `commandHead('SET', 3)`. */
export function commandHead(name: string, argc: number): Buffer {
  return Buffer.from(`*${argc}\r\n$${name.length}\r\n${name}\r\n`, 'latin1');
}

/** The pre-encoded name of a variable-length command, for `beginVariable`. */
export function commandName(name: string): Buffer {
  return Buffer.from(`$${name.length}\r\n${name}\r\n`, 'latin1');
}

/** A constant argument as a pre-encoded bulk string, for `encoded`. */
export function encodedArg(text: string): Buffer {
  return Buffer.from(`$${text.length}\r\n${text}\r\n`, 'latin1');
}

const STAR = 42;
const DOLLAR = 36;
const MSET = commandName('MSET');
/** Pairs per MSET: bounds the mirror's query buffer and argv per command. */
const MAX_PAIRS = 1024;
