/**
 * CPU per command of the command layer, in process and without sockets: a real Sidecar
 * (keyspace, replica engine, op log on disk with everysec) driven through its Dispatcher
 * and the RESP encoder, against a bare Map doing the same commands in the same run.
 *
 * redis-benchmark ratios swing ±15–20 % between runs on these machines; this isolates the
 * part of a request that is ours (dispatch, CRDT store, op encoding, op log, stats), so a
 * change to it shows as a stable µs figure, and `--cpu-prof` of this script is a profile
 * of that part alone. Batches of 800 commands (50 clients × -P 16) with an event-loop
 * turn between them, as the server sees them. Not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/command-cost.js [commands-per-type] [rounds] [only-command]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Sidecar } from '../sidecar/src/app/sidecar.js';
import { BLOCKED, type Client, type CommandSink } from '../sidecar/src/commands/client.js';
import { Dispatcher } from '../sidecar/src/commands/dispatch.js';
import { parseOptions } from '../sidecar/src/config/parse.js';
import { toSidecarConfig } from '../sidecar/src/config/sidecar-config.js';
import { createLogger } from '../sidecar/src/observability/logger.js';
import { encodeReply } from '../sidecar/src/resp/encoder.js';
import { OutputBuffer } from '../sidecar/src/resp/output-buffer.js';
import { bulk, integer, NULL, OK, type Reply } from '../sidecar/src/resp/reply.js';

const COMMANDS = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const KEYS = 100_000;
const BATCH = 800;

type Workload = { name: string; make: (i: number) => Buffer[] };

const value = Buffer.from('xxx');
const key = (prefix: string, i: number): Buffer => Buffer.from(`${prefix}:${String((i * 7919) % KEYS).padStart(12, '0')}`, 'latin1');
const word = (s: string): Buffer => Buffer.from(s, 'latin1');

/** redis-benchmark's commands and key shapes (`-r 100000`). */
const RAW_WORKLOADS: { name: string; make: (i: number) => (Buffer | string)[] }[] = [
  { name: 'SET', make: (i) => [word('SET'), key('key', i), value] },
  { name: 'GET', make: (i) => [word('GET'), key('key', i)] },
  { name: 'INCR', make: (i) => [word('INCR'), key('counter', i)] },
  { name: 'MSET (10 keys)', make: (i) => [word('MSET'), ...Array.from({ length: 10 }, (_, j) => [key('key', i + j), value]).flat()] },
  { name: 'LPUSH', make: (i) => [word('LPUSH'), key('mylist', i % 100), value] },
  { name: 'SADD', make: (i) => [word('SADD'), key('myset', i % 100), key('element', i)] },
  { name: 'HSET', make: (i) => [word('HSET'), key('myhash', i % 100), key('element', i), value] },
  { name: 'ZADD', make: (i) => [word('ZADD'), key('myzset', i % 100), String(i % 1000), key('element', i)] },
];
const ONLY = process.argv[4]?.toUpperCase();
const WORKLOADS: Workload[] = RAW_WORKLOADS
  .filter((w) => ONLY === undefined || w.name.startsWith(ONLY))
  .map((w) => ({ name: w.name, make: (i: number) => w.make(i).map((a) => (typeof a === 'string' ? word(a) : a)) }));

class BenchClient implements Client {
  readonly id = 1;
  readonly remoteAddress = '127.0.0.1:1';
  readonly localAddress = '127.0.0.1:6379';
  readonly createdAt = 0;
  protocol: 2 | 3 = 2;
  name = '';
  libName = '';
  libVersion = '';
  authenticated = true;
  lastCommand = '';
  session: unknown = undefined;
  replyFlags = 0;
  push(): void {}
  unblock(): void {}
  closeAfterReply(): void {}
  close(): void {}
}

/** The same commands on plain Maps: the floor any implementation pays in this process. */
class MapSink implements CommandSink {
  private readonly strings = new Map<string, Buffer>();
  private readonly containers = new Map<string, Map<string, Buffer>>();
  execute(_client: Client, args: Buffer[]): Reply {
    const name = (args[0] ?? value).toString('latin1').toLowerCase();
    const k = (args[1] ?? value).toString('latin1');
    switch (name) {
      case 'set': this.strings.set(k, args[2] ?? value); return OK;
      case 'get': { const v = this.strings.get(k); return v === undefined ? NULL : bulk(v); }
      case 'incr': { const v = Number(this.strings.get(k)?.toString('latin1') ?? '0') + 1; this.strings.set(k, Buffer.from(String(v))); return integer(v); }
      case 'mset': for (let i = 1; i + 1 < args.length; i += 2) this.strings.set((args[i] ?? value).toString('latin1'), args[i + 1] ?? value); return OK;
      default: {
        let c = this.containers.get(k);
        if (c === undefined) this.containers.set(k, (c = new Map<string, Buffer>()));
        const member = (args[args.length - 1] ?? value).toString('latin1');
        const added = c.has(member) ? 0 : 1;
        c.set(member, args[2] ?? value);
        return integer(name === 'lpush' ? c.size : added);
      }
    }
  }
  release(flush: () => void): void { flush(); }
  connected(): void {}
  disconnected(): void {}
}

/** CPU µs per command (user + system, GC included) for one workload on one sink. */
async function measure(sink: CommandSink, workload: Workload, offset: number): Promise<number> {
  const client = new BenchClient();
  const commands = Array.from({ length: COMMANDS }, (_, i) => workload.make(i + offset));
  const out = new OutputBuffer();
  await nextTurn();
  const before = process.cpuUsage();
  for (let start = 0; start < commands.length; start += BATCH) {
    const end = Math.min(commands.length, start + BATCH);
    for (let i = start; i < end; i++) {
      const reply = sink.execute(client, commands[i] ?? []);
      if (reply !== BLOCKED) encodeReply(out, reply, 2);
    }
    let flushed = false;
    sink.release(() => { flushed = true; });
    if (!flushed) throw new Error('the sink held replies back: run with everysec');
    out.take();
    await nextTurn();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / COMMANDS;
}

async function startSidecar(dir: string): Promise<Sidecar> {
  const options = parseOptions(['--port', '0', '--admin-port', '-1', '--data-dir', dir, '--replica-id', 'bench', '--snapshot-interval', '0'], {});
  const logger = createLogger('error', 'json', { replica: 'bench' });
  logger.silent = true;
  const sidecar = new Sidecar(toSidecarConfig(options), logger);
  await sidecar.start();
  return sidecar;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-command-cost-'));
  const sidecar = await startSidecar(dir);
  const dispatcher = new Dispatcher(sidecar.server);
  const baseline = new MapSink();
  console.log(`${COMMANDS} commands per type, ${KEYS} keys, batches of ${BATCH}, best of ${ROUNDS} rounds (interleaved)`);
  console.log('| command | sidecar µs | Map µs | Map / sidecar |');
  console.log('|---|---|---|---|');
  for (const workload of WORKLOADS) {
    let ours = Infinity;
    let floor = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      ours = Math.min(ours, await measure(dispatcher, workload, round * COMMANDS));
      floor = Math.min(floor, await measure(baseline, workload, round * COMMANDS));
    }
    console.log(`| ${workload.name} | ${ours.toFixed(2)} | ${floor.toFixed(2)} | ${(floor / ours).toFixed(2)}× |`);
  }
  await sidecar.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
