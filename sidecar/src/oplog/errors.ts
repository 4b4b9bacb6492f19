/**
 * Corruption that truncation cannot repair: a bad frame with valid data after it, a bad
 * frame in a sealed segment, a missing segment, or a file that is not ours. Start-up must
 * stop; silently skipping records would lose acknowledged writes and diverge from peers.
 */
export class OpLogCorruptionError extends Error {
  override readonly name = 'OpLogCorruptionError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(
      `Op log corrupt: ${file} at byte offset ${offset}: ${reason}. ` +
        'This is not a torn write at the end of the log, so it is not repaired automatically. ' +
        'To recover: stop the sidecar, move the data directory aside (e.g. `mv <data-dir> <data-dir>.corrupt`) ' +
        'and restart so this replica resyncs from its peers, or restore the directory from a backup.',
    );
  }
}

/** A snapshot file failed verification while being streamed. */
export class SnapshotCorruptionError extends Error {
  override readonly name = 'SnapshotCorruptionError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(
      `Snapshot corrupt: ${file} at byte offset ${offset}: ${reason}. ` +
        'Delete this snapshot file so the previous one is used, or resync this replica from its peers.',
    );
  }
}
