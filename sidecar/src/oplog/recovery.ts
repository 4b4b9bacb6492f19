/**
 * Start-up verification of the segment directory. Reads every frame once and checks:
 * header and name agree, LSNs are contiguous across segments, every frame's CRC.
 * A bad tail of the last segment with nothing valid after it is a torn write (the process
 * or machine died mid-write) and is cut off; anything else is an OpLogCorruptionError.
 */
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { OpLogCorruptionError } from './errors.js';
import { findValidFrameAfter, scanFrames } from './frame-scan.js';
import type { OpLogLogger } from './logger.js';
import { fsyncDir } from './fs-util.js';
import {
  MAX_RECORD_SIZE,
  SEGMENT_HEADER_SIZE,
  decodeSegmentHeader,
  encodeSegmentHeader,
  parseSegmentFileName,
} from './segment-format.js';

/** A verified segment on disk. */
export interface SegmentInfo {
  path: string;
  firstLsn: number;
  records: number;
  /** Bytes, header included. */
  size: number;
}

/** Verifies `dir` (creating it if missing) and returns its segments in LSN order. */
export async function recoverSegments(dir: string, logger: OpLogLogger): Promise<SegmentInfo[]> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir))
    .map((name) => ({ name, lsn: parseSegmentFileName(name) }))
    .filter((e): e is { name: string; lsn: number } => e.lsn !== null)
    .sort((a, b) => a.lsn - b.lsn);
  const out: SegmentInfo[] = [];
  for (let i = 0; i < names.length; i++) {
    const { name, lsn } = names[i]!;
    const prev = out[out.length - 1];
    const path = join(dir, name);
    if (prev && prev.firstLsn + prev.records !== lsn) {
      const want = prev.firstLsn + prev.records;
      const reason =
        lsn > want
          ? `LSNs ${want}..${lsn - 1} are missing (a segment file was deleted or lost) between ${prev.path} and this file`
          : `this segment starts at LSN ${lsn} but the previous one ends at LSN ${want - 1} (overlapping segments)`;
      throw new OpLogCorruptionError(path, 0, reason);
    }
    out.push(await verifySegment(path, lsn, i === names.length - 1, logger));
  }
  return out;
}

async function verifySegment(path: string, lsn: number, isLast: boolean, logger: OpLogLogger): Promise<SegmentInfo> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    await checkHeader(fh, path, lsn, size, isLast, logger);
    const scan = await scanFrames(fh, { start: SEGMENT_HEADER_SIZE, limit: Math.max(size, SEGMENT_HEADER_SIZE), maxFrame: MAX_RECORD_SIZE }, () => undefined);
    if (scan.stop.kind === 'bad') {
      const { offset, reason } = scan.stop;
      if (!isLast) throw new OpLogCorruptionError(path, offset, `${reason} in a sealed segment (not the newest one)`);
      const next = await findValidFrameAfter(fh, offset, size, MAX_RECORD_SIZE);
      if (next >= 0) throw new OpLogCorruptionError(path, offset, `${reason}, and a valid record follows at offset ${next}`);
      await fh.truncate(offset);
      await fh.datasync();
      logger.warn('Truncated torn op log tail', { file: path, offset, bytesCut: size - offset, reason, lastLsn: lsn + scan.count - 1 });
    }
    return { path, firstLsn: lsn, records: scan.count, size: Math.max(scan.end, SEGMENT_HEADER_SIZE) };
  } finally {
    await fh.close();
  }
}

/**
 * A newest segment shorter than a header was being created when the process died: rewrite
 * its header (the name says its first LSN). A wrong header anywhere else means a foreign or
 * damaged file and stops start-up.
 */
async function checkHeader(fh: FileHandle, path: string, lsn: number, size: number, isLast: boolean, logger: OpLogLogger): Promise<void> {
  if (size < SEGMENT_HEADER_SIZE && isLast) {
    await fh.truncate(0);
    await fh.write(encodeSegmentHeader(lsn), 0, SEGMENT_HEADER_SIZE, 0);
    await fh.datasync();
    logger.warn('Rewrote torn op log segment header', { file: path, bytesCut: size });
    return;
  }
  const buf = Buffer.alloc(SEGMENT_HEADER_SIZE);
  await fh.read(buf, 0, SEGMENT_HEADER_SIZE, 0);
  const h = decodeSegmentHeader(size < SEGMENT_HEADER_SIZE ? buf.subarray(0, size) : buf);
  if (h.kind === 'bad') throw new OpLogCorruptionError(path, 0, h.reason);
  if (h.firstLsn !== lsn) throw new OpLogCorruptionError(path, 12, `header says first LSN ${h.firstLsn} but the file name says ${lsn}`);
}

/** Creates an empty segment starting at `firstLsn`, durable in the directory. */
export async function createSegmentFile(dir: string, firstLsn: number, path: string, sync: boolean): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.write(encodeSegmentHeader(firstLsn), 0, SEGMENT_HEADER_SIZE, 0);
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
  if (sync) await fsyncDir(dir);
}
