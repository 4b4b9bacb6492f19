import type { OpLog } from '../oplog/index.js';
import type { Operation } from '../store/effects.js';
import { encodeOnce } from './encoded-ops.js';
import type { OperationSink } from './engine.js';

/**
 * Appends every applied operation (local and relayed, so a restart never asks peers for
 * them again) to the op log, and commits once per event-loop turn: the group commit.
 * Replies of a turn that appended records wait for that commit, as Redis writes the AOF
 * in beforeSleep before any reply: under `always` the commit includes the fsync; under
 * `everysec` and `no` it is the write() alone, so a crash of the process (kill -9, OOM
 * kill) never loses an acknowledged write, and only a crash of the machine can lose
 * what was not yet fsynced.
 */
export class OpLogSink implements OperationSink {
  private scheduled = false;
  private pendingSinceCommit = 0;
  private readonly waiting: (() => void)[] = [];
  bytesAppended = 0;

  constructor(
    private readonly log: OpLog,
    private readonly onFailure: (error: Error) => void,
  ) {}

  onOperation(op: Operation): void {
    // Encoded once per op: replication reuses these bytes (and a replicated op's received ones).
    const bytes = encodeOnce(op);
    this.log.append(bytes);
    this.bytesAppended += bytes.byteLength;
    this.pendingSinceCommit += 1;
    this.schedule();
  }

  /** Durability.release: flush at once unless this turn appended records not yet written. */
  release(flush: () => void): void {
    if (this.pendingSinceCommit === 0) {
      flush();
      return;
    }
    this.waiting.push(flush);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    this.pendingSinceCommit = 0;
    const flushes = this.waiting.splice(0);
    this.log.commit((error) => {
      if (error !== null) {
        // Like Redis with appendfsync always: a failed write/fsync must not be acknowledged.
        this.onFailure(error);
        return;
      }
      for (const flush of flushes) flush();
    });
  }
}
