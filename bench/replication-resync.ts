/**
 * Full-state resync (issue 4 item 11): r1 holds `--keys` keys (default 1,000,000 SETs) and its
 * op log no longer reaches back (compacted, as after GC), so a new replica r2 joining gets a
 * full-state transfer over mutual TLS. Printed: the transfer time until r2 has every key and
 * the same CRDT.DIGEST, keys/s, and the ratio to the time r1 took to take those writes from a
 * client (the baseline, measured in the same run). r1 runs in this process (the bench reaches
 * into its log index to compact it); r2 is a separate process.
 *
 *   npm run build && node dist/bench/replication-resync.js [--keys 1000000]
 */
import { Redis } from 'ioredis';
import type { LogIndex } from '../sidecar/src/replication/log-index.js';
import { startSidecar as startInProcess, tempDir } from '../sidecar/test/support/sidecar.js';
import { TestPki } from '../sidecar/test/replication/cluster.js';
import { argValue, freePort, startSidecar, stop } from './bench-support.js';
import { infoField, sleep, waitConverged } from './replication-cluster.js';

const KEYS = argValue('keys', 1000000);
const pki = new TestPki();
const [p1, p2] = [await freePort(), await freePort()];
const peers = `r1=127.0.0.1:${p1},r2=127.0.0.1:${p2}`;
const r1 = await startInProcess(['--replica-id', 'r1', '--repl-port', String(p1), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags('r1')], tempDir('resync-r1'));
const c1 = new Redis({ port: r1.resp.port, host: '127.0.0.1' });

const loadStarted = Date.now();
for (let base = 0; base < KEYS; base += 10000) {
  const pipeline = c1.pipeline();
  for (let i = base; i < Math.min(KEYS, base + 10000); i++) pipeline.set(`key:${i}`, `value-${i}`);
  await pipeline.exec();
}
const loadMs = Date.now() - loadStarted;
console.log(`baseline: ${KEYS} SETs into r1 in ${loadMs} ms (${((KEYS * 1000) / loadMs).toFixed(0)} keys/s)`);
// As if the op log had been compacted up to now: a joining replica needs the full state.
(r1.replication as unknown as { index: LogIndex }).index.resetAt(r1.engine.vv);

const started = Date.now();
const r2 = await startSidecar(['--replica-id', 'r2', '--repl-port', String(p2), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags('r2')]);
const c2 = new Redis({ port: r2.port, host: '127.0.0.1' });
while ((await c2.dbsize()) < KEYS) await sleep(50);
const convergedAt = await waitConverged([c1, c2], 50);
const transferMs = convergedAt - started;
console.log(`full resync of ${KEYS} keys to a new replica: ${transferMs} ms including its start-up (${((KEYS * 1000) / transferMs).toFixed(0)} keys/s), ${(transferMs / loadMs).toFixed(2)}x the time to write them; resyncs on r2: ${await infoField(c2, 'crdt_resyncs_in')}`);
c1.disconnect();
c2.disconnect();
await stop(r2);
await r1.stop();
