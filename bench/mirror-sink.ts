/**
 * What the mirror adds to the sidecar's write path, in CPU per op: the same SET and INCR
 * ops applied through a ReplicaEngine with no sink, then with the mirror's write-behind
 * sink writing to a real redis-server (encoding, batching, socket writes and reading the
 * replies, all in this process). Bursts of 16 ops per event-loop turn, as a -P 16 client
 * causes. CPU time, not wall time, so a loaded machine blurs it less than rps. Also
 * prints the mirror redis-server's own CPU per op (it shares the machine's cores).
 *
 *   npm run build && node dist/bench/mirror-sink.js [--ops 300000] [--rounds 3]
 */
import { NO_CONTRIBUTIONS } from '../sidecar/src/crdt/contributions.js';
import { Mirror } from '../sidecar/src/mirror/mirror.js';
import { parseMirrorUrl } from '../sidecar/src/mirror/mirror-url.js';
import { createLogger } from '../sidecar/src/observability/logger.js';
import { ReplicaEngine } from '../sidecar/src/replica/engine.js';
import type { Effect } from '../sidecar/src/store/effects.js';
import { Keyspace } from '../sidecar/src/store/keyspace.js';
import { argValue, cpuMicros, median, startRedis, stop, type Server } from './bench-support.js';

const ops = argValue('ops', 300000);
const rounds = argValue('rounds', 3);
const BURST = 16;
const VALUE = Buffer.from('xxx');

const cpu = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Sample { readonly cpu: number; readonly mirrorCpu: number }

async function run(effect: Effect, redis: Server | undefined): Promise<Sample> {
  const mirrorPort = redis?.port;
  const keyspace = new Keyspace();
  const engine = new ReplicaEngine('bench', keyspace, Date.now);
  let mirror: Mirror | undefined;
  if (mirrorPort !== undefined) {
    const logger = createLogger('error', 'json', {});
    logger.silent = true;
    mirror = new Mirror(parseMirrorUrl(`redis://127.0.0.1:${mirrorPort}`), keyspace, logger);
    engine.addSink(mirror.writeBehind);
    mirror.start();
    while (mirror.state !== 'live') await new Promise((r) => setTimeout(r, 20));
  }
  const started = cpu();
  const mirrorStarted = cpuMicros(redis?.child.pid);
  for (let i = 0; i < ops; i += BURST) {
    for (let j = i; j < i + BURST; j++) {
      engine.emit(`key:${j % 100000}`, effect);
      engine.finishCommand();
    }
    await nextTurn();
  }
  if (mirror !== undefined) {
    await mirror.drained();
    mirror.stop();
  }
  return { cpu: (cpu() - started) / ops, mirrorCpu: redis === undefined ? 0 : (cpuMicros(redis.child.pid) - mirrorStarted) / ops };
}

const redis = await startRedis(['--appendonly', 'no']);
try {
  const effects: [string, Effect][] = [['SET', { type: 'str.set', value: VALUE, observed: NO_CONTRIBUTIONS }], ['INCR', { type: 'str.incr', delta: 1n }]];
  console.log(`${ops} ops in bursts of ${BURST} per turn, ${rounds} interleaved rounds (medians), CPU µs per op in this process`);
  for (const [name, effect] of effects) {
    const without: number[] = [];
    const withMirror: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      without.push((await run(effect, undefined)).cpu);
      withMirror.push(await run(effect, redis));
    }
    const alone = median(without);
    const mirrored = median(withMirror.map((s) => s.cpu));
    console.log(`${name.padEnd(5)} store only ${alone.toFixed(2)} µs, with write-behind ${mirrored.toFixed(2)} µs: the mirror adds ${(mirrored - alone).toFixed(2)} µs per op here, and the mirror redis-server spends ${median(withMirror.map((s) => s.mirrorCpu)).toFixed(2)} µs per op`);
  }
} finally {
  await stop(redis);
}
