import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpLog } from '../../src/oplog/oplog.js';
import { commit, recordFor, removeDir, replayAll, tempDir } from './helpers.js';

describe('oplog/OpLog basics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('creates a fresh log in an empty directory starting at LSN 1', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    assert.equal(log.firstLsn, 1);
    assert.equal(log.lastLsn, 0);
    assert.deepEqual(await readdir(dir), ['00000000000000000001.seg']);
    assert.deepEqual(await replayAll(log), []);
    await log.close();
  });

  it('gives gapless LSNs and replays the same bytes after reopening', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    for (let i = 1; i <= 50; i++) {
      assert.equal(log.append(recordFor(i)), i);
      if (i % 7 === 0) await commit(log);
    }
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    assert.equal(again.lastLsn, 50);
    const got = await replayAll(again);
    assert.deepEqual(got.map(([l]) => l), Array.from({ length: 50 }, (_, i) => i + 1));
    for (const [lsn, rec] of got) assert.deepEqual(rec, recordFor(lsn));
    assert.equal(again.append(recordFor(51)), 51);
    await again.close();
  });

  it('replays only records after the given LSN', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    for (let i = 1; i <= 10; i++) log.append(recordFor(i));
    await commit(log);
    assert.deepEqual((await replayAll(log, 7)).map(([l]) => l), [8, 9, 10]);
    assert.deepEqual(await replayAll(log, 10), []);
    await assert.rejects(log.replay(11, () => undefined), /log is behind the snapshot/);
    await log.close();
  });

  it('append does no I/O: uncommitted records are not on disk', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    log.append(recordFor(1));
    assert.equal(log.stats().lastWrittenLsn, 0);
    assert.equal(log.stats().lastLsn, 1);
    await commit(log);
    assert.equal(log.stats().lastWrittenLsn, 1);
    await log.close();
  });

  it('rejects empty records (so zero-filled disk never parses as records)', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    assert.throws(() => log.append(Buffer.alloc(0)), RangeError);
    await log.close();
  });

  it('starts a fresh log at startLsn when asked', async () => {
    const log = await OpLog.open({ dir, fsync: 'no', startLsn: 1000 });
    assert.equal(log.append(recordFor(1000)), 1000);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no', startLsn: 5 });
    assert.equal(again.firstLsn, 1000);
    assert.deepEqual((await replayAll(again)).map(([l]) => l), [1000]);
    await assert.rejects(again.replay(10, () => undefined), /were compacted/);
    await again.close();
  });

  it('rotates segments at the configured size, named by first LSN, and replays across them', async () => {
    const log = await OpLog.open({ dir, fsync: 'no', segmentSize: 24 + 5 * 28 });
    for (let i = 1; i <= 23; i++) log.append(recordFor(i)); // 20-byte records, 28-byte frames: 5 per segment
    await commit(log);
    assert.deepEqual(await readdir(dir), [1, 6, 11, 16, 21].map((l) => `${String(l).padStart(20, '0')}.seg`));
    assert.equal(log.stats().segments, 5);
    assert.equal(log.stats().records, 23);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no', segmentSize: 24 + 5 * 28 });
    assert.deepEqual((await replayAll(again, 4)).map(([l]) => l), Array.from({ length: 19 }, (_, i) => i + 5));
    await again.close();
  });

  it('puts a record larger than a segment alone in its own segment', async () => {
    const log = await OpLog.open({ dir, fsync: 'no', segmentSize: 100 });
    log.append(recordFor(1));
    log.append(recordFor(2, 500));
    log.append(recordFor(3));
    await commit(log);
    assert.equal((await readdir(dir)).length, 3);
    const got = await replayAll(log);
    assert.deepEqual(got[1]?.[1], recordFor(2, 500));
    await log.close();
  });

  it('keeps large records (iovec path) byte-exact', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    const sizes = [10, 5000, 3, 70000, 4095, 4096];
    sizes.forEach((s, i) => log.append(recordFor(i + 1, s)));
    await commit(log);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    const got = await replayAll(again);
    assert.deepEqual(got.map(([, r]) => r.length), sizes);
    got.forEach(([lsn, r]) => assert.deepEqual(r, recordFor(lsn, sizes[lsn - 1])));
    await again.close();
  });

  it('writes thousands of large records in one commit (more iovecs than IOV_MAX)', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    for (let i = 1; i <= 2000; i++) log.append(recordFor(i, 5000));
    await commit(log);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    const got = await replayAll(again);
    assert.equal(got.length, 2000);
    got.forEach(([lsn, r]) => assert.ok(r.equals(recordFor(lsn, 5000)), `record ${lsn}`));
    await again.close();
  });

  it('fails the commit and refuses further writes when the disk refuses a write', async () => {
    const log = await OpLog.open({ dir, fsync: 'no', segmentSize: 24 + 2 * 28 });
    // Squat on the next segment's name so rotation's exclusive create fails, as a full or broken disk would.
    await writeFile(join(dir, '00000000000000000003.seg'), 'squatter');
    for (let i = 1; i <= 3; i++) log.append(recordFor(i));
    await assert.rejects(commit(log), /EEXIST/);
    assert.throws(() => log.append(recordFor(4)), /EEXIST/);
    await assert.rejects(commit(log), /EEXIST/);
    assert.equal(log.stats().lastWrittenLsn, 2);
    await log.close();
  });

  it('reports bytes, segments and records in stats', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    log.append(recordFor(1));
    log.append(recordFor(2));
    await commit(log);
    const s = log.stats();
    assert.equal(s.bytes, 24 + 2 * 28);
    assert.equal(s.segments, 1);
    assert.equal(s.records, 2);
    assert.equal(s.firstLsn, 1);
    await log.close();
  });

  it('truncateBefore deletes only whole sealed segments below the LSN, never the active one', async () => {
    const log = await OpLog.open({ dir, fsync: 'no', segmentSize: 24 + 5 * 28 });
    for (let i = 1; i <= 12; i++) log.append(recordFor(i)); // segments 1-5, 6-10, 11-12 (active)
    await commit(log);
    assert.equal(await log.truncateBefore(5), 0, 'LSN 5 is still needed');
    assert.equal(await log.truncateBefore(6), 1);
    assert.equal(log.firstLsn, 6);
    assert.equal(await log.truncateBefore(1000), 1, 'the active segment stays');
    assert.equal(log.firstLsn, 11);
    assert.equal(log.stats().bytes, 24 + 2 * 28);
    await assert.rejects(log.replay(5, () => undefined), /were compacted/);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    assert.deepEqual((await replayAll(again)).map(([l]) => l), [11, 12]);
    assert.equal(again.append(recordFor(13)), 13);
    await again.close();
  });
});
