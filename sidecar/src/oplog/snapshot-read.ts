/**
 * Finding and streaming the newest valid snapshot. Each candidate, newest first, is
 * verified end to end (every chunk CRC, trailer, total CRC, exact file length) before it
 * is chosen, so a damaged newest snapshot falls back to the previous one instead of failing
 * half-way through loading. The chosen file is then streamed again, chunk by chunk, and
 * re-verified, since loading must not trust bytes it has not checked.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from './crc32c.js';
import { SnapshotCorruptionError } from './errors.js';
import { FrameReader } from './frame-scan.js';
import type { OpLogLogger } from './logger.js';
import { silentLogger } from './logger.js';
import {
  MAX_CHUNK_SIZE,
  SNAPSHOT_HEADER_SIZE,
  SNAPSHOT_TRAILER_SIZE,
  TEMP_SUFFIX,
  decodeSnapshotHeader,
  decodeSnapshotTrailer,
  parseSnapshotFileName,
} from './snapshot-format.js';

export interface SnapshotFile {
  path: string;
  /** The last LSN whose effect the snapshot contains; replay the op log after it. */
  lsn: number;
  /** File size in bytes. */
  bytes: number;
  /** Streams the chunks in the order written; throws SnapshotCorruptionError if the file changed since it was verified. */
  chunks(): AsyncIterable<Buffer>;
}

/** The newest snapshot in `dir` that verifies, or null if there is none (or no dir). */
export async function readLatestSnapshot(dir: string, opts: { logger?: OpLogLogger } = {}): Promise<SnapshotFile | null> {
  const logger = opts.logger ?? silentLogger;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  for (const name of names) {
    if (name.startsWith('snapshot-') && name.endsWith(TEMP_SUFFIX)) logger.warn('Ignoring incomplete snapshot temp file', { file: join(dir, name) });
  }
  const snaps = names
    .map((name) => ({ path: join(dir, name), lsn: parseSnapshotFileName(name) }))
    .filter((e): e is { path: string; lsn: number } => e.lsn !== null)
    .sort((a, b) => b.lsn - a.lsn);
  for (const { path, lsn } of snaps) {
    const fh = await open(path, 'r');
    try {
      const bytes = (await fh.stat()).size;
      const err = await verify(fh, path, lsn, bytes);
      if (!err) return { path, lsn, bytes, chunks: () => streamChunks(path, bytes) };
      logger.warn('Ignoring invalid snapshot, falling back to an older one', { file: path, offset: err.offset, reason: err.reason });
    } finally {
      await fh.close();
    }
  }
  return null;
}

/** Reads the whole file; returns the first problem, or null if it is a complete snapshot of `lsn`. */
async function verify(fh: FileHandle, path: string, lsn: number, size: number): Promise<SnapshotCorruptionError | null> {
  const head = Buffer.alloc(SNAPSHOT_HEADER_SIZE);
  await fh.read(head, 0, head.length, 0);
  const h = decodeSnapshotHeader(size < head.length ? head.subarray(0, size) : head);
  if (h.kind === 'bad') return new SnapshotCorruptionError(path, 0, h.reason);
  if (h.lsn !== lsn) return new SnapshotCorruptionError(path, 12, `header covers LSN ${h.lsn} but the file name says ${lsn}`);
  try {
    for await (const _ of framesOf(fh, path, size)) {
      // Reading is the verification; framesOf throws on the first problem.
    }
  } catch (err) {
    if (err instanceof SnapshotCorruptionError) return err;
    throw err;
  }
  return null;
}

async function* streamChunks(path: string, size: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const now = (await fh.stat()).size;
    if (now !== size) throw new SnapshotCorruptionError(path, Math.min(now, size), `file size changed from ${size} to ${now} bytes since it was verified`);
    yield* framesOf(fh, path, size);
  } finally {
    await fh.close();
  }
}

/** Yields chunk payloads after the header, then checks the trailer against what was read. */
async function* framesOf(fh: FileHandle, path: string, size: number): AsyncGenerator<Buffer> {
  const r = new FrameReader(fh, { start: SNAPSHOT_HEADER_SIZE, limit: size, maxFrame: MAX_CHUNK_SIZE, allowZeroLength: true });
  let crc = 0;
  let bytes = 0;
  for (;;) {
    const s = r.step();
    if (s.kind === 'more') await r.fill();
    else if (s.kind === 'frame') {
      crc = crc32c(s.payload, crc);
      bytes += s.payload.length;
      yield s.payload;
    } else if (s.kind === 'bad') throw new SnapshotCorruptionError(path, s.offset, s.reason);
    else break;
  }
  await checkTrailer(fh, path, r.pos, size, { crc, chunks: r.count, bytes });
}

async function checkTrailer(fh: FileHandle, path: string, at: number, size: number, seen: { crc: number; chunks: number; bytes: number }): Promise<void> {
  if (at + SNAPSHOT_TRAILER_SIZE !== size) {
    const why = at + SNAPSHOT_TRAILER_SIZE > size ? 'snapshot is truncated (no end marker)' : 'unexpected bytes after the end marker';
    throw new SnapshotCorruptionError(path, at, why);
  }
  const b = Buffer.alloc(SNAPSHOT_TRAILER_SIZE);
  await fh.read(b, 0, b.length, at);
  const t = decodeSnapshotTrailer(b);
  if (t.crc !== seen.crc || t.chunks !== seen.chunks || t.bytes !== seen.bytes) {
    throw new SnapshotCorruptionError(path, at, `end marker does not match the contents (chunks ${t.chunks} vs ${seen.chunks}, bytes ${t.bytes} vs ${seen.bytes})`);
  }
}
