import assert from 'node:assert/strict';
import { idAt, listValues } from '../../src/crdt/rga.js';
import { gcList } from '../../src/crdt/rga-gc.js';
import type { ListState } from '../../src/crdt/rga-state.js';
import { OpLog } from '../../src/oplog/index.js';
import { CausalBuffer } from '../../src/replica/causal-buffer.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { OpLogSink } from '../../src/replica/op-log-sink.js';
import { encodeState } from '../../src/replica/snapshots.js';
import { LogIndex } from '../../src/replication/log-index.js';
import { installPeerState } from '../../src/replication/state-install.js';
import type { Operation } from '../../src/store/effects.js';
import { stateOfKind } from '../../src/store/key-record.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { tempDir } from '../support/sidecar.js';

/**
 * A full-state install re-applies our own operations the peer's state lacks. When one of
 * them cannot be applied there (an insert anchored on an element the peer has collected),
 * the install must fail with our previous state put back: our write is neither lost nor
 * half-installed. Real engines, a real op log and log index.
 */
describe('full-state install: our operations are never lost', () => {
  const clock = (): number => 1_800_000_000_000;
  const list = (engine: ReplicaEngine, key: string): ListState => {
    const record = engine.keyspace.record(key);
    const state = record === undefined ? undefined : stateOfKind(record, 'list');
    assert.ok(state !== undefined, `${engine.replicaId} has a list at ${key}`);
    return state;
  };
  const recording = (id: string): { engine: ReplicaEngine; ops: Operation[] } => {
    const engine = new ReplicaEngine(id, new Keyspace(), clock);
    const ops: Operation[] = [];
    engine.addSink({ onOperation: (op, local) => { if (local) ops.push(op); } });
    return { engine, ops };
  };

  it('puts our state back when our ops cannot be re-applied on the transferred state, and keeps it otherwise', async () => {
    // x creates element e; a (us) inserts after it; b removes e and collects its tombstone.
    const x = recording('x~1');
    x.engine.emit('l', { type: 'list.insert', anchor: null, values: [Buffer.from('e')] });
    x.engine.finishCommand();
    const log = await OpLog.open({ dir: tempDir('install'), fsync: 'no' });
    const a = new ReplicaEngine('a~1', new Keyspace(), clock);
    a.addSink(new OpLogSink(log, (error) => { throw error; }));
    const index = await LogIndex.build(log, a.vv);
    a.addSink(index);
    const buffer = new CausalBuffer(a);
    buffer.offer(x.ops);
    a.emit('l', { type: 'list.insert', anchor: idAt(list(a, 'l'), 0)!, values: [Buffer.from('mine')] });
    a.finishCommand();
    await new Promise<void>((resolve, reject) => log.commit((error) => (error === null ? resolve() : reject(error))));

    const b = recording('b~1');
    new CausalBuffer(b.engine).offer(x.ops);
    b.engine.emit('l', { type: 'list.remove', ids: [idAt(list(b.engine, 'l'), 0)!] });
    b.engine.emit('other', { type: 'list.insert', anchor: null, values: [Buffer.from('from-b')] });
    b.engine.finishCommand();
    assert.equal(gcList(list(b.engine, 'l'), b.engine.vv), 1, 'b collected the tombstone of e');

    await assert.rejects(installPeerState({ engine: a, log, index, buffer }, encodeState(b.engine)), /kept our own state/);
    assert.deepEqual(listValues(list(a, 'l')).map(String), ['e', 'mine']);
    assert.equal(a.keyspace.record('other'), undefined, 'nothing of the refused state stays');
    assert.deepEqual(Object.fromEntries(a.vv), { 'x~1': 1, 'a~1': 1 });
    assert.equal(index.startFor(new Map()), 0, 'the log index is as before: a peer with nothing is served from the log, not a full state');

    // A state that still has e: our insert is re-applied on top of it.
    const c = recording('c~1');
    new CausalBuffer(c.engine).offer(x.ops);
    c.engine.emit('other', { type: 'list.insert', anchor: null, values: [Buffer.from('from-c')] });
    c.engine.finishCommand();
    const report = await installPeerState({ engine: a, log, index, buffer }, encodeState(c.engine));
    assert.equal(report.reapplied, 1);
    assert.deepEqual(listValues(list(a, 'l')).map(String), ['e', 'mine']);
    assert.deepEqual(listValues(list(a, 'other')).map(String), ['from-c']);
    await log.close();
  });
});
