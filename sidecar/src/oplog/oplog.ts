/**
 * The op log: opaque records, each given the next LSN, stored in segment files with
 * group commit and a Redis-AOF-like fsync policy.
 *
 * Hot path, once per event-loop turn (as Redis does in beforeSleep):
 *   append(rec) → lsn      only buffers (no I/O)
 *   commit(done)           writes everything appended since the last commit in one writev;
 *                          `always`: done after fdatasync; everysec/no: done after the write.
 * Only one write is in flight; commits arriving meanwhile queue up and are merged into the
 * next write, and under `always` one fdatasync then covers all of them (group commit).
 * Segments are also synced when sealed (every policy), and everything on close.
 */
import { open as openCb, unlink } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './fs-util.js';
import type { OpLogLogger } from './logger.js';
import { silentLogger } from './logger.js';
import { createSegmentFile, recoverSegments } from './recovery.js';
import { replaySegments } from './replay.js';
import { MAX_RECORD_SIZE, SEGMENT_HEADER_SIZE, segmentFileName } from './segment-format.js';
import { SegmentWriter } from './segment-writer.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export interface OpLogOptions {
  dir: string;
  /** Default `everysec`, as Redis's appendfsync. */
  fsync?: FsyncPolicy;
  /** Rotate after a segment reaches this many bytes. Default 64 MiB. */
  segmentSize?: number;
  logger?: OpLogLogger;
  /** Called with each fsync's duration in milliseconds (for a latency histogram). */
  onFsync?: (ms: number) => void;
  /** LSN of the first record when the directory holds no log yet (e.g. after a resync from a snapshot). Default 1. */
  startLsn?: number;
}

export interface OpLogStats {
  /** Bytes on disk across all segments, headers included. */
  bytes: number;
  segments: number;
  /** Records on disk (written, not necessarily fsynced). */
  records: number;
  firstLsn: number;
  /** Last LSN handed out by append (may not be written yet). */
  lastLsn: number;
  lastWrittenLsn: number;
  lastDurableLsn: number;
  fsyncs: number;
  lastFsyncMs: number;
}

/** `err` is null on success; a non-null error means the records may not be on disk. */
export type CommitCallback = (err: Error | null) => void;

export const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;

