import { Redis } from 'ioredis';
import { freePort, startSidecar, stop, type Server } from './bench-support.js';
import { TestPki } from '../sidecar/test/replication/cluster.js';

/** Helpers of the replication benchmarks: a cluster of sidecar processes over mutual TLS on loopback. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function infoField(client: Redis, field: string, section = 'replication'): Promise<number> {
  const text = await client.info(section);
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return Number(match?.[1]?.trim() ?? 0);
}

export interface BenchCluster {
  readonly servers: Server[];
  readonly clients: Redis[];
  stop(): Promise<void>;
}

/** `size` sidecar processes r1..rN peered with each other, every peer alive. */
export async function startBenchCluster(size: number, extraArgs: readonly string[] = []): Promise<BenchCluster> {
  const pki = new TestPki();
  const ids = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i]}`).join(',');
  const servers: Server[] = [];
  for (const [i, id] of ids.entries()) {
    servers.push(await startSidecar(['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, ...pki.flags(id), ...extraArgs]));
  }
  const clients = servers.map((s) => new Redis({ port: s.port, host: '127.0.0.1' }));
  await waitAlive(clients);
  return {
    servers,
    clients,
    stop: async () => {
      for (const c of clients) c.disconnect();
      for (const s of servers) await stop(s);
    },
  };
}

export async function waitAlive(clients: readonly Redis[]): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const alive = await Promise.all(clients.map((c) => infoField(c, 'crdt_peers_alive')));
    if (alive.every((n) => n === clients.length - 1)) return;
    await sleep(50);
  }
  throw new Error('peers never all alive');
}

/** Polls until every replica reports the same CRDT.DIGEST; returns when that happened. */
export async function waitConverged(clients: readonly Redis[], pollMs = 10): Promise<number> {
  for (;;) {
    const digests = await Promise.all(clients.map(async (c) => String(await c.call('crdt.digest'))));
    if (new Set(digests).size === 1) return Date.now();
    await sleep(pollMs);
  }
}

/**
 * A steady `rate` writes/s on `writer` for `seconds` (pipelines sent as the clock makes them
 * due), alternating SET and INCRBY over `keyspace` keys under `prefix`; returns the writes done.
 */
export async function steadyWrites(writer: Redis, prefix: string, rate: number, seconds: number, keyspace = 100000): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) * rate) / 1000);
    if (due > sent) {
      const pipeline = writer.pipeline();
      for (; sent < due; sent++) {
        if (sent % 2 === 0) pipeline.set(`${prefix}:${sent % keyspace}`, String(sent));
        else pipeline.incrby(`${prefix}:n:${sent % 100}`, 1);
      }
      await pipeline.exec();
    } else await sleep(1);
  }
  return sent;
}
