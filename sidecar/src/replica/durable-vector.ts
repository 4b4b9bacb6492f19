import { vvMergeInto, type VersionVector } from '../crdt/version-vector.js';
import type { Operation } from '../store/effects.js';
import type { OperationSink } from './engine.js';

/** What DurableVector reads from the op log. */
export interface DurabilitySource {
  /** LSN of the last record appended (the op just handed to the sinks). */
  readonly lastLsn: number;
  /** Every record up to here survives a crash. */
  durableLsn(): number;
}

/**
 * The part of our version vector that survives a crash: ops whose op-log record is
 * durable, plus what a snapshot holds. It is what we acknowledge for tombstone GC
 * (stability.ts): a replica's acknowledged vector must never exceed what it has after a
 * restart, or a peer could collect a tombstone whose removal this replica then forgets
 * (it lost the unsynced op), and its next insert anchored on that element would be
 * refused everywhere. The applied vector (acks for WAIT) can run ahead of this one.
 *
 * Registered after the op-log sink, so the op's record is the log's last one. O(1) per op.
 */
export class DurableVector implements OperationSink {
  private readonly durable: VersionVector;
  private pending: { readonly lsn: number; readonly origin: string; readonly seq: number }[] = [];
  private head = 0;
  /** During a full-state install: records after this LSN count only once a snapshot holds the state. */
  private holdAfterLsn: number | undefined;

  /** `recovered`: the vector after recovery (snapshot + replayed log, all on disk). */
  constructor(private readonly source: DurabilitySource, recovered: ReadonlyMap<string, number>) {
    this.durable = new Map(recovered);
  }

  onOperation(op: Operation): void {
    this.pending.push({ lsn: this.source.lastLsn, origin: op.ctx.origin, seq: op.ctx.seq });
  }

  /** The durable vector now (never goes backwards). */
  current(): ReadonlyMap<string, number> {
    const durableLsn = Math.min(this.source.durableLsn(), this.holdAfterLsn ?? Number.MAX_SAFE_INTEGER);
    const pending = this.pending;
    while (this.head < pending.length && pending[this.head]!.lsn <= durableLsn) {
      const { origin, seq } = pending[this.head++]!;
      if ((this.durable.get(origin) ?? 0) < seq) this.durable.set(origin, seq);
    }
    if (this.head > 1024 && this.head * 2 > pending.length) {
      this.pending = pending.slice(this.head);
      this.head = 0;
    }
    return this.durable;
  }

  /**
   * A full-state install starts: the installed state is on disk only once a snapshot
   * holds it, and records appended after it are replayable only on top of that state.
   */
  installing(): void {
    this.holdAfterLsn ??= this.source.lastLsn;
  }

  /** The install failed and our previous state was put back: what our log holds counts again. */
  installAbandoned(): void {
    this.holdAfterLsn = undefined;
  }

  /** A snapshot that holds at least `vv` was written (after a full-state install). */
  snapshotted(vv: ReadonlyMap<string, number>): void {
    vvMergeInto(this.durable, vv);
    this.holdAfterLsn = undefined;
  }
}
