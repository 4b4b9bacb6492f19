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

/**
 * Installs state chunks held in memory into an empty engine, synchronously: no command
 * or replicated batch can run between the first key and the last (a peer's full-state
 * transfer swaps our state in one turn). Returns the number of keys.
 */
export function installStateNow(engine: ReplicaEngine, chunks: Iterable<Buffer>): number {
  const installer = new StateInstaller(engine);
  for (const chunk of chunks) installer.add(chunk);
  return installer.keys;
}

/** Installs state chunks as they are read (a snapshot file at start-up). */
export async function installState(engine: ReplicaEngine, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<number> {
  const installer = new StateInstaller(engine);
  for await (const chunk of chunks) installer.add(chunk);
  return installer.keys;
}

/** The header chunk restores the vector and clock; every later chunk is a batch of keys. */
class StateInstaller {
  keys = 0;
  private first = true;
  constructor(private readonly engine: ReplicaEngine) {}

  add(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      const header = decodeStateHeader(chunk);
      const vv = new Map<string, number>();
      for (const entry of header.versionVector ?? []) vv.set(entry.replica ?? '', Number(entry.seq ?? 0));
      this.engine.restore(vv, Number(header.hlc ?? 0));
      return;
    }
    for (const wire of decodeKeyBatch(chunk)) {
      const { key, record } = keyFromWire(wire);
      this.engine.keyspace.install(key, record);
      this.keys += 1;
    }
  }
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
