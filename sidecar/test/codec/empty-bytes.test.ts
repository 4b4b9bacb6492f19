import assert from 'node:assert/strict';
import { decodeOperation } from '../../src/codec/operation-codec.js';
import { encodeOperation } from '../../src/codec/operation-encoder.js';
import { encodeOnce } from '../../src/replica/encoded-ops.js';
import type { Operation } from '../../src/store/effects.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar, tempDir } from '../support/sidecar.js';

// protobufjs leaves an empty bytes field off the wire and decodes it as its default, a
// plain empty array (not a Uint8Array). An op holding an empty value used to fail to
// decode, so a peer refused every batch after it (and replication stalled for good) and
// an op log holding it could not be replayed.
describe('operation codec: empty byte strings', function () {
  this.timeout(60000);

  it('round-trips ops whose key, value, member or field is empty, and applies them on another replica', async () => {
    const origin = await startSidecar([], tempDir('codec-a'));
    const other = await startSidecar([], tempDir('codec-b'));
    const ops: Operation[] = [];
    origin.engine.addSink({ onOperation: (op) => ops.push(op) });
    const client = await RawClient.connect(origin.resp.port);
    try {
      await client.pipeline([
        ['SET', 'k', ''], ['SET', '', 'empty key'], ['APPEND', 'a', ''], ['SETRANGE', 'r', '0', ''], ['INCRBYFLOAT', 'f', '0'],
        ['HSET', 'h', '', ''], ['SADD', 's', ''], ['RPUSH', 'l', '', 'x'], ['LSET', 'l', '1', ''], ['ZADD', 'z', '1', ''],
        ['ZINCRBY', 'z', '2', ''], ['SREM', 's', ''], ['HDEL', 'h', ''], ['DEL', 'k'],
      ]);
      assert.ok(ops.length >= 10, `expected the commands to write, got ${ops.length} ops`);
      for (const op of ops) {
        const bytes = encodeOnce(op);
        const decoded = decodeOperation(bytes);
        assert.deepEqual(Buffer.from(encodeOperation(decoded)), bytes, `op ${op.ctx.seq} re-encodes to the same bytes`);
        assert.equal(other.engine.applyRemote(decoded), 'applied');
      }
      for (const key of ['', 'a', 'r', 'f', 'h', 's', 'l', 'z']) {
        assert.deepEqual(other.keyspace.lookup(key, Date.now()), origin.keyspace.lookup(key, Date.now()), `key ${JSON.stringify(key)}`);
      }
    } finally {
      client.close();
      await origin.stop();
      await other.stop();
    }
  });
});
