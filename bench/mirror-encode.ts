/**
 * Cost in this process of sending write-behind commands to a redis-server, per command:
 * (a) ioredis, one call per command (its auto-pipelining batches the socket writes),
 * (b) the mirror's link: pre-encoded RESP in one buffer per event-loop turn.
 * Both send the same SETs in bursts of 16 per turn (as a -P 16 client would cause) and
 * wait for every reply; CPU is user+system time of this process. Issue 5 says (b) costs
 * about a third of (a); this measures it on the machine at hand.
 *
 *   npm run build && node dist/bench/mirror-encode.js [--commands 200000] [--rounds 3]
 */
import { Redis } from 'ioredis';
import { commandHead } from '../sidecar/src/mirror/command-writer.js';
import { MirrorLink } from '../sidecar/src/mirror/mirror-link.js';
import { parseMirrorUrl } from '../sidecar/src/mirror/mirror-url.js';
import { argValue, median, startRedis, stop } from './bench-support.js';

const commands = argValue('commands', 200000);
const rounds = argValue('rounds', 3);
const BURST = 16;
const VALUE = Buffer.from('xxx');
const SET = commandHead('SET', 3);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function viaIoredis(port: number): Promise<number> {
  const client = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: true, lazyConnect: false });
  await client.ping();
  const started = cpuMicros();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < commands; i += BURST) {
    for (let j = i; j < i + BURST; j++) pending.push(client.set(`key:${j % 100000}`, VALUE));
    if (pending.length >= 4096) await Promise.all(pending.splice(0));
    await nextTurn();
  }
  await Promise.all(pending);
  const micros = cpuMicros() - started;
  client.disconnect();
  return micros / commands;
}

async function viaLink(port: number): Promise<number> {
  const link = await MirrorLink.open(parseMirrorUrl(`redis://127.0.0.1:${port}`), { onClose: () => undefined, onReplyError: () => undefined }, 5000);
  const started = cpuMicros();
  for (let i = 0; i < commands; i += BURST) {
    for (let j = i; j < i + BURST; j++) {
      link.writer.begin(SET);
      link.writer.latin1(`key:${j % 100000}`);
      link.writer.bytes(VALUE);
    }
    link.wrote(BURST);
    if (link.depth > 4096) await link.request([['PING']]);
    await nextTurn();
  }
  await link.request([['PING']]);
  const micros = cpuMicros() - started;
  link.close();
  return micros / commands;
}

const redis = await startRedis(['--appendonly', 'no']);
try {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    a.push(await viaIoredis(redis.port));
    b.push(await viaLink(redis.port));
  }
  console.log(`${commands} SETs in bursts of ${BURST}, ${rounds} interleaved rounds (medians), CPU of this process per command`);
  console.log(`ioredis per command:       ${median(a).toFixed(2)} µs`);
  console.log(`pre-encoded link batches:  ${median(b).toFixed(2)} µs   (${(median(b) / median(a)).toFixed(2)}x of ioredis)`);
} finally {
  await stop(redis);
}
