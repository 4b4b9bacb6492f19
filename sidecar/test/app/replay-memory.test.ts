import assert from 'node:assert/strict';
import { stringValue, type StringRegister } from '../../src/crdt/string-register.js';
import { RawClient } from '../support/raw-client.js';
import { SidecarProcess, startSidecar, tempDir } from '../support/sidecar.js';

/**
 * Values a replica takes from bytes it read (its op log at start-up) must not be views of
 * the read buffer: one surviving value would keep a whole 1 MiB read window alive, and a
 * restarted replica could hold several times its data in memory.
 */
describe('start-up replay: replayed values do not keep the op log read buffers alive', function () {
  this.timeout(60000);

  it('after kill -9 and replay, a value is backed by its own small allocation', async () => {
    const dir = tempDir('replay-memory');
    const proc = await SidecarProcess.start(['--appendfsync', 'always', '--snapshot-interval', '0'], dir);
    const client = await RawClient.connect(proc.port);
    await client.pipeline(Array.from({ length: 400 }, (_, i) => ['SET', `k:${i}`, 'v'.repeat(300)]));
    client.close();
    await proc.crash();
    const sidecar = await startSidecar(['--replica-id', 'proc'], dir);
    try {
      assert.ok((sidecar.recovery?.replayed ?? 0) >= 400, `replayed ${sidecar.recovery?.replayed ?? 0} ops`);
      for (const key of ['k:0', 'k:199', 'k:399']) {
        const value = stringValue(sidecar.keyspace.lookup(key, Date.now()) as StringRegister) ?? Buffer.alloc(0);
        assert.equal(value.toString(), 'v'.repeat(300), key);
        assert.ok(value.buffer.byteLength <= 16 * 1024, `${key}'s value is a view of a ${value.buffer.byteLength}-byte buffer`);
      }
    } finally {
      await sidecar.stop();
    }
  });
});
