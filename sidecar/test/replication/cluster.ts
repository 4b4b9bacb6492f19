import { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { freePort } from '../support/redis-server.js';
import { startSidecar, tempDir } from '../support/sidecar.js';
import { makeCa, makeLeaf, type CertFiles } from './pki.js';

/** One replica of a test cluster: the in-process sidecar and a client to it. */
export interface Member {
  readonly id: string;
  readonly replPort: number;
  sidecar: Sidecar;
  client: Redis;
  readonly dataDir: string;
  readonly flags: string[];
}

export interface ClusterOptions {
  readonly size: number;
  readonly tls?: boolean;
}

/** A shared throwaway PKI for a test file: one CA, one certificate per replica id. */
export class TestPki {
  readonly dir = tempDir('pki');
  readonly ca: CertFiles = makeCa(this.dir, 'cluster-ca');
  private readonly leaves = new Map<string, CertFiles>();

  leaf(id: string): CertFiles {
    let leaf = this.leaves.get(id);
    if (leaf === undefined) {
      leaf = makeLeaf(this.dir, this.ca, id);
      this.leaves.set(id, leaf);
    }
    return leaf;
  }

  flags(id: string): string[] {
    const leaf = this.leaf(id);
    return ['--tls-ca', this.ca.cert, '--tls-cert', leaf.cert, '--tls-key', leaf.key];
  }
}

export function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: true, lazyConnect: false, retryStrategy: () => null });
}

/** Starts `size` in-process replicas r1..rN that list each other as peers (real gRPC, real TLS). */
export async function startCluster(options: ClusterOptions, pki: TestPki | undefined): Promise<Member[]> {
  const ids = Array.from({ length: options.size }, (_, i) => `r${i + 1}`);
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i]}`).join(',');
  const members: Member[] = [];
  for (const [i, id] of ids.entries()) {
    const security = pki === undefined ? ['--insecure-replication'] : pki.flags(id);
    const flags = ['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, ...security];
    const dataDir = tempDir(id);
    const sidecar = await startSidecar(flags, dataDir);
    members.push({ id, replPort: ports[i]!, sidecar, client: connect(sidecar.resp.port), dataDir, flags });
  }
  return members;
}

export async function stopCluster(members: readonly Member[]): Promise<void> {
  for (const member of members) {
    member.client.disconnect();
    await member.sidecar.stop();
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `what` (generous by default: CI is slow). */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function digest(member: Member): Promise<string> {
  return String(await member.client.call('crdt.digest'));
}

/** Every key and its value (GET), sorted: the full dump compared between replicas. */
export async function dump(member: Member): Promise<string> {
  const keys = (await member.client.keys('*')).sort();
  const values = keys.length === 0 ? [] : await member.client.mget(...keys);
  return JSON.stringify(keys.map((key, i) => [key, values[i]]));
}

export async function converged(members: readonly Member[]): Promise<boolean> {
  const digests = await Promise.all(members.map(digest));
  return digests.every((d) => d === digests[0]);
}

/** Waits until every pair of replicas streams to each other. */
export async function allAlive(members: readonly Member[]): Promise<void> {
  await eventually('all peers alive', () => members.every((m) => {
    const statuses = m.sidecar.replication?.status() ?? [];
    return statuses.length === members.length - 1 && statuses.every((s) => s.state === 'alive');
  }));
}
