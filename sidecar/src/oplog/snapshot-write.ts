/**
 * Atomic snapshot writing: temp file in the same directory, fsync it, rename over the
 * final name, fsync the directory (the recipe from "Files are hard", Dan Luu, and what
 * Redis does for RDB files). A crash at any point leaves either the old set of snapshots
 * or the new one, plus at most a temp file that readers ignore.
 */
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from './crc32c.js';
import { fsyncDir } from './fs-util.js';
import type { OpLogLogger } from './logger.js';
import { silentLogger } from './logger.js';
import { FRAME_HEADER_SIZE } from './segment-format.js';
import {
  MAX_CHUNK_SIZE,
  TEMP_SUFFIX,
  encodeSnapshotHeader,
  encodeSnapshotTrailer,
  parseSnapshotFileName,
  snapshotFileName,
} from './snapshot-format.js';

export interface WriteSnapshotOptions {
  logger?: OpLogLogger;
  /** How many snapshots to keep, newest first (default 2: the new one and a fallback). */
  keep?: number;
}

export interface WrittenSnapshot {
  path: string;
  lsn: number;
  /** File size in bytes. */
  bytes: number;
}

/** Coalesces small chunk writes into ~1 MiB writev calls. */
class BufferedFile {
  private parts: Buffer[] = [];
  private size = 0;
  written = 0;
  constructor(private readonly fh: FileHandle) {}

  async add(b: Buffer): Promise<void> {
    this.parts.push(b);
    this.size += b.length;
    if (this.size >= 1024 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const { bytesWritten } = await this.fh.writev(this.parts, this.written);
    if (bytesWritten !== this.size) throw new Error(`Short snapshot write: ${bytesWritten} of ${this.size} bytes (disk full?)`);
    this.written += this.size;
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Writes a snapshot covering `lsn` from the given chunks (empty chunks are skipped; each
 * chunk comes back as one chunk from readLatestSnapshot), then prunes older snapshots.
 * One writer per directory at a time.
 */
export async function writeSnapshot(
  dir: string,
  lsn: number,
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  opts: WriteSnapshotOptions = {},
): Promise<WrittenSnapshot> {
  const logger = opts.logger ?? silentLogger;
  await mkdir(dir, { recursive: true });
  const path = join(dir, snapshotFileName(lsn));
  const tmp = path + TEMP_SUFFIX;
  const fh = await open(tmp, 'w');
  let bytes: number;
  try {
    bytes = await writeBody(fh, lsn, chunks);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await fsyncDir(dir);
  logger.info('Wrote snapshot', { file: path, lsn, bytes });
  await pruneSnapshots(dir, opts.keep ?? 2, logger);
  return { path, lsn, bytes };
}

async function writeBody(fh: FileHandle, lsn: number, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<number> {
  const out = new BufferedFile(fh);
  await out.add(encodeSnapshotHeader(lsn));
  let crc = 0;
  let count = 0;
  let total = 0;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (chunk.length > MAX_CHUNK_SIZE) throw new RangeError(`Snapshot chunk of ${chunk.length} bytes exceeds ${MAX_CHUNK_SIZE}; split it`);
    const h = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
    const c = crc32c(chunk);
    h.writeUInt32LE(chunk.length, 0);
    h.writeUInt32LE(c, 4);
    await out.add(h);
    await out.add(chunk);
    crc = crc32c(chunk, crc);
    count++;
    total += chunk.length;
  }
  await out.add(encodeSnapshotTrailer({ crc, chunks: count, bytes: total }));
  await out.flush();
  return out.written;
}

/** Deletes all but the newest `keep` snapshots, and leftover temp files from crashed writes. */
async function pruneSnapshots(dir: string, keep: number, logger: OpLogLogger): Promise<void> {
  const names = await readdir(dir);
  const snaps = names
    .map((name) => ({ name, lsn: parseSnapshotFileName(name) }))
    .filter((e): e is { name: string; lsn: number } => e.lsn !== null)
    .sort((a, b) => b.lsn - a.lsn);
  const doomed = snaps.slice(Math.max(1, keep)).map((s) => s.name);
  for (const name of names) if (name.startsWith('snapshot-') && name.endsWith(TEMP_SUFFIX)) doomed.push(name);
  for (const name of doomed) {
    await unlink(join(dir, name));
    logger.info('Deleted old snapshot file', { file: join(dir, name) });
  }
  if (doomed.length > 0) await fsyncDir(dir);
}
