/**
 * The RESP front end alone (net/ + resp/) against redis-server, with redis-benchmark,
 * interleaved (A, B, A, B) because these machines are noisy. The sidecar side is
 * RespServer driving a minimal in-memory SET/GET sink, so this measures the
 * network layer's ceiling, not the product. Not a test.
 *
 * Run twice: on redis-benchmark's single fixed key, and with `-r 100000` as
 * redis-benchmark.ts runs the product (100,000 keys: a Map that no longer sits in the
 * CPU cache, and a new key string per request). The second is the ceiling to hold the
 * product's ratios against.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/resp-server.js [requests]
 */
import { execFile, spawn } from 'node:child_process';
import type { CommandSink } from '../sidecar/src/commands/client.js';
import { RespServer } from '../sidecar/src/net/server.js';
import { NULL, OK, PONG, bulk, error, type Reply } from '../sidecar/src/resp/reply.js';

const REQUESTS = Number(process.argv[2] ?? 200_000);
const REDIS_PORT = 17_379;

/** SET/GET on a Map keyed by latin1 strings; everything else answers OK. */
class MapSink implements CommandSink {
  private readonly data = new Map<string, Buffer>();
  execute(_client: unknown, args: Buffer[]): Reply {
    const name = args[0]?.toString('latin1').toLowerCase();
    const key = args[1]?.toString('latin1') ?? '';
    if (name === 'set' && args[2] !== undefined) {
      this.data.set(key, args[2]);
      return OK;
    }
    if (name === 'get') {
      const v = this.data.get(key);
      return v === undefined ? NULL : bulk(v);
    }
    if (name === 'ping') return PONG;
    if (name === 'config') return { kind: 'array', items: [] };
    return name === undefined ? error('ERR empty') : OK;
  }
  release(flush: () => void): void {
    flush();
  }
  connected(): void {}
  disconnected(): void {}
}

function benchmark(port: number, pipeline: number, keyspace: number): Promise<Map<string, number>> {
  const random = keyspace > 1 ? ['-r', String(keyspace)] : [];
  const args = ['-p', String(port), '-t', 'set,get', '-n', String(REQUESTS), '-c', '50', '-P', String(pipeline), ...random, '--csv'];
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 120_000 }, (err, stdout) => {
      if (err !== null) return reject(new Error(err.message));
      const rps = new Map<string, number>();
      for (const line of stdout.split('\n').slice(1)) {
        const [test, value] = line.split(',').map((s) => s.replace(/"/g, ''));
        if (test !== undefined && value !== undefined) rps.set(test, Number(value));
      }
      return resolve(rps);
    });
  });
}

const redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const server = new RespServer(new MapSink(), { port: 0 });
await server.listen();
await new Promise((r) => setTimeout(r, 300));
try {
  for (const keyspace of [1, 100_000]) {
    for (const pipeline of [1, 16]) {
      const ours: number[][] = [];
      const theirs: number[][] = [];
      for (let round = 0; round < 2; round++) {
        const a = await benchmark(REDIS_PORT, pipeline, keyspace);
        const b = await benchmark(server.port, pipeline, keyspace);
        theirs.push([a.get('SET') ?? 0, a.get('GET') ?? 0]);
        ours.push([b.get('SET') ?? 0, b.get('GET') ?? 0]);
      }
      const keys = keyspace > 1 ? `-r ${keyspace}` : 'one key';
      for (const [i, test] of ['SET', 'GET'].entries()) {
        const r = Math.max(...theirs.map((x) => x[i] ?? 0));
        const o = Math.max(...ours.map((x) => x[i] ?? 0));
        console.log(`${keys.padEnd(9)} -P ${String(pipeline).padEnd(2)} ${test}: redis-server ${Math.round(r)} rps, RespServer+Map ${Math.round(o)} rps, ratio ${(o / r).toFixed(2)}x (best of 2 interleaved)`);
      }
    }
  }
} finally {
  redis.kill();
  await server.close(200);
}
