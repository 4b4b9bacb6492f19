import { OutputBuffer, type Chunks } from '../resp/output-buffer.js';

/**
 * Encodes commands for the mirror straight into one growing buffer as RESP arrays of
 * bulk strings, so a burst of write-behind commands becomes one socket write with no
 * per-command objects (the hot path DESIGN.md §1 wants off the client's write path).
 * Command heads (`*3\r\n$3\r\nSET\r\n`) are encoded once.
 */
export class CommandWriter {
  private readonly out = new OutputBuffer();
  /** Commands encoded since the last `take`. */
  commands = 0;

  get size(): number {
    return this.out.size;
  }

  /** Starts a command whose argument count is fixed: `head` comes from `commandHead`. */
  begin(head: Buffer): void {
    this.out.writeBytes(head);
    this.commands += 1;
  }

  /** Starts a command with `argc` arguments in all (the name included). */
  beginVariable(name: Buffer, argc: number): void {
    this.out.writeByte(STAR);
    this.out.writeUint(argc);
    this.out.writeCrlf();
    this.out.writeBytes(name);
    this.commands += 1;
  }

  /** A key or other latin1 string argument (keys are latin1 strings in the store). */
  latin1(text: string): void {
    this.out.writeByte(DOLLAR);
    this.out.writeUint(text.length);
    this.out.writeCrlf();
    this.out.writeLatin1(text);
    this.out.writeCrlf();
  }

  /** An argument encoded once in advance (`encodedArg('PXAT')`). */
  encoded(arg: Buffer): void {
    this.out.writeBytes(arg);
  }

  bytes(value: Buffer): void {
    this.out.writeByte(DOLLAR);
    this.out.writeUint(value.length);
    this.out.writeCrlf();
    this.out.writeBytes(value);
    this.out.writeCrlf();
  }

  /** An integer argument (ms timestamps, counts). */
  integer(value: number): void {
    this.latin1(value < 0 || !Number.isSafeInteger(value) ? String(Math.trunc(value)) : value.toString());
  }

  /** Encodes a whole command from strings/Buffers (cold paths: handshake, passthrough). */
  command(args: readonly (string | Buffer)[]): void {
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
