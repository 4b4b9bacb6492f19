import type { Keyspace } from '../store/keyspace.js';
import { writeKey } from './materialise.js';
import type { MirrorLink } from './mirror-link.js';

/** What a rebuild has done so far (CRDT.MIRROR STATUS, metrics, logs). */
export interface RebuildProgress {
  readonly reason: string;
  readonly startedAt: number;
  /** Key records visited / records in the store when the rebuild started. */
  visited: number;
  readonly total: number;
  /** Keys written (visible ones). */
  written: number;
}

export interface RebuildOptions {
  /** A chunk ends after this many key slots... */
  readonly chunkSlots: number;
  /** ...or once this many bytes are encoded (the event loop gets a turn in between). */
  readonly chunkBytes: number;
  readonly onProgress: (progress: RebuildProgress) => void;
}

/** Slots per keyspace scan call inside a chunk. */
const STEP = 64;

export class RebuildAborted extends Error {}

/**
 * Rewrites the mirror from the store: FLUSHDB, then every visible key, one chunk per
 * event-loop turn so clients are never blocked. Write-behind keeps writing on the same
 * link meanwhile; since both encode the key's current state into one ordered stream,
 * whichever comes last leaves the mirror right. A chunk is sent, then the previous
 * chunk's PING is awaited: two chunks in flight at most, so memory stays bounded.
 */
export async function rebuildMirror(
  keyspace: Keyspace, link: MirrorLink, progress: RebuildProgress, options: RebuildOptions,
  clock: () => number, aborted: () => boolean,
): Promise<void> {
  link.writer.command(['FLUSHDB']);
  link.wrote(1);
  let previous: Promise<Buffer[]> = Promise.resolve([]);
  let cursor = 0;
  do {
    cursor = writeChunk(keyspace, link, progress, options, cursor, clock());
    const sent = link.request([['PING']]);
    sent.catch(() => undefined); // awaited next round, or superseded by the link closing
    await previous;
    if (aborted() || !link.isOpen) throw new RebuildAborted('mirror rebuild aborted');
    previous = sent;
    options.onProgress(progress);
  } while (cursor !== 0);
  await previous;
}

function writeChunk(keyspace: Keyspace, link: MirrorLink, progress: RebuildProgress, options: RebuildOptions, from: number, now: number): number {
  const startBytes = link.writer.size;
  let commands = 0;
  let cursor = from;
  do {
    cursor = keyspace.scan(cursor, STEP, (key) => {
      progress.visited += 1;
      if (keyspace.lookup(key, now) === undefined) return;
      commands += writeKey(link.writer, keyspace, key, now);
      progress.written += 1;
    });
  } while (cursor !== 0 && cursor - from < options.chunkSlots && link.writer.size - startBytes < options.chunkBytes);
  link.wrote(commands);
  return cursor;
}
