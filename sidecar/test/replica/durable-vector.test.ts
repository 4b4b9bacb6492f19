import assert from 'node:assert/strict';
import { OpLog } from '../../src/oplog/index.js';
import { DurableVector } from '../../src/replica/durable-vector.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { OpLogSink } from '../../src/replica/op-log-sink.js';
import type { Operation } from '../../src/store/effects.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { tempDir } from '../support/sidecar.js';

/**
 * The vector a replica acknowledges for tombstone GC must never exceed what it still has
 * after a crash (a peer would collect a tombstone whose removal it then forgets, and its
 * next insert anchored on that element would be refused everywhere). With a real op log
 * under appendfsync everysec: applied ops count only once their records are fsynced.
 */
describe('DurableVector: the acknowledged-for-GC vector follows the fsynced op log', () => {
  let log: OpLog;
  let engine: ReplicaEngine;
  let durable: DurableVector;

  beforeEach(async () => {
    log = await OpLog.open({ dir: tempDir('durable-vv'), fsync: 'everysec' });
    engine = new ReplicaEngine('r1~aaaaaa', new Keyspace(), () => 1_000);
    engine.addSink(new OpLogSink(log, (error) => { throw error; }));
    durable = new DurableVector({ get lastLsn() { return log.lastLsn; }, durableLsn: () => log.lastDurableLsn }, engine.vv);
    engine.addSink(durable);
  });

  afterEach(async () => {
    await log.close();
  });

  function localWrite(key: string): void {
    engine.emit(key, { type: 'list.insert', anchor: null, values: [Buffer.from(key)] });
    engine.finishCommand();
  }

  function remoteOp(origin: string, seq: number, deps: Record<string, number>): Operation {
    return { ctx: { origin, seq, hlc: seq * 16, deps: new Map(Object.entries(deps)) }, effects: [{ key: `k${seq}`, effect: { type: 'list.insert', anchor: null, values: [Buffer.from('v')] } }], atomicGroup: 0 };
  }

  it('applied ops (local and replicated) are not acknowledged for GC until fsynced; then all of them are', async () => {
    localWrite('a');
    assert.equal(engine.applyRemote(remoteOp('r2~bbbbbb', 1, {})), 'applied');
    localWrite('b');
    assert.deepEqual([...engine.vv].sort(), [['r1~aaaaaa', 2], ['r2~bbbbbb', 1]]);
    assert.deepEqual([...durable.current()], [], 'nothing is fsynced yet: a crash now loses all three ops');
    await log.sync();
    assert.deepEqual(new Map(durable.current()), new Map([['r1~aaaaaa', 2], ['r2~bbbbbb', 1]]));
    assert.equal(engine.applyRemote(remoteOp('r2~bbbbbb', 2, { 'r1~aaaaaa': 2 })), 'applied');
    assert.equal(durable.current().get('r2~bbbbbb'), 1, 'the new op is applied but not durable');
    await log.sync();
    assert.equal(durable.current().get('r2~bbbbbb'), 2);
  });

  it('during a full-state install, records appended after it count only once a snapshot holds the installed state', async () => {
    localWrite('a');
    await log.sync();
    durable.installing();
    // The installed state (r3's ops 1..50) is only in memory; an op on top of it is logged and synced.
    engine.vv.set('r3~cccccc', 50);
    assert.equal(engine.applyRemote(remoteOp('r3~cccccc', 51, { 'r3~cccccc': 50 })), 'applied');
    await log.sync();
    assert.equal(durable.current().get('r3~cccccc'), undefined, 'a crash before the snapshot recovers the old state, without r3 1..51');
    durable.snapshotted(new Map(engine.vv));
    assert.equal(durable.current().get('r3~cccccc'), 51);
    assert.equal(durable.current().get('r1~aaaaaa'), 1);
  });

  it('stays correct over many ops (the pending queue is compacted)', async () => {
    for (let i = 0; i < 5000; i++) localWrite(`k${i % 7}`);
    assert.equal(durable.current().get('r1~aaaaaa'), undefined);
    await log.sync();
    assert.equal(durable.current().get('r1~aaaaaa'), 5000);
    for (let i = 0; i < 3000; i++) localWrite('x');
    await log.sync();
    assert.equal(durable.current().get('r1~aaaaaa'), 8000);
  });
});