export class OpLog {
  private pending: Buffer[] = [];
  private queued: Buffer[][] = [];
  private dones: CommitCallback[] = [];
  private writing = false;
  private failed: Error | null = null;
  private nextLsn: number;
  private readonly timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly writer: SegmentWriter,
    readonly policy: FsyncPolicy,
    private readonly logger: OpLogLogger,
  ) {
    this.nextLsn = writer.writtenLsn + 1;
    if (policy === 'everysec') {
      this.timer = setInterval(() => this.backgroundSync(), 1000);
      this.timer.unref();
    }
  }

  /** Opens (creating if empty) the log in `opts.dir`, verifying every segment and cutting a torn tail. */
  static async open(opts: OpLogOptions): Promise<OpLog> {
    const logger = opts.logger ?? silentLogger;
    const policy = opts.fsync ?? 'everysec';
    const segments = await recoverSegments(opts.dir, logger);
    if (segments.length === 0) {
      const firstLsn = opts.startLsn ?? 1;
      const path = join(opts.dir, segmentFileName(firstLsn));
      await createSegmentFile(opts.dir, firstLsn, path, true);
      segments.push({ path, firstLsn, records: 0, size: SEGMENT_HEADER_SIZE });
    }
    const active = segments[segments.length - 1]!;
    const fd = await new Promise<number>((res, rej) => openCb(active.path, 'r+', (e, fd) => (e ? rej(e) : res(fd))));
    const writer = new SegmentWriter(opts.dir, segments, fd, opts.segmentSize ?? DEFAULT_SEGMENT_SIZE, opts.onFsync ?? (() => undefined));
    const log = new OpLog(opts.dir, writer, policy, logger);
    logger.info('Opened op log', { dir: opts.dir, fsync: policy, segments: segments.length, firstLsn: log.firstLsn, lastLsn: log.lastLsn });
    return log;
  }

  /**
   * Buffers a record (1..MAX_RECORD_SIZE bytes) and returns its LSN. No I/O until commit.
   * The buffer is kept by reference, not copied: do not modify it until the commit's done.
   */
  append(record: Buffer): number {
    if (this.failed) throw this.failed; // after an I/O failure or close: accepting writes would lose them
    if (record.length === 0 || record.length > MAX_RECORD_SIZE) {
      throw new RangeError(`Op log record must be 1..${MAX_RECORD_SIZE} bytes, got ${record.length}`);
    }
    this.pending.push(record);
    return this.nextLsn++;
  }

  /** Makes everything appended so far written (and under `always`, fsynced), then calls done. */
  commit(done: CommitCallback): void {
    if (this.failed) return process.nextTick(done, this.failed);
    if (this.pending.length === 0 && !this.writing && this.dones.length === 0 && !this.needsSync()) {
      return process.nextTick(done, null);
    }
    if (this.pending.length > 0) {
      this.queued.push(this.pending);
      this.pending = [];
    }
    this.dones.push(done);
    this.flush();
  }

  private needsSync(): boolean {
    return this.policy === 'always' && this.writer.durableLsn < this.writer.writtenLsn;
  }

  private flush(): void {
    if (this.writing || this.failed || this.dones.length === 0) return;
    this.writing = true;
    const batches = this.queued;
    const dones = this.dones;
    this.queued = [];
    this.dones = [];
    const records = batches.length === 1 ? batches[0]! : batches.flat();
    if (this.policy !== 'always' && this.writeSync(records, dones)) return;
    this.writer.writeRecords(records, 0, (err) => {
      if (err || !this.needsSync()) return this.finish(err, dones);
      this.writer.sync((e) => this.finish(e, dones));
    });
  }

  /** everysec/no fast path; dones still run asynchronously (next tick) so commit never calls back re-entrantly. */
  private writeSync(records: Buffer[], dones: CommitCallback[]): boolean {
    let err: Error | null = null;
    try {
      if (!this.writer.tryWriteSync(records)) return false;
    } catch (e) {
      err = e instanceof Error ? e : new Error(String(e));
    }
    process.nextTick(() => this.finish(err, dones));
    return true;
  }

  private finish(err: Error | null, dones: CommitCallback[]): void {
    if (err) this.fail(err);
    else this.writing = false;
    for (const d of dones) d(err);
    if (!err) this.flush();
  }

  /** After a failed write or fsync the file state is unknown; refuse writes like Redis does on AOF errors. */
  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    this.logger.error('Op log write failed, refusing further writes', { dir: this.dir, error: err.message });
    const dones = this.dones;
    this.dones = [];
    for (const d of dones) process.nextTick(d, err);
  }

  private backgroundSync(): void {
    const w = this.writer;
    if (this.failed || w.isSyncing || w.durableLsn >= w.writtenLsn) return;
    w.sync((err) => err && this.fail(err));
  }

  /** Resolves once everything committed so far is fsynced (e.g. before writing a snapshot that covers it). */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.commit((err) => {
        if (err) return reject(err);
        this.writer.sync((e) => (e ? reject(e) : resolve()));
      });
    });
  }

  /**
   * Streams records with LSN > afterLsn, in order, to onRecord. Throws if afterLsn is before
   * the log's start (those records were compacted) or after its end (the log is behind the
   * caller's snapshot). The buffer may share memory with neighbours; copy it to keep it.
   */
  replay(afterLsn: number, onRecord: (lsn: number, record: Buffer) => void): Promise<number> {
    return replaySegments(this.writer.segments, afterLsn, this.writer.writtenLsn, onRecord);
  }

  /** Deletes sealed segments whose records are all < lsn, oldest first. Returns how many were deleted. */
  async truncateBefore(lsn: number): Promise<number> {
    let deleted = 0;
    const segs = this.writer.segments;
    while (segs.length > 1 && segs[0]!.firstLsn + segs[0]!.records <= lsn) {
      const seg = segs.shift()!;
      this.writer.bytes -= seg.size;
      await new Promise<void>((res, rej) => unlink(seg.path, (e) => (e ? rej(e) : res())));
      // One directory sync per unlink keeps deletions in order, so a crash never leaves a gap.
      await fsyncDir(this.dir);
      deleted++;
    }
    if (deleted > 0) this.logger.info('Compacted op log', { dir: this.dir, segmentsDeleted: deleted, firstLsn: this.firstLsn });
    return deleted;
  }

  get firstLsn(): number {
    return this.writer.segments[0]!.firstLsn;
  }

  get lastLsn(): number {
    return this.nextLsn - 1;
  }

  get lastDurableLsn(): number {
    return this.writer.durableLsn;
  }

  stats(): OpLogStats {
    const w = this.writer;
    return {
      bytes: w.bytes,
      segments: w.segments.length,
      records: w.writtenLsn - this.firstLsn + 1,
      firstLsn: this.firstLsn,
      lastLsn: this.lastLsn,
      lastWrittenLsn: w.writtenLsn,
      lastDurableLsn: w.durableLsn,
      fsyncs: w.fsyncs,
      lastFsyncMs: w.lastFsyncMs,
    };
  }

  /** Commits what is pending, fsyncs (under every policy, as Redis does on shutdown) and closes. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const failed = this.failed;
    if (!failed) await new Promise<void>((res, rej) => this.commit((e) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => this.writer.close(failed !== null, (e: Error | null) => (e ? rej(e) : res())));
    this.failed = new Error('Op log is closed');
  }
}
