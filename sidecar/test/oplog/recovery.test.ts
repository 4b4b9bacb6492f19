import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpLogCorruptionError } from '../../src/oplog/errors.js';
import { OpLog } from '../../src/oplog/oplog.js';
import { commit, recordFor, recordingLogger, removeDir, replayAll, tempDir } from './helpers.js';

const HEADER = 24;
const FRAME = 8 + 20; // recordFor() default: 20-byte payloads

async function writeLog(dir: string, n: number, segmentSize?: number): Promise<void> {
  const log = await OpLog.open({ dir, fsync: 'no', ...(segmentSize ? { segmentSize } : {}) });
  for (let i = 1; i <= n; i++) log.append(recordFor(i));
  await commit(log);
  await log.close();
}

async function flipBit(path: string, offset: number): Promise<void> {
  const b = await readFile(path);
  b[offset] = b[offset]! ^ 0x10;
  await writeFile(path, b);
}

const seg = (dir: string, lsn: number): string => join(dir, `${String(lsn).padStart(20, '0')}.seg`);

async function expectCorrupt(dir: string, file: string, offset: number): Promise<void> {
  await assert.rejects(OpLog.open({ dir }), (err: unknown) => {
    assert.ok(err instanceof OpLogCorruptionError, String(err));
    assert.equal(err.file, file);
    assert.equal(err.offset, offset);
    assert.match(err.message, new RegExp(`${file}.*offset ${offset}`));
    assert.match(err.message, /resyncs from its peers/);
    return true;
  });
}

describe('oplog/recovery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('cuts a torn tail at every byte offset of the last record, keeps earlier records, stays appendable', async () => {
    await writeLog(dir, 5);
    const path = seg(dir, 1);
    const full = await readFile(path);
    const lastStart = HEADER + 4 * FRAME;
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      await writeFile(path, full.subarray(0, cut));
      const logger = recordingLogger();
      const log = await OpLog.open({ dir, fsync: 'no', logger });
      const w = logger.warnings();
      assert.equal(w.length, 1, `cut at ${cut}`);
      assert.equal(w[0]?.meta?.bytesCut, cut - lastStart);
      assert.deepEqual((await replayAll(log)).map(([l]) => l), [1, 2, 3, 4]);
      assert.equal(log.append(recordFor(5)), 5);
      await commit(log);
      await log.close();
      assert.deepEqual(await readFile(path), full, 'rewritten record restores the original file');
    }
  });

  it('a cut exactly at a frame boundary loses nothing and warns nothing', async () => {
    await writeLog(dir, 5);
    await truncate(seg(dir, 1), HEADER + 4 * FRAME);
    const logger = recordingLogger();
    const log = await OpLog.open({ dir, logger });
    assert.equal(log.lastLsn, 4);
    assert.equal(logger.warnings().length, 0);
    await log.close();
  });

  it('a flipped bit in the last record is a corrupt tail: truncated with a warning', async () => {
    await writeLog(dir, 5);
    await flipBit(seg(dir, 1), HEADER + 4 * FRAME + 8 + 3);
    const logger = recordingLogger();
    const log = await OpLog.open({ dir, logger });
    assert.equal(log.lastLsn, 4);
    const w = logger.warnings();
    assert.equal(w.length, 1);
    assert.equal(w[0]?.meta?.bytesCut, FRAME);
    assert.match(String(w[0]?.meta?.reason), /checksum/);
    await log.close();
  });

  it('a zero-filled tail (delayed allocation after a crash) is cut, not read as records', async () => {
    await writeLog(dir, 3);
    const path = seg(dir, 1);
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(4096)]));
    const logger = recordingLogger();
    const log = await OpLog.open({ dir, logger });
    assert.equal(log.lastLsn, 3);
    assert.equal(logger.warnings()[0]?.meta?.bytesCut, 4096);
    await log.close();
  });

  it('a flipped bit in an earlier record followed by valid ones stops start-up with file and offset', async () => {
    await writeLog(dir, 5);
    const path = seg(dir, 1);
    const before = await readFile(path);
    await flipBit(path, HEADER + FRAME + 8 + 5); // record 2's payload
    await expectCorrupt(dir, path, HEADER + FRAME);
    assert.equal((await stat(path)).size, before.length, 'nothing was truncated');
  });

  it('a corrupted length in the middle is detected too (valid frames after it)', async () => {
    await writeLog(dir, 5);
    await flipBit(seg(dir, 1), HEADER + 2 * FRAME + 1); // record 3's length field
    await expectCorrupt(dir, seg(dir, 1), HEADER + 2 * FRAME);
  });

  it('a bad frame at the end of a sealed (non-last) segment stops start-up', async () => {
    await writeLog(dir, 12, HEADER + 5 * FRAME); // segments 1, 6, 11
    await flipBit(seg(dir, 6), HEADER + 4 * FRAME + 8);
    await expectCorrupt(dir, seg(dir, 6), HEADER + 4 * FRAME);
  });

  it('a truncated sealed segment is a gap, not a torn tail', async () => {
    await writeLog(dir, 12, HEADER + 5 * FRAME);
    await truncate(seg(dir, 6), HEADER + 4 * FRAME);
    await expectCorrupt(dir, seg(dir, 11), 0);
  });

  it('a deleted middle segment stops start-up naming the missing LSNs', async () => {
    await writeLog(dir, 12, HEADER + 5 * FRAME);
    await rm(seg(dir, 6));
    await assert.rejects(OpLog.open({ dir }), /LSNs 6\.\.10 are missing/);
    await expectCorrupt(dir, seg(dir, 11), 0);
  });

  it('a foreign file with a segment name is rejected, not overwritten', async () => {
    await writeFile(seg(dir, 1), Buffer.from('definitely not an op log segment'));
    await assert.rejects(OpLog.open({ dir }), /bad magic/);
  });

  it('a newest segment torn while its header was written gets its header back', async () => {
    await writeLog(dir, 7, HEADER + 5 * FRAME); // segments 1 and 6
    await truncate(seg(dir, 6), 10);
    const logger = recordingLogger();
    const log = await OpLog.open({ dir, logger });
    assert.equal(log.lastLsn, 5);
    assert.equal(logger.warnings().length, 1);
    assert.equal(log.append(recordFor(6)), 6);
    await commit(log);
    await log.close();
    const again = await OpLog.open({ dir });
    assert.deepEqual((await replayAll(again)).map(([l]) => l), [1, 2, 3, 4, 5, 6]);
    await again.close();
    assert.equal((await readdir(dir)).length, 2);
  });

  it('ignores files that are not segments', async () => {
    await writeLog(dir, 2);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const log = await OpLog.open({ dir });
    assert.equal(log.lastLsn, 2);
    await log.close();
  });
});
