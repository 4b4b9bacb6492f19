/**
 * Op log append throughput: 100-byte records, one commit per 1 or per 100 appends, under
 * each fsync policy. Two loops:
 *   closed: the next commit starts after the previous one's done (one client waiting for each reply);
 *   open:   a commit every event-loop turn without waiting (a busy server), at most 1000 outstanding,
 *           which is where group commit shows: many commits share one fdatasync under `always`.
 * Prints records/s (acknowledged by done) and fsyncs/s. Run: node dist/bench/oplog-append.js [seconds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpLog, type FsyncPolicy } from '../sidecar/src/oplog/index.js';

const SECONDS = Number(process.argv[2] ?? 1.5);
const RECORD = Buffer.alloc(100, 0x61);
const MAX_OUTSTANDING = 1000;

interface Result {
  records: number;
  fsyncs: number;
  seconds: number;
}

async function run(policy: FsyncPolicy, perCommit: number, open: boolean): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'oplog-bench-'));
  const log = await OpLog.open({ dir, fsync: policy });
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(SECONDS * 1e9));
  let acked = 0;
  let outstanding = 0;
  await new Promise<void>((resolve) => {
    const turn = (): void => {
      if (process.hrtime.bigint() >= deadline) {
        if (outstanding === 0) resolve();
        return;
      }
      for (let i = 0; i < perCommit; i++) log.append(RECORD);
      outstanding++;
      log.commit((err) => {
        if (err) throw err;
        acked += perCommit;
        outstanding--;
        // Closed loop: next turn now. Open loop: restart the turn chain if the cap had stopped it.
        if (!open || outstanding === MAX_OUTSTANDING - 1 || process.hrtime.bigint() >= deadline) turn();
      });
      if (open && outstanding < MAX_OUTSTANDING) setImmediate(turn);
    };
    turn();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { fsyncs } = log.stats();
  await log.close();
  await rm(dir, { recursive: true, force: true });
  return { records: acked, fsyncs, seconds };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);

console.log(`oplog append, 100-byte records, ${SECONDS}s per case`);
console.log('policy    per-commit loop    ' + 'records/s'.padStart(12) + 'fsyncs/s'.padStart(12));
for (const policy of ['always', 'everysec', 'no'] as const) {
  for (const perCommit of [1, 100]) {
    for (const open of [false, true]) {
      const r = await run(policy, perCommit, open);
      const loop = open ? 'open  ' : 'closed';
      console.log(`${policy.padEnd(9)} ${String(perCommit).padStart(10)} ${loop} ${fmt(r.records / r.seconds)}${fmt(r.fsyncs / r.seconds)}`);
    }
  }
}
