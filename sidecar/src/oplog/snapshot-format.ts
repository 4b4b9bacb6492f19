/**
 * Snapshot file layout. All integers little-endian.
 *
 *   header (24 bytes):  magic "RCRDTSNP" | u32 version | u64 covered LSN | u32 crc32c(bytes 0..20)
 *   chunk frames:       u32 length (> 0) | u32 crc32c(chunk) | chunk      (as in op log segments)
 *   trailer (24 bytes): u32 0 (end marker) | u32 crc32c(all chunk bytes) | u64 chunk count | u64 chunk bytes
 *
 * The file must end exactly after the trailer, so truncation anywhere is detected; the
 * total CRC and counts catch a trailer glued onto the wrong data.
 * Named `snapshot-<covered LSN, 20 digits>.snap`; written as `<name>.tmp` and renamed.
 */
import { crc32c } from './crc32c.js';

export const SNAPSHOT_MAGIC = Buffer.from('RCRDTSNP', 'latin1');
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_HEADER_SIZE = 24;
export const SNAPSHOT_TRAILER_SIZE = 24;
/** Largest chunk; callers split bigger state into several chunks. */
export const MAX_CHUNK_SIZE = 1024 * 1024 * 1024;
export const TEMP_SUFFIX = '.tmp';

const NAME_RE = /^snapshot-(\d{20})\.snap$/;

export function snapshotFileName(lsn: number): string {
  return `snapshot-${String(lsn).padStart(20, '0')}.snap`;
}

export function parseSnapshotFileName(name: string): number | null {
  const m = NAME_RE.exec(name);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export function encodeSnapshotHeader(lsn: number): Buffer {
  const b = Buffer.alloc(SNAPSHOT_HEADER_SIZE);
  SNAPSHOT_MAGIC.copy(b, 0);
  b.writeUInt32LE(SNAPSHOT_VERSION, 8);
  b.writeBigUInt64LE(BigInt(lsn), 12);
  b.writeUInt32LE(crc32c(b.subarray(0, 20)), 20);
  return b;
}

/** The covered LSN, or a reason the header is not a valid snapshot header. */
export function decodeSnapshotHeader(b: Buffer): { kind: 'ok'; lsn: number } | { kind: 'bad'; reason: string } {
  if (b.length < SNAPSHOT_HEADER_SIZE) return { kind: 'bad', reason: 'file shorter than the snapshot header' };
  if (!b.subarray(0, 8).equals(SNAPSHOT_MAGIC)) return { kind: 'bad', reason: 'not a snapshot file (bad magic)' };
  if (b.readUInt32LE(20) !== crc32c(b.subarray(0, 20))) return { kind: 'bad', reason: 'snapshot header checksum mismatch' };
  const version = b.readUInt32LE(8);
  if (version !== SNAPSHOT_VERSION) return { kind: 'bad', reason: `unsupported snapshot version ${version}` };
  return { kind: 'ok', lsn: Number(b.readBigUInt64LE(12)) };
}

export interface Trailer {
  crc: number;
  chunks: number;
  bytes: number;
}

export function encodeSnapshotTrailer(t: Trailer): Buffer {
  const b = Buffer.alloc(SNAPSHOT_TRAILER_SIZE);
  b.writeUInt32LE(0, 0);
  b.writeUInt32LE(t.crc, 4);
  b.writeBigUInt64LE(BigInt(t.chunks), 8);
  b.writeBigUInt64LE(BigInt(t.bytes), 16);
  return b;
}

export function decodeSnapshotTrailer(b: Buffer): Trailer {
  return { crc: b.readUInt32LE(4), chunks: Number(b.readBigUInt64LE(8)), bytes: Number(b.readBigUInt64LE(16)) };
}
