/**
 * Writes framed records to the active segment, rotating to a new segment when it is full,
 * and fsyncs it. Callback style on purpose: this runs once per event-loop turn on the
 * command path, and a promise chain per commit would cost allocations and microtask hops.
 * The caller (OpLog) guarantees one writeRecords at a time; sync may overlap a write
 * (everysec's timer), which the OS allows on one fd.
 */
import { close, fdatasync, open, write, writev, writevSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fsyncDirCb } from './fs-util.js';
import type { SegmentInfo } from './recovery.js';
import { SEGMENT_HEADER_SIZE, encodeFrames, encodeSegmentHeader, frameSize, segmentFileName } from './segment-format.js';

export type Callback = (err: Error | null) => void;

export class SegmentWriter {
  writtenLsn: number;
  durableLsn: number;
  fsyncs = 0;
  lastFsyncMs = 0;
  bytes: number;
  private syncing = false;
  private afterSync: Array<() => void> = [];

  constructor(
    private readonly dir: string,
    /** All live segments in LSN order; the last one is active and open as `fd`. */
    readonly segments: SegmentInfo[],
    private fd: number,
    private readonly segmentSize: number,
    private readonly onFsync: (ms: number) => void,
  ) {
    const last = segments[segments.length - 1]!;
    this.writtenLsn = last.firstLsn + last.records - 1;
    // Everything found on disk at open is treated as durable: recovery read it back.
    this.durableLsn = this.writtenLsn;
    this.bytes = segments.reduce((n, s) => n + s.size, 0);
  }

  get active(): SegmentInfo {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Fast path for everysec/no, as Redis writes its AOF buffer in beforeSleep: one
   * synchronous writev into the page cache (microseconds) instead of a thread-pool round
   * trip that would hold every reply of the turn. Returns false, having written nothing,
   * when the batch needs a rotation; the caller then takes the async path. Throws on I/O errors.
   */
  tryWriteSync(records: readonly Buffer[]): boolean {
    const seg = this.active;
    let bytes = 0;
    for (const r of records) bytes += frameSize(r);
    if (seg.size + bytes > this.segmentSize) return false;
    const written = writevSync(this.fd, encodeFrames(records, 0, records.length), seg.size);
    if (written !== bytes) throw new Error(`Short write to ${seg.path}: ${written} of ${bytes} bytes (disk full?)`);
    seg.size += bytes;
    seg.records += records.length;
    this.bytes += bytes;
    this.writtenLsn += records.length;
    return true;
  }

  /** Appends records[from..] (LSNs writtenLsn+1, …) in as few writev calls as segments allow. */
  writeRecords(records: readonly Buffer[], from: number, cb: Callback): void {
    if (from >= records.length) return cb(null);
    const seg = this.active;
    let to = from;
    let bytes = 0;
    while (to < records.length) {
      const f = frameSize(records[to]!);
      // A record larger than a whole segment still goes somewhere: alone in a fresh one.
      if (seg.size + bytes + f > this.segmentSize && (seg.records > 0 || to > from)) break;
      bytes += f;
      to++;
    }
    if (to === from) return this.rotate((err) => (err ? cb(err) : this.writeRecords(records, from, cb)));
    writev(this.fd, encodeFrames(records, from, to), seg.size, (err, written) => {
      if (err) return cb(err);
      if (written !== bytes) return cb(new Error(`Short write to ${seg.path}: ${written} of ${bytes} bytes (disk full?)`));
      seg.size += bytes;
      seg.records += to - from;
      this.bytes += bytes;
      this.writtenLsn += to - from;
      this.writeRecords(records, to, cb);
    });
  }

  /** fdatasync the active segment. Concurrent calls wait and then sync again, since an in-flight sync may predate their writes. */
  sync(cb: Callback): void {
    if (this.syncing) {
      this.afterSync.push(() => this.sync(cb));
      return;
    }
    this.syncing = true;
    const upTo = this.writtenLsn;
    const t0 = performance.now();
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (!err) {
        this.durableLsn = Math.max(this.durableLsn, upTo);
        this.fsyncs++;
        this.lastFsyncMs = performance.now() - t0;
        this.onFsync(this.lastFsyncMs);
      }
      const waiters = this.afterSync;
      this.afterSync = [];
      cb(err);
      for (const w of waiters) w();
    });
  }

  get isSyncing(): boolean {
    return this.syncing;
  }

  /**
   * Seals the active segment and opens a new one after it. The seal is synced under every
   * policy, `no` included: one fsync per segment (64 MiB) is cheap, and without it a power
   * loss could keep the new segment but lose the old one's tail, a gap that recovery must
   * refuse as mid-log corruption.
   */
  private rotate(cb: Callback): void {
    this.sync((err) => (err ? cb(err) : this.createNext(cb)));
  }

  /** Opens the next segment and only then switches to it, so on failure the old fd stays valid and closable. */
  private createNext(cb: Callback): void {
    const firstLsn = this.writtenLsn + 1;
    const path = join(this.dir, segmentFileName(firstLsn));
    open(path, 'wx+', (err, fd) => {
      if (err) return cb(err);
      const abandon = (e: Error): void => close(fd, () => cb(e));
      write(fd, encodeSegmentHeader(firstLsn), 0, SEGMENT_HEADER_SIZE, 0, (e) => {
        if (e) return abandon(e);
        // The new file's directory entry must be durable before records in it count as durable.
        fdatasync(fd, (e2) => {
          if (e2) return abandon(e2);
          fsyncDirCb(this.dir, (e3) => {
            if (e3) return abandon(e3);
            const old = this.fd;
            this.fd = fd;
            this.segments.push({ path, firstLsn, records: 0, size: SEGMENT_HEADER_SIZE });
            this.bytes += SEGMENT_HEADER_SIZE;
            close(old, cb);
          });
        });
      });
    });
  }

  /** Syncs (unless `skipSync`) and closes the active segment. */
  close(skipSync: boolean, cb: Callback): void {
    const fin: Callback = (err) => close(this.fd, (e) => cb(err ?? e));
    if (skipSync) fin(null);
    else this.sync(fin);
  }
}
