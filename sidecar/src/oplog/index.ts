/** Public surface of the op log and snapshot files. */
export { crc32c } from './crc32c.js';
export { OpLogCorruptionError, SnapshotCorruptionError } from './errors.js';
export type { OpLogLogger } from './logger.js';
export { silentLogger } from './logger.js';
export { DEFAULT_SEGMENT_SIZE, OpLog } from './oplog.js';
export type { CommitCallback, FsyncPolicy, OpLogOptions, OpLogStats } from './oplog.js';
export { readLatestSnapshot } from './snapshot-read.js';
export type { SnapshotFile } from './snapshot-read.js';
export { writeSnapshot } from './snapshot-write.js';
export type { WriteSnapshotOptions, WrittenSnapshot } from './snapshot-write.js';
