import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../oplog/fs-util.js';
import { readIfExists, replaceFileDurably } from './durable-file.js';

/**
 * A replica's identity in its data directory. The origin id used in operations is
 * `<replica-id>~<incarnation>`. A new incarnation starts when the data directory is new
 * or lost, and after every unclean shutdown: operations are streamed to peers as soon as
 * they are appended, so after a crash peers may hold this replica's ops that its own log
 * never made durable. Reusing those sequence numbers would give two different ops the
 * same dot (peers drop the second as a duplicate and the replicas diverge forever); a new
 * incarnation never collides, and the lost ops come back from the peers through
 * catch-up, because our vector still stops where the old incarnation's durable log did.
 */
export interface ReplicaIdentity {
  readonly replicaId: string;
  readonly incarnation: string;
  readonly originId: string;
  readonly createdAt: string;
  readonly fresh: boolean;
  /** The incarnation this start replaced after an unclean shutdown, if any. */
  readonly previousIncarnation: string | undefined;
}

const FILE = 'identity.json';
/** Present only between a clean shutdown and the next start. */
const CLEAN_SHUTDOWN_FILE = 'clean-shutdown';

export async function loadOrCreateIdentity(dataDir: string, replicaId: string, now: Date): Promise<ReplicaIdentity> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  const text = await readIfExists(path);
  if (text === undefined) {
    const incarnation = await writeIdentity(dataDir, replicaId, now);
    return { replicaId, incarnation, originId: `${replicaId}~${incarnation}`, createdAt: now.toISOString(), fresh: true, previousIncarnation: undefined };
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${path} is not a replica identity file; move it away to start fresh`);
  const stored = parsed as Record<string, unknown>;
  if (stored.replicaId !== replicaId) {
    throw new Error(`Data directory ${dataDir} belongs to replica '${String(stored.replicaId)}', not '${replicaId}': use that replica id or another --data-dir`);
  }
  const createdAt = String(stored.createdAt);
  const storedIncarnation = String(stored.incarnation);
  const clean = await consumeCleanShutdownMark(dataDir);
  if (clean) return { replicaId, incarnation: storedIncarnation, originId: `${replicaId}~${storedIncarnation}`, createdAt, fresh: false, previousIncarnation: undefined };
  const incarnation = await writeIdentity(dataDir, replicaId, new Date(createdAt));
  return { replicaId, incarnation, originId: `${replicaId}~${incarnation}`, createdAt, fresh: false, previousIncarnation: storedIncarnation };
}

/** Records that every op of this incarnation is durable (called last on a clean shutdown). */
export async function markCleanShutdown(dataDir: string): Promise<void> {
  await writeFile(join(dataDir, CLEAN_SHUTDOWN_FILE), '');
  await fsyncDir(dataDir);
}

async function consumeCleanShutdownMark(dataDir: string): Promise<boolean> {
  try {
    await unlink(join(dataDir, CLEAN_SHUTDOWN_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  // Durable before any op of this run is streamed: a crash must not find the mark again.
  await fsyncDir(dataDir);
  return true;
}

async function writeIdentity(dataDir: string, replicaId: string, createdAt: Date): Promise<string> {
  const path = join(dataDir, FILE);
  const incarnation = randomBytes(3).toString('hex');
  await replaceFileDurably(path, `${JSON.stringify({ replicaId, incarnation, createdAt: createdAt.toISOString() }, null, 2)}\n`);
  return incarnation;
}
