/** One op-log record as replication sees it: position, dot and the encoded operation. */
export interface LogRecord {
  readonly lsn: number;
  readonly origin: string;
  readonly seq: number;
  readonly bytes: Buffer;
  /** When it was appended (ms; 0 when read back from disk): relays wait a little, see Feed. */
  readonly at: number;
}

/**
 * The most recent op-log records in memory (a ring of `capacity` records, at most
 * `maxBytes`), so the live tail and a short catch-up never touch the disk, including
 * records appended this turn that the log has not written yet.
 */
export class RecentOps {
  private readonly ring: (LogRecord | undefined)[];
  private start = 0;
  private count = 0;
  private bytes = 0;

  constructor(private readonly capacity = 65536, private readonly maxBytes = 64 * 1024 * 1024) {
    this.ring = new Array<LogRecord | undefined>(capacity);
  }

  push(record: LogRecord): void {
    while (this.count > 0 && (this.count === this.capacity || this.bytes + record.bytes.length > this.maxBytes)) this.dropOldest();
    this.ring[(this.start + this.count) % this.capacity] = record;
    this.count += 1;
    this.bytes += record.bytes.length;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.start];
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count -= 1;
    this.bytes -= oldest?.bytes.length ?? 0;
  }

  clear(): void {
    while (this.count > 0) this.dropOldest();
  }

  /** LSN of the oldest record held (Infinity when empty). */
  get firstLsn(): number {
    return this.count === 0 ? Infinity : (this.ring[this.start]?.lsn ?? Infinity);
  }

  get lastLsn(): number {
    return this.count === 0 ? 0 : (this.ring[(this.start + this.count - 1) % this.capacity]?.lsn ?? 0);
  }

  /** Records with LSN > afterLsn, oldest first, at most `limit`. Requires afterLsn ≥ firstLsn - 1. */
  after(afterLsn: number, limit: number): LogRecord[] {
    const out: LogRecord[] = [];
    if (this.count === 0) return out;
    const first = this.firstLsn;
    // LSNs in the ring are consecutive, so the position is arithmetic.
    let index = Math.max(0, afterLsn + 1 - first);
    while (index < this.count && out.length < limit) {
      const record = this.ring[(this.start + index) % this.capacity];
      if (record !== undefined) out.push(record);
      index += 1;
    }
    return out;
  }
}
