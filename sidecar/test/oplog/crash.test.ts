import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OpLog } from '../../src/oplog/oplog.js';
import { recordFor, recordingLogger, removeDir, replayAll, tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.js', import.meta.url));

/** Runs the writer until it has acknowledged at least `minAcked` LSNs, then kill -9s it; returns the acknowledged LSNs. */
function runAndKill(dir: string, minAcked: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, '4096'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l !== 'ready') acked.push(Number(l));
      if (acked.length >= minAcked && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited on its own (signal ${signal})`));
      resolve(acked);
    });
  });
}

describe('oplog/crash (real process, kill -9)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('loses no acknowledged record under appendfsync always, across restarts', async function () {
    this.timeout(30000);
    let expectedNext = 1;
    for (const minAcked of [100, 200]) {
      const acked = await runAndKill(dir, minAcked);
      assert.ok(acked.length >= minAcked);
      assert.equal(acked[0], expectedNext, 'the writer continues from the recovered log');
      const logger = recordingLogger();
      const log = await OpLog.open({ dir, fsync: 'no', logger });
      const got = new Map(await replayAll(log));
      for (const lsn of acked) assert.deepEqual(got.get(lsn), recordFor(lsn, 50), `acknowledged LSN ${lsn} lost or altered`);
      assert.ok(log.lastLsn >= acked[acked.length - 1]!);
      assert.ok(log.stats().segments > 1, 'the run crossed segment rotations');
      expectedNext = log.lastLsn + 1;
      await log.close();
    }
  });
});
