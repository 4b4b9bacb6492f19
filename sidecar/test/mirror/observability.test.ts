import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import client from 'prom-client';
import winston from 'winston';
import type { Sidecar } from '../../src/app/sidecar.js';
import { DEFAULT_MIRROR_OPTIONS, Mirror } from '../../src/mirror/mirror.js';
import { registerMirrorMetrics } from '../../src/mirror/mirror-metrics.js';
import { mirrorStatusFields } from '../../src/mirror/mirror-status.js';
import { parseMirrorUrl } from '../../src/mirror/mirror-url.js';
import { ReplicaEngine } from '../../src/replica/engine.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';
import { eventually, MirrorServer, settled } from './harness.js';

/** A logger that keeps every entry (message and fields) for the test to read. */
function capturingLogger(): { logger: winston.Logger; entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      entries.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  return { logger, entries };
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`metric ${name} missing from:\n${text}`);
  return Number(line.slice(name.length + 1));
}

describe('mirror observability: rebuild progress, queue and error metrics, INFO', function () {
  this.timeout(120000);
  let server: MirrorServer;

  before(async () => {
    server = await MirrorServer.start();
  });

  after(async () => {
    await server.kill();
  });

  it('reports a running rebuild in logs, STATUS fields and metrics', async () => {
    const keyspace = new Keyspace();
    const engine = new ReplicaEngine('obs', keyspace, Date.now);
    for (let i = 0; i < 5000; i++) {
      engine.emit(`key:${i}`, { type: 'str.incr', delta: BigInt(i) });
      engine.finishCommand();
    }
    const { logger, entries } = capturingLogger();
    // A clock that moves a second per read, so every chunk is worth a progress line.
    let now = Date.now();
    const clock = (): number => (now += 1000);
    const mirror = new Mirror(parseMirrorUrl(server.url), keyspace, logger, { ...DEFAULT_MIRROR_OPTIONS, rebuildChunkSlots: 50, probeIntervalMs: 0 }, clock);
    const registry = new client.Registry();
    registerMirrorMetrics(registry, mirror);
    const during: string[] = [];
    mirror.start();
    try {
      for (;;) {
        const running = mirror.progress !== undefined && mirror.progress.visited > 0;
        const text = await registry.metrics();
        if (running && mirror.progress !== undefined) during.push(text);
        if (mirror.state === 'live') break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const progress = entries.filter((e) => e.message === 'Mirror rebuild progress');
      assert.ok(progress.length >= 10, `expected progress lines, got ${progress.length}`);
      const visited = progress.map((e) => Number(e.visited));
      assert.deepEqual([...visited].sort((a, b) => a - b), visited, 'progress only moves forward');
      assert.ok(progress.every((e) => e.total === 5000));
      const started = entries.find((e) => e.message === 'Rebuilding the local Redis mirror');
      assert.equal(started?.reason, 'start-up');
      const finished = entries.find((e) => e.message === 'Rebuilt the local Redis mirror');
      assert.equal(finished?.keys, 5000);
      assert.ok(during.length > 0, 'the metrics were read while the rebuild ran');
      const ratios = during.map((text) => metricValue(text, 'redis_crdt_mirror_rebuild_progress_ratio'));
      assert.ok(ratios.some((r) => r > 0 && r < 1), `a partial progress ratio was reported: ${ratios.join(', ')}`);
      assert.ok(during.every((text) => metricValue(text, 'redis_crdt_mirror_rebuild_in_progress') === 1));
      const after = await registry.metrics();
      assert.equal(metricValue(after, 'redis_crdt_mirror_rebuild_in_progress'), 0);
      assert.equal(metricValue(after, 'redis_crdt_mirror_rebuilds_total'), 1);
      assert.equal(metricValue(after, 'redis_crdt_mirror_live'), 1);
      const status = new Map(mirrorStatusFields(mirror, now));
      assert.equal(status.get('mirror_last_rebuild_keys'), 5000);
      assert.equal(status.get('mirror_last_rebuild_reason'), 'start-up');
    } finally {
      mirror.stop();
    }
  });

  describe('through a sidecar', () => {
    let sidecar: Sidecar;
    let resp: RawClient;

    before(async () => {
      await server.kill();
      await server.restart();
      sidecar = await startSidecar(['--mirror', server.url, '--admin-port', '0']);
      resp = await RawClient.connect(sidecar.resp.port);
      await settled(sidecar);
    });

    after(async () => {
      resp.close();
      await sidecar.stop();
    });

    it('exports queue, lag, command and error metrics, and the same figures in INFO mirror', async () => {
      // The mirror refuses an LSET the store accepts only if they diverged: make them, behind the sidecar's back.
      await resp.pipeline([['RPUSH', 'l', 'a'], ['SET', 's', '1']]);
      await settled(sidecar);
      const mirrorClient = server.client();
      await mirrorClient.del('l');
      mirrorClient.disconnect();
      await resp.call(['LSET', 'l', '0', 'b']);
      await settled(sidecar);
      await eventually('the reply error to be counted', () => (sidecar.mirror?.counters.replyErrors ?? 0) > 0);
      const response = await fetch(`http://127.0.0.1:${sidecar.adminPort}/metrics`);
      const text = await response.text();
      for (const name of ['redis_crdt_mirror_queue_depth', 'redis_crdt_mirror_queue_bytes', 'redis_crdt_mirror_lag_seconds', 'redis_crdt_mirror_rebuild_progress_ratio']) {
        assert.ok(Number.isFinite(metricValue(text, name)), name);
      }
      assert.equal(metricValue(text, 'redis_crdt_mirror_up'), 1);
      assert.ok(metricValue(text, 'redis_crdt_mirror_commands_total') >= 3);
      assert.ok(metricValue(text, 'redis_crdt_mirror_errors_total') >= 1);
      const info = (await resp.call(['INFO', 'mirror'])).toString('latin1');
      assert.match(info, /# Mirror\r\n/i);
      assert.match(info, /mirror_state:live\r\n/);
      assert.match(info, /mirror_reply_errors:[1-9]/);
      assert.match(info, /mirror_last_reply_error:ERR no such key/);
      assert.match(info, /mirror_queue_depth:\d+\r\n/);
      assert.match(info, /mirror_lag_ms:\d+\r\n/);
    });
  });
});
