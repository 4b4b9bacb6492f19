import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { DEFAULT_MIRROR_OPTIONS, Mirror } from '../../src/mirror/mirror.js';
import { parseMirrorUrl } from '../../src/mirror/mirror-url.js';
import { verifyMirror } from '../../src/mirror/verify.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { eventually, MirrorServer } from './harness.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The write-behind queue is bounded: a mirror that stops answering costs writes nothing, and is rebuilt. */
describe('mirror write-behind queue bound', function () {
  this.timeout(120000);
  let server: MirrorServer;

  before(async () => {
    server = await MirrorServer.start();
  });

  after(async () => {
    await server.kill();
  });

  it('drops writes past the bound while the mirror is stalled, then rebuilds it equal to the store', async () => {
    const keyspace = new Keyspace();
    const engine = new ReplicaEngine('bound', keyspace, Date.now);
    const logger = createLogger('error', 'json', {});
    logger.silent = true;
    const mirror = new Mirror(parseMirrorUrl(server.url), keyspace, logger, { ...DEFAULT_MIRROR_OPTIONS, maxDepth: 20, probeIntervalMs: 0 });
    engine.addSink(mirror.writeBehind);
    mirror.start();
    const admin = server.client();
    try {
      await eventually('the mirror to be live', () => mirror.state === 'live');
      server.pause();
      for (let i = 0; i < 2000; i++) {
        engine.emit(`key:${i % 700}`, { type: 'str.incr', delta: 1n });
        engine.finishCommand();
        if (i % 20 === 19) await nextTurn(); // one MSET per turn
      }
      assert.ok((mirror.link?.depth ?? 0) <= 20 + 2, `the queue stayed bounded (depth ${mirror.link?.depth})`);
      assert.equal(mirror.counters.overflows, 1);
      assert.ok(mirror.counters.droppedWrites > 0);
      server.resume();
      await eventually('the rebuild after the overflow', () => mirror.counters.rebuilds >= 2 && mirror.state === 'live');
      await mirror.drained();
      const report = await verifyMirror(mirror, keyspace, undefined);
      assert.equal(report.checked, 700);
      assert.deepEqual(report.differences, []);
      assert.equal(await admin.dbsize(), 700);
      assert.equal(await admin.get('key:0'), '3'); // 2000 increments over 700 keys: keys 0..599 got 3
      assert.equal(await admin.get('key:699'), '2');
    } finally {
      server.resume();
      admin.disconnect();
      mirror.stop();
    }
  });
});
