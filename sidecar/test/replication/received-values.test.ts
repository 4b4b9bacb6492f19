import assert from 'node:assert/strict';
import { stringValue, type StringRegister } from '../../src/crdt/string-register.js';
import { allAlive, eventually, startCluster, stopCluster, TestPki, type Member } from './cluster.js';

/**
 * A value a replica takes from a peer's batch must not be a view of the whole received
 * message (up to 512 ops): one surviving value would keep the message alive. Each op is
 * decoded from its own copy (PeerLink.decodeBatch).
 */
describe('replication: received values do not keep the peer\'s whole message alive', function () {
  this.timeout(60000);
  let members: Member[] = [];

  after(async () => { await stopCluster(members); });

  it('a value replicated in a batch of 300 ops is backed by a small allocation', async () => {
    members = await startCluster({ size: 2 }, new TestPki());
    await allAlive(members);
    const [writer, receiver] = members as [Member, Member];
    const pipeline = writer.client.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`k:${i}`, 'v'.repeat(300));
    await pipeline.exec();
    await eventually('the receiver has every key', async () => (await receiver.client.dbsize()) === 300);
    for (const key of ['k:0', 'k:150', 'k:299']) {
      const value = stringValue(receiver.sidecar.keyspace.lookup(key, Date.now()) as StringRegister) ?? Buffer.alloc(0);
      assert.equal(value.toString(), 'v'.repeat(300), key);
      assert.ok(value.buffer.byteLength <= 16 * 1024, `${key}'s value is a view of a ${value.buffer.byteLength}-byte buffer`);
    }
  });
});
