/**
 * Streaming reader of length-prefixed, CRC-checked frames (the layout in segment-format.ts
 * and snapshot-format.ts). Reads in 1 MiB windows so a 64 MiB segment or a multi-GB
 * snapshot never has to fit in memory.
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32c } from './crc32c.js';
import { FRAME_HEADER_SIZE } from './segment-format.js';

const WINDOW = 1024 * 1024;

/** Why scanning stopped: clean end of data, or the first frame that is not valid. */
export type ScanStop = { kind: 'end' } | { kind: 'bad'; offset: number; reason: string };

export interface ScanResult {
  /** Offset just past the last valid frame. */
  end: number;
  /** Number of valid frames read. */
  count: number;
  stop: ScanStop;
}

/**
 * A payload view may share memory with neighbouring frames (a fresh window buffer is
 * allocated per read, never reused, so views stay valid); copy it if you keep many.
 * Return false from onFrame to stop early.
 */
export type OnFrame = (payload: Buffer, offset: number) => boolean | void;

export interface ScanOptions {
  start: number;
  /** Scan up to this offset (file size); bytes beyond are ignored. */
  limit: number;
  maxFrame: number;
  /** A frame this long is the end-of-data marker, not a record (snapshots use 0). */
  allowZeroLength?: boolean;
}

export type Step =
  | { kind: 'frame'; payload: Buffer; offset: number }
  | { kind: 'more' }
  | { kind: 'end' }
  | { kind: 'bad'; offset: number; reason: string };

/**
 * Parses frames from a file through a read window. `step()` is synchronous and answers
 * `more` when the window must be refilled with `fill()`; so a caller pays an await only
 * once per window, not once per record.
 */
export class FrameReader {
  pos: number;
  count = 0;
  private buf = Buffer.alloc(0);
  private bufStart: number; // file offset of buf[0]
  private need = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly opts: ScanOptions,
  ) {
    this.pos = opts.start;
    this.bufStart = opts.start;
  }

  step(): Step {
    const { pos, opts } = this;
    if (pos >= opts.limit) return { kind: 'end' };
    if (opts.limit - pos < FRAME_HEADER_SIZE) return this.bad(`incomplete frame header (${opts.limit - pos} bytes)`);
    const at = pos - this.bufStart;
    const have = this.buf.length - at;
    if (have < FRAME_HEADER_SIZE) return this.more(FRAME_HEADER_SIZE);
    const len = this.buf.readUInt32LE(at);
    if (len === 0 && opts.allowZeroLength) return { kind: 'end' };
    if (len === 0 || len > opts.maxFrame) return this.bad(`invalid frame length ${len}`);
    if (pos + FRAME_HEADER_SIZE + len > opts.limit) return this.bad(`frame of ${len} bytes extends past the end of the file`);
    if (have < FRAME_HEADER_SIZE + len) return this.more(FRAME_HEADER_SIZE + len);
    const p = at + FRAME_HEADER_SIZE;
    const payload = this.buf.subarray(p, p + len);
    if (crc32c(payload) !== this.buf.readUInt32LE(at + 4)) return this.bad('frame checksum mismatch');
    this.count++;
    this.pos += FRAME_HEADER_SIZE + len;
    return { kind: 'frame', payload, offset: pos };
  }

  /** Refills the window after step() said `more`. A fresh buffer each time keeps earlier payload views valid. */
  async fill(): Promise<void> {
    const { pos } = this;
    const at = pos - this.bufStart;
    const have = Math.max(0, this.buf.length - at);
    const next = Buffer.allocUnsafe(Math.max(this.need, Math.min(WINDOW, this.opts.limit - pos)));
    if (have > 0) this.buf.copy(next, 0, at);
    let filled = have;
    while (filled < next.length) {
      const { bytesRead } = await this.fh.read(next, filled, next.length - filled, pos + filled);
      if (bytesRead === 0) throw new Error(`File shrank while reading at offset ${pos + filled}`);
      filled += bytesRead;
    }
    this.buf = next;
    this.bufStart = pos;
  }

  private more(need: number): Step {
    this.need = need;
    return { kind: 'more' };
  }

  private bad(reason: string): Step {
    return { kind: 'bad', offset: this.pos, reason };
  }
}

/** Reads frames from opts.start until the end, a bad frame, or onFrame returning false. */
export async function scanFrames(fh: FileHandle, opts: ScanOptions, onFrame: OnFrame): Promise<ScanResult> {
  const r = new FrameReader(fh, opts);
  for (;;) {
    const s = r.step();
    switch (s.kind) {
      case 'more':
        await r.fill();
        break;
      case 'frame':
        if (onFrame(s.payload, s.offset) === false) return { end: r.pos, count: r.count, stop: { kind: 'end' } };
        break;
      case 'end':
        return { end: r.pos, count: r.count, stop: { kind: 'end' } };
      case 'bad':
        return { end: r.pos, count: r.count, stop: s };
    }
  }
}

/**
 * The offset of the first valid frame starting after `from`, or -1. Used to tell a torn
 * tail (nothing valid follows, safe to cut) from corruption in the middle (valid frames
 * follow, must not be cut). Tries every byte offset: a random match needs a plausible
 * length and a 32-bit CRC hit, so false positives are ~2^-32 per candidate.
 */
export async function findValidFrameAfter(fh: FileHandle, from: number, limit: number, maxFrame: number): Promise<number> {
  const rest = Buffer.allocUnsafe(Math.max(0, limit - from));
  let filled = 0;
  while (filled < rest.length) {
    const { bytesRead } = await fh.read(rest, filled, rest.length - filled, from + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  for (let i = 1; i + FRAME_HEADER_SIZE <= filled; i++) {
    const len = rest.readUInt32LE(i);
    if (len === 0 || len > maxFrame || i + FRAME_HEADER_SIZE + len > filled) continue;
    const p = i + FRAME_HEADER_SIZE;
    if (crc32c(rest.subarray(p, p + len)) === rest.readUInt32LE(i + 4)) return from + i;
  }
  return -1;
}
