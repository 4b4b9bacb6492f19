import { encodeKeyBatch, encodeStateHeader, keyFromWire, keyToWire, decodeKeyBatch, decodeStateHeader, type WireKeyState } from '../codec/state-codec.js';
import { readLatestSnapshot, writeSnapshot, type OpLogLogger } from '../oplog/index.js';
import type { ReplicaEngine } from './engine.js';

const KEYS_PER_CHUNK = 1000;

/**
 * Encodes the whole CRDT state (not just values) as chunks: a header with the version
 * vector and clock, then batches of keys. Encoded synchronously, so the snapshot is a
 * consistent cut at one point of the op log; written to disk asynchronously.
 */
export function encodeState(engine: ReplicaEngine): Buffer[] {
  const chunks: Buffer[] = [];
  const versionVector = [...engine.vv].map(([replica, seq]) => ({ replica, seq }));
  const header = encodeStateHeader({ replicaId: engine.replicaId, versionVector, hlc: engine.lastHlc, keyCount: engine.keyspace.size });
  chunks.push(Buffer.from(header));
  let batch: WireKeyState[] = [];
  for (const [key, record] of engine.keyspace.entries()) {
    batch.push(keyToWire(key, record));
    if (batch.length >= KEYS_PER_CHUNK) {
      chunks.push(Buffer.from(encodeKeyBatch(batch)));
      batch = [];
    }
  }
  if (batch.length > 0) chunks.push(Buffer.from(encodeKeyBatch(batch)));
  return chunks;
}

/** Installs decoded state chunks into an empty engine; returns the number of keys. */
export async function installState(engine: ReplicaEngine, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<number> {
  let first = true;
  let keys = 0;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      const header = decodeStateHeader(chunk);
      const vv = new Map<string, number>();
      for (const entry of header.versionVector ?? []) vv.set(entry.replica ?? '', Number(entry.seq ?? 0));
      engine.restore(vv, Number(header.hlc ?? 0));
      continue;
    }
    for (const wire of decodeKeyBatch(chunk)) {
      const { key, record } = keyFromWire(wire);
      engine.keyspace.install(key, record);
      keys += 1;
    }
  }
  return keys;
}

export async function saveSnapshot(dir: string, lsn: number, engine: ReplicaEngine, logger: OpLogLogger): Promise<{ bytes: number; keys: number }> {
  const chunks = encodeState(engine);
  const written = await writeSnapshot(dir, lsn, chunks, { logger });
  return { bytes: written.bytes, keys: engine.keyspace.size };
}

/** Loads the newest valid snapshot; returns the op-log LSN it covers (0 when none). */
export async function loadSnapshot(dir: string, engine: ReplicaEngine, logger: OpLogLogger): Promise<{ lsn: number; keys: number }> {
  const snapshot = await readLatestSnapshot(dir, { logger });
  if (snapshot === null) return { lsn: 0, keys: 0 };
  const keys = await installState(engine, snapshot.chunks());
  return { lsn: snapshot.lsn, keys };
}
