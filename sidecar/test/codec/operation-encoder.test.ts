import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOperation, encodeOperationReflect } from '../../src/codec/operation-codec.js';
import { encodeOperation } from '../../src/codec/operation-encoder.js';
import type { Operation } from '../../src/store/effects.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar, tempDir } from '../support/sidecar.js';

/**
 * The hand-written op encoder must give exactly protobufjs's bytes: ops written by real
 * commands of every type (random keys and values, empty and long ones whose lengths need
 * several varint bytes), on a replica that applied another
 * replica's ops (so deps have entries), inside and outside MULTI/EXEC.
 */
const COMMANDS: ((k: string, v: string, n: number) => string[])[] = [
  (k, v) => ['SET', k, v],
  (k, v, n) => ['SET', k, v, 'PX', String(1000 + n)],
  (k) => ['INCR', k],
  (k, _v, n) => ['INCRBY', k, String(n - 500)],
  (k) => ['INCRBYFLOAT', k, '1.5'],
  (k) => ['DEL', k],
  (k, _v, n) => ['EXPIRE', k, String(n + 1)],
  (k) => ['PERSIST', k],
  (k, v) => ['APPEND', k, v],
  (k, v) => ['RPUSH', `l${k}`, v, v],
  (k) => ['LPOP', `l${k}`],
  (k, v) => ['SADD', `s${k}`, v],
  (k, v) => ['SREM', `s${k}`, v],
  (k, v, n) => ['HSET', `h${k}`, v, String(n)],
  (k, v) => ['HINCRBY', `h${k}`, v, '2'],
  (k, v) => ['HDEL', `h${k}`, v],
  (k, v, n) => ['ZADD', `z${k}`, String(n), v],
  (k, v) => ['ZINCRBY', `z${k}`, '1.25', v],
  (k, v) => ['ZREM', `z${k}`, v],
  (k) => ['DEL', `h${k}`, `z${k}`, `l${k}`],
];

const commandArb = fc.record({
  pick: fc.nat(COMMANDS.length - 1),
  key: fc.constantFrom('a', 'b', '', 'ключ'),
  value: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('x'.repeat(200), 'y'.repeat(20_000))),
  n: fc.nat(1000),
});

describe('operation encoder: byte-for-byte protobufjs', function () {
  this.timeout(120_000);

  it('encodes every op real commands write exactly as protobufjs does, and the bytes decode back to the op', async () => {
    const other = await startSidecar(['--replica-id', 'peer'], tempDir('enc-peer'));
    const sidecar = await startSidecar(['--replica-id', 'replica-x'], tempDir('enc'));
    const ops: Operation[] = [];
    sidecar.engine.addSink({ onOperation: (op, local) => { if (local) ops.push(op); } });
    const otherOps: Operation[] = [];
    other.engine.addSink({ onOperation: (op) => otherOps.push(op) });
    const client = await RawClient.connect(sidecar.resp.port);
    const otherClient = await RawClient.connect(other.resp.port);
    let checked = 0;
    let scoreEpochs = 0;
    try {
      await fc.assert(fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 12 }), fc.boolean(), async (commands, atomic) => {
        // The other replica writes too and we apply its ops: our deps name it.
        await otherClient.pipeline([['INCR', 'peer-counter']]);
        for (const op of otherOps.splice(0)) sidecar.engine.applyRemote(op);
        const lines = commands.map(({ pick, key, value, n }) => COMMANDS[pick]!(key, value, n));
        await client.pipeline(atomic ? [['MULTI'], ...lines, ['EXEC']] : lines);
        for (const op of ops.splice(0)) {
          if (op.effects.some(({ effect }) => effect.type === 'zset.incr' && effect.newEpoch === true)) scoreEpochs += 1;
          const fast = encodeOperation(op);
          assert.deepEqual(fast, Buffer.from(encodeOperationReflect(op)), `op ${op.ctx.seq} (${op.effects.map((e) => e.effect.type).join(',')})`);
          assert.deepEqual(encodeOperation(decodeOperation(fast)), fast);
          checked += 1;
        }
      }), { numRuns: 150 });
    } finally {
      client.close();
      otherClient.close();
      await sidecar.stop();
      await other.stop();
    }
    assert.ok(checked > 300, `only ${checked} ops checked`);
    assert.ok(scoreEpochs > 10, `only ${scoreEpochs} ZINCRBYs started a score epoch`);
  });
});
