import assert from 'node:assert/strict';
import { readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotCorruptionError } from '../../src/oplog/errors.js';
import { readLatestSnapshot } from '../../src/oplog/snapshot-read.js';
import { writeSnapshot } from '../../src/oplog/snapshot-write.js';
import { recordingLogger, removeDir, tempDir } from './helpers.js';

const chunkFor = (lsn: number, i: number, size = 100): Buffer => Buffer.alloc(size, (lsn * 31 + i) % 256);

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(Buffer.from(c));
  return out;
}

async function* asyncChunks(lsn: number, n: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) {
    await Promise.resolve();
    yield chunkFor(lsn, i);
  }
}

const snapName = (lsn: number): string => `snapshot-${String(lsn).padStart(20, '0')}.snap`;

describe('oplog/snapshot files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('returns null for an empty or missing directory', async () => {
    assert.equal(await readLatestSnapshot(dir), null);
    assert.equal(await readLatestSnapshot(join(dir, 'nope')), null);
  });

  it('round-trips chunks from an async iterable, preserving chunk boundaries', async () => {
    const w = await writeSnapshot(dir, 42, asyncChunks(42, 50));
    assert.equal(w.path, join(dir, snapName(42)));
    const s = await readLatestSnapshot(dir);
    assert.ok(s);
    assert.equal(s.lsn, 42);
    assert.equal(s.bytes, w.bytes);
    const got = await collect(s.chunks());
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => chunkFor(42, i)));
  });

  it('accepts a sync iterable, skips empty chunks, and streams chunks larger than the read window', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 9);
    await writeSnapshot(dir, 1, [Buffer.from('a'), Buffer.alloc(0), big, Buffer.from('z')]);
    const s = await readLatestSnapshot(dir);
    assert.ok(s);
    const got = await collect(s.chunks());
    assert.deepEqual(got.map((c) => c.length), [1, big.length, 1]);
    assert.deepEqual(got[1], big);
  });

  it('writes an empty snapshot (no chunks) that reads back as empty', async () => {
    await writeSnapshot(dir, 0, []);
    const s = await readLatestSnapshot(dir);
    assert.ok(s);
    assert.equal(s.lsn, 0);
    assert.deepEqual(await collect(s.chunks()), []);
  });

  it('keeps the newest two snapshots and deletes older ones and leftover temp files', async () => {
    await writeFile(join(dir, snapName(5) + '.tmp'), 'crashed half-way');
    for (const lsn of [10, 20, 30]) await writeSnapshot(dir, lsn, [chunkFor(lsn, 0)]);
    assert.deepEqual((await readdir(dir)).sort(), [snapName(20), snapName(30)]);
    assert.equal((await readLatestSnapshot(dir))?.lsn, 30);
  });

  it('ignores a leftover temp file of a newer snapshot (crash before rename), with a warning', async () => {
    await writeSnapshot(dir, 10, [chunkFor(10, 0)]);
    const good = await readFile(join(dir, snapName(10)));
    await writeFile(join(dir, snapName(20) + '.tmp'), good.subarray(0, 30));
    const logger = recordingLogger();
    const s = await readLatestSnapshot(dir, { logger });
    assert.equal(s?.lsn, 10);
    assert.match(logger.warnings()[0]?.message ?? '', /temp file/);
  });

  it('falls back to the previous snapshot when the newest is truncated anywhere', async () => {
    await writeSnapshot(dir, 10, asyncChunks(10, 3));
    await writeSnapshot(dir, 20, asyncChunks(20, 3));
    const newest = join(dir, snapName(20));
    const full = await readFile(newest);
    for (let cut = 0; cut < full.length; cut += 7) {
      await writeFile(newest, full.subarray(0, cut));
      const logger = recordingLogger();
      const s = await readLatestSnapshot(dir, { logger });
      assert.equal(s?.lsn, 10, `cut at ${cut}`);
      assert.equal(logger.warnings().length, 1);
      assert.deepEqual(await collect(s.chunks()), [0, 1, 2].map((i) => chunkFor(10, i)));
    }
  });

  it('falls back when a bit flips in a chunk, and when bytes follow the end marker', async () => {
    await writeSnapshot(dir, 10, [chunkFor(10, 0)]);
    await writeSnapshot(dir, 20, [chunkFor(20, 0), chunkFor(20, 1)]);
    const newest = join(dir, snapName(20));
    const full = await readFile(newest);
    const flipped = Buffer.from(full);
    flipped[24 + 8 + 50] = flipped[24 + 8 + 50]! ^ 1;
    await writeFile(newest, flipped);
    assert.equal((await readLatestSnapshot(dir))?.lsn, 10);
    await writeFile(newest, Buffer.concat([full, Buffer.from('x')]));
    assert.equal((await readLatestSnapshot(dir))?.lsn, 10);
    await writeFile(newest, full);
    assert.equal((await readLatestSnapshot(dir))?.lsn, 20);
  });

  it('throws SnapshotCorruptionError if the chosen file changes while it is streamed', async () => {
    await writeSnapshot(dir, 10, [chunkFor(10, 0), chunkFor(10, 1)]);
    const s = await readLatestSnapshot(dir);
    assert.ok(s);
    await truncate(s.path, 24 + 108 + 20);
    await assert.rejects(collect(s.chunks()), SnapshotCorruptionError);
  });

  it('removes its temp file when the chunk source throws, keeping earlier snapshots', async () => {
    await writeSnapshot(dir, 10, [chunkFor(10, 0)]);
    async function* failing(): AsyncGenerator<Buffer> {
      yield await Promise.resolve(chunkFor(20, 0));
      throw new Error('store iteration failed');
    }
    await assert.rejects(writeSnapshot(dir, 20, failing()), /store iteration failed/);
    assert.deepEqual(await readdir(dir), [snapName(10)]);
  });
});
