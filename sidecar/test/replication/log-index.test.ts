import assert from 'node:assert/strict';
import { OpLog } from '../../src/oplog/index.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { OpLogSink } from '../../src/replica/op-log-sink.js';
import { LogIndex } from '../../src/replication/log-index.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { tempDir } from '../support/sidecar.js';

/**
 * LogIndex.build scans the op log after a restart while the RESP port already takes
 * writes. Seen in the kill -9 fault test: a replica restarted inside a partition wrote
 * under its new incarnation during the scan, those ops ended up in the index's base,
 * and every peer (which could not have them) got a full-state transfer instead of catch-up.
 */
describe('LogIndex.build with writes during the scan (real op log)', () => {
  it('ops applied while the log is scanned are caught up from the log, not by a full-state transfer', async () => {
    const log = await OpLog.open({ dir: tempDir('log-index'), fsync: 'no' });
    try {
      const engine = new ReplicaEngine('r1~old', new Keyspace(), () => 1_000);
      engine.addSink(new OpLogSink(log, (error) => { throw error; }));
      const write = (key: string): void => {
        engine.emit(key, { type: 'list.insert', anchor: null, values: [Buffer.from(key)] });
        engine.finishCommand();
      };
      for (let i = 0; i < 3000; i++) write(`k${i % 50}`);
      await log.sync();
      const peerVv = new Map(engine.vv);
      // After a restart: a new incarnation writes while the index scans the log.
      const restarted = new ReplicaEngine('r1~new', engine.keyspace, () => 2_000);
      restarted.restore(engine.vv, engine.lastHlc);
      restarted.addSink(new OpLogSink(log, (error) => { throw error; }));
      const building = LogIndex.build(log, restarted.vv);
      restarted.emit('during', { type: 'list.insert', anchor: null, values: [Buffer.from('x')] });
      restarted.finishCommand();
      const index = await building;
      assert.equal(restarted.vv.get('r1~new'), 1);
      const start = index.startFor(peerVv);
      assert.notEqual(start, 'resync', 'a peer with everything but the op written during the scan needs only that op');
      assert.ok(typeof start === 'number' && start <= log.lastLsn - 1, `catch-up starts at or before the new op's record (start ${String(start)}, last ${log.lastLsn})`);
    } finally {
      await log.close();
    }
  });
});
