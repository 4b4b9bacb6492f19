import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpLog } from '../../src/oplog/oplog.js';
import { commit, removeDir, replayAll, tempDir } from './helpers.js';

/**
 * Whatever the record sizes, commit pattern, segment size and reopen points, the log
 * replays exactly the records appended, in order, with gapless LSNs.
 */
describe('oplog/round trip (randomized)', () => {
  it('replays exactly what was appended across commits, rotations and reopenings', async function () {
    this.timeout(30000);
    const step = fc.record({
      records: fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 }),
      reopen: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), fc.integer({ min: 200, max: 3000 }), async (steps, segmentSize) => {
        const dir = await tempDir();
        try {
          let log = await OpLog.open({ dir, fsync: 'no', segmentSize });
          const expected: Buffer[] = [];
          for (const s of steps) {
            for (const r of s.records) assert.equal(log.append(Buffer.from(r)), expected.push(Buffer.from(r)));
            await commit(log);
            if (s.reopen) {
              await log.close();
              log = await OpLog.open({ dir, fsync: 'no', segmentSize });
            }
          }
          const got = await replayAll(log);
          assert.deepEqual(got.map(([l]) => l), expected.map((_, i) => i + 1));
          assert.deepEqual(got.map(([, r]) => r), expected);
          await log.close();
        } finally {
          await removeDir(dir);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('refuses appends and fails commits once closed', async () => {
    const dir = await tempDir();
    try {
      const log = await OpLog.open({ dir, fsync: 'no' });
      await log.close();
      assert.throws(() => log.append(Buffer.from('x')), /closed/);
      await assert.rejects(commit(log), /closed/);
    } finally {
      await removeDir(dir);
    }
  });
});
