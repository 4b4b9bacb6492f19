import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A replica's identity in its data directory. The origin id used in operations is
 * `<replica-id>~<incarnation>`: a replica that lost its data directory starts a new
 * incarnation, so its new sequence numbers never collide with the old ones (DESIGN.md §2).
 */
export interface ReplicaIdentity {
  readonly replicaId: string;
  readonly incarnation: string;
  readonly originId: string;
  readonly createdAt: string;
  readonly fresh: boolean;
}

const FILE = 'identity.json';

export async function loadOrCreateIdentity(dataDir: string, replicaId: string, now: Date): Promise<ReplicaIdentity> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`${path} is not a replica identity file; move it away to start fresh`);
    const stored = parsed as Record<string, unknown>;
    if (stored.replicaId !== replicaId) {
      throw new Error(`Data directory ${dataDir} belongs to replica '${String(stored.replicaId)}', not '${replicaId}': use that replica id or another --data-dir`);
    }
    const incarnation = String(stored.incarnation);
    return { replicaId, incarnation, originId: `${replicaId}~${incarnation}`, createdAt: String(stored.createdAt), fresh: false };
  }
  const incarnation = randomBytes(3).toString('hex');
  const identity = { replicaId, incarnation, createdAt: now.toISOString() };
  await writeFile(`${path}.tmp`, `${JSON.stringify(identity, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return { ...identity, originId: `${replicaId}~${incarnation}`, fresh: true };
}
