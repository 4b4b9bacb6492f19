import { decodeOperation } from '../codec/operation-codec.js';
import type { OpLog } from '../oplog/index.js';
import type { ReplicaEngine } from '../replica/engine.js';
import { loadSnapshot } from '../replica/snapshots.js';
import type { Logger } from '../observability/logger.js';

export interface RecoveryReport {
  readonly snapshotLsn: number;
  readonly snapshotKeys: number;
  readonly replayed: number;
  readonly skipped: number;
  readonly ms: number;
}

/**
 * Start-up: the newest valid snapshot, then every op-log record after it, applied with
 * its original context (own ops restore our sequence number). Progress is logged for
 * long replays.
 */
export async function recover(engine: ReplicaEngine, log: OpLog, dataDir: string, logger: Logger): Promise<RecoveryReport> {
  const started = Date.now();
  const { lsn, keys } = await loadSnapshot(dataDir, engine, logger);
  if (lsn > 0) logger.info('Loaded snapshot', { lsn, keys });
  const startLsn = Math.max(lsn, log.firstLsn - 1);
  const total = Math.max(0, log.lastLsn - startLsn);
  let replayed = 0;
  let skipped = 0;
  let lastProgress = Date.now();
  await log.replay(startLsn, (recordLsn, record) => {
    const op = decodeOperation(record);
    const result = engine.applyRemote(op, false);
    if (result === 'applied') replayed += 1;
    else if (result === 'duplicate') skipped += 1;
    else throw new Error(`Op log record ${recordLsn} (${op.ctx.origin}:${op.ctx.seq}) depends on operations missing from the log; the data directory is inconsistent: remove it to resync from peers`);
    if (Date.now() - lastProgress > 2000) {
      lastProgress = Date.now();
      logger.info('Replaying op log', { done: replayed + skipped, total, percent: Math.round(((replayed + skipped) / Math.max(1, total)) * 100) });
    }
  });
  return { snapshotLsn: lsn, snapshotKeys: keys, replayed, skipped, ms: Date.now() - started };
}
