/**
 * On-disk layout of op log segments. All integers little-endian.
 *
 *   segment header (24 bytes): magic "RCRDTLOG" | u32 version | u64 first LSN | u32 crc32c(bytes 0..20)
 *   frame:                     u32 payload length | u32 crc32c(payload) | payload
 *
 * A segment is named `<first LSN, 20 digits>.seg` so a directory listing sorts in LSN order;
 * the LSN of a record is implicit: first LSN + its index in the segment.
 * Zero-length payloads are forbidden so that a zero-filled tail (what some file systems
 * show after a crash with delayed allocation) can never parse as valid frames.
 */
import { crc32c } from './crc32c.js';

export const SEGMENT_MAGIC = Buffer.from('RCRDTLOG', 'latin1');
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_SIZE = 24;
export const FRAME_HEADER_SIZE = 8;
/** Largest record accepted: Redis's proto-max-bulk-len (512 MiB) plus room for framing. */
export const MAX_RECORD_SIZE = 512 * 1024 * 1024 + 64 * 1024;

const NAME_RE = /^(\d{20})\.seg$/;

/** `00000000000000000001.seg` for LSN 1. */
export function segmentFileName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.seg`;
}

/** The first LSN encoded in a segment's file name, or null if it is not a segment name. */
export function parseSegmentFileName(name: string): number | null {
  const m = NAME_RE.exec(name);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export function encodeSegmentHeader(firstLsn: number): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_SIZE);
  SEGMENT_MAGIC.copy(b, 0);
  b.writeUInt32LE(SEGMENT_VERSION, 8);
  b.writeBigUInt64LE(BigInt(firstLsn), 12);
  b.writeUInt32LE(crc32c(b.subarray(0, 20)), 20);
  return b;
}

export type HeaderResult = { kind: 'ok'; firstLsn: number } | { kind: 'bad'; reason: string };

export function decodeSegmentHeader(b: Buffer): HeaderResult {
  if (b.length < SEGMENT_HEADER_SIZE) return { kind: 'bad', reason: `header is ${b.length} bytes, expected ${SEGMENT_HEADER_SIZE}` };
  if (!b.subarray(0, 8).equals(SEGMENT_MAGIC)) return { kind: 'bad', reason: 'not an op log segment (bad magic)' };
  if (b.readUInt32LE(20) !== crc32c(b.subarray(0, 20))) return { kind: 'bad', reason: 'segment header checksum mismatch' };
  const version = b.readUInt32LE(8);
  if (version !== SEGMENT_VERSION) return { kind: 'bad', reason: `unsupported segment version ${version} (this build reads ${SEGMENT_VERSION})` };
  return { kind: 'ok', firstLsn: Number(b.readBigUInt64LE(12)) };
}

/** Bytes a record occupies on disk. */
export function frameSize(record: Buffer): number {
  return FRAME_HEADER_SIZE + record.length;
}

/** Records below this size are copied into one contiguous buffer; larger ones go as their own iovec. */
const COPY_LIMIT = 4096;

/**
 * Frames `records[from..to)` into a list of buffers for one `writev`. Small records are
 * packed together (copying 100 bytes is cheaper than an iovec entry each); large ones are
 * referenced, not copied.
 */
export function encodeFrames(records: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let packSize = 0;
  for (let i = from; i < to; i++) {
    const len = records[i]!.length;
    packSize += FRAME_HEADER_SIZE + (len < COPY_LIMIT ? len : 0);
  }
  const pack = Buffer.allocUnsafe(packSize);
  let packStart = 0;
  let pos = 0;
  for (let i = from; i < to; i++) {
    const r = records[i]!;
    pack.writeUInt32LE(r.length, pos);
    pack.writeUInt32LE(crc32c(r), pos + 4);
    pos += FRAME_HEADER_SIZE;
    if (r.length < COPY_LIMIT) {
      r.copy(pack, pos);
      pos += r.length;
    } else {
      out.push(pack.subarray(packStart, pos), r);
      packStart = pos;
    }
  }
  if (pos > packStart) out.push(pack.subarray(packStart, pos));
  return out;
}
