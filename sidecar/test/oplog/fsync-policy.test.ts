import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpLog } from '../../src/oplog/oplog.js';
import { commit, recordFor, removeDir, replayAll, tempDir } from './helpers.js';

describe('oplog/fsync policies and group commit', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('always: done is called only after an fsync that covers the commit', async () => {
    const durations: number[] = [];
    const log = await OpLog.open({ dir, fsync: 'always', onFsync: (ms) => durations.push(ms) });
    const lsn = log.append(recordFor(1));
    await new Promise<void>((resolve, reject) =>
      log.commit((err) => {
        if (err) return reject(err);
        assert.ok(log.lastDurableLsn >= lsn, 'durable when done runs');
        resolve();
      }),
    );
    assert.equal(log.stats().fsyncs, 1);
    assert.equal(durations.length, 1);
    assert.ok(durations[0]! >= 0);
    assert.equal(log.stats().lastFsyncMs, durations[0]);
    await log.close();
  });

  it('always: commits issued while an fsync is in flight share the next one (group commit)', async () => {
    const log = await OpLog.open({ dir, fsync: 'always' });
    const commits = 200;
    const dones: Array<Promise<void>> = [];
    // One commit per "event-loop turn": interleave appends, commits and turns.
    for (let i = 0; i < commits; i++) {
      const lsn = log.append(recordFor(i + 1));
      dones.push(
        new Promise((resolve, reject) =>
          log.commit((err) => {
            if (err) return reject(err);
            assert.ok(log.lastDurableLsn >= lsn);
            resolve();
          }),
        ),
      );
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(dones);
    const { fsyncs } = log.stats();
    assert.ok(fsyncs < commits / 4, `expected far fewer fsyncs than commits, got ${fsyncs} for ${commits}`);
    assert.equal(log.lastDurableLsn, commits);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    assert.equal((await replayAll(again)).length, commits);
    await again.close();
  });

  it('always: a commit with nothing new and everything durable does not fsync', async () => {
    const log = await OpLog.open({ dir, fsync: 'always' });
    log.append(recordFor(1));
    await commit(log);
    await commit(log);
    await commit(log);
    assert.equal(log.stats().fsyncs, 1);
    await log.close();
  });

  it('everysec: done runs right after the write; a timer fsyncs within about a second', async function () {
    this.timeout(5000);
    const log = await OpLog.open({ dir, fsync: 'everysec' });
    log.append(recordFor(1));
    await commit(log);
    assert.equal(log.stats().lastWrittenLsn, 1);
    assert.equal(log.stats().fsyncs, 0);
    assert.equal(log.lastDurableLsn, 0);
    await sleep(1300);
    assert.equal(log.stats().fsyncs, 1);
    assert.equal(log.lastDurableLsn, 1);
    await log.close();
  });

  it('no: never fsyncs on commit, but close fsyncs like a Redis shutdown', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    for (let i = 1; i <= 20; i++) {
      log.append(recordFor(i));
      await commit(log);
    }
    assert.equal(log.stats().fsyncs, 0);
    assert.equal(log.lastDurableLsn, 0);
    await log.close();
    assert.equal(log.stats().fsyncs, 1);
  });

  it('sync() makes everything committed durable under any policy', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    log.append(recordFor(1));
    log.append(recordFor(2));
    await log.sync();
    assert.equal(log.lastDurableLsn, 2);
    await log.close();
  });

  it('always: rotation keeps every committed record durable and replayable', async () => {
    const log = await OpLog.open({ dir, fsync: 'always', segmentSize: 24 + 3 * 28 });
    for (let i = 1; i <= 10; i++) log.append(recordFor(i));
    await commit(log);
    assert.equal(log.lastDurableLsn, 10);
    assert.equal(log.stats().segments, 4);
    await log.close();
    const again = await OpLog.open({ dir, fsync: 'no' });
    assert.deepEqual((await replayAll(again)).map(([l]) => l), Array.from({ length: 10 }, (_, i) => i + 1));
    await again.close();
  });

  it('commits complete in order, each done after its own records are written', async () => {
    const log = await OpLog.open({ dir, fsync: 'no' });
    const order: number[] = [];
    const all: Array<Promise<void>> = [];
    for (let c = 0; c < 5; c++) {
      const lsn = log.append(recordFor(c + 1));
      all.push(
        new Promise((resolve) =>
          log.commit(() => {
            assert.ok(log.stats().lastWrittenLsn >= lsn);
            order.push(c);
            resolve();
          }),
        ),
      );
    }
    await Promise.all(all);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    await log.close();
  });
});
