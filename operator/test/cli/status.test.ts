import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { renderStatus, type ReplicaReport } from '../../src/cli/status-report.js';
import { parseStatusArgs } from '../../src/cli/status-args.js';
import type { SidecarStatus } from '../../src/reconcile/sidecar-status.js';

const CLI = join(process.cwd(), 'dist', 'operator', 'src', 'cli', 'main.js');
const LOCAL_CLUSTER = join(process.cwd(), 'scripts', 'local-cluster.mjs');
const run = promisify(execFile);

function sidecar(replicaId: string, peers: SidecarStatus['peers'], extra: Partial<SidecarStatus> = {}): SidecarStatus {
  return { replicaId, originId: `${replicaId}~abc`, ready: true, draining: false, opsOriginated: 10, opsApplied: 20, keys: 5, oplogBytes: 2048, versionVector: {}, peers, ...extra };
}

const peer = (id: string, lagOps: number, lagMs: number, state: 'alive' | 'dead' = 'alive'): SidecarStatus['peers'][number] =>
  ({ id, address: `${id}:7100`, state, lagOps, lagMs, ackedVersionVector: {} });

describe('redis-crdt status: the report', () => {
  it('prints a row per replica and a peer × peer lag matrix, with unreachable replicas and their reasons', () => {
    const reports: ReplicaReport[] = [
      { name: 'r1', admin: 'h:1', status: sidecar('r1', [peer('r2', 0, 0), peer('r3', 42, 1500)]) },
      { name: 'r2', admin: 'h:2', status: sidecar('r2', [peer('r1', 0, 0), peer('r3', 7, 20, 'dead')], { draining: true }) },
      { name: 'r3', admin: 'h:3', error: 'connect ECONNREFUSED' },
    ];
    const lines = renderStatus(reports).split('\n');
    const row = (name: string): string[] => (lines.find((l) => l.startsWith(`${name} `)) ?? '').split(/\s{2,}/);
    assert.deepEqual(row('r1').slice(0, 8), ['r1', 'ready', '5', '10', '20', '2.0 KiB', '2/2', 'h:1']);
    assert.equal(row('r2')[1], 'draining');
    assert.equal(row('r3')[1], 'unreachable');
    assert.ok(lines.includes('  r3: connect ECONNREFUSED'));
    const matrix = lines.slice(lines.findIndex((l) => l.startsWith('FROM')));
    assert.match(matrix[0]!, /^FROM \\ TO\s+r1\s+r2\s+r3$/);
    assert.match(matrix[1]!, /^r1\s+-\s+0\s+42 \(1\.5s\)$/);
    assert.match(matrix[2]!, /^r2\s+0\s+-\s+dead \(7\)$/);
    assert.match(matrix[3]!, /^r3\s+\?\s+\?\s+-$/);
  });

  it('heads the report with the cluster resource phase and conditions on Kubernetes', () => {
    const text = renderStatus([], { namespace: 'prod', name: 'cache', phase: 'Running', replicas: 3, readyReplicas: 2, conditions: [{ type: 'Ready', status: 'False', reason: 'ReplicasNotReady', message: '2/3 ready' }] });
    assert.match(text, /^Cluster prod\/cache: phase Running, 2\/3 ready\n {2}Ready=False \(ReplicasNotReady: 2\/3 ready\)\n/);
  });

  it('parses flags, and rejects bad ones with what is wrong', () => {
    assert.deepEqual(parseStatusArgs(['--base-port', '7001', '--replicas=5', '-o', 'json']), { basePort: 7001, replicas: 5, admin: undefined, name: undefined, namespace: undefined, kubeconfig: undefined, output: 'json', timeoutMs: 2000 });
    assert.throws(() => parseStatusArgs(['--replicas', 'x']), /--replicas must be an integer in 1..16, got 'x'/);
    assert.throws(() => parseStatusArgs(['--output', 'yaml']), /--output must be text or json/);
    assert.throws(() => parseStatusArgs(['--name']), /--name needs a value/);
    assert.throws(() => parseStatusArgs(['--admin', 'a:1', '--name', 'c']), /exclude each other/);
    assert.throws(() => parseStatusArgs(['--what']), /unknown option '--what'/);
  });
});

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port B with B..B+2, B+100.. and B+200.. all free (the local cluster's layout). */
async function freeBlock(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ports = [0, 1, 2].flatMap((i) => [base + i, base + 100 + i, base + 200 + i]);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('redis-crdt status against a running local cluster (real processes, mTLS)', function () {
  this.timeout(120000);
  let cluster: ChildProcess | undefined;
  let base = 0;
  const clients: Redis[] = [];

  before(async () => {
    base = await freeBlock();
    const dir = mkdtempSync(join(tmpdir(), 'redis-crdt-cli-'));
    cluster = spawn(process.execPath, [LOCAL_CLUSTER, '--replicas', '3', '--base-port', String(base), '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 3; i++) {
      const client = new Redis({ port: base + i, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100 });
      client.on('error', () => undefined); // refused until the replica listens: the ping loop below waits
      clients.push(client);
    }
    await eventually('every replica answers', async () => {
      const answers = await Promise.all(clients.map((c) => c.ping().catch(() => 'down')));
      return answers.every((a) => a === 'PONG');
    });
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    if (cluster !== undefined && cluster.exitCode === null) {
      const exited = new Promise((resolve) => cluster!.once('exit', resolve));
      cluster.kill('SIGTERM');
      await exited;
    }
  });

  const status = async (...args: string[]): Promise<{ code: number; stdout: string }> => {
    try {
      const { stdout } = await run(process.execPath, [CLI, 'status', '--base-port', String(base), ...args]);
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  it('reports every replica ready with its peers alive, and exits 0', async () => {
    await eventually('all peers alive', async () => (await status()).stdout.split('\n').filter((l) => /^r\d\s+ready\s.*\s2\/2\s/.test(l)).length === 3);
    const { code, stdout } = await status();
    assert.equal(code, 0, stdout);
    const json = JSON.parse((await status('--output', 'json')).stdout) as { replicas: { name: string; status: SidecarStatus }[] };
    assert.deepEqual(json.replicas.map((r) => r.name), ['r1', 'r2', 'r3']);
  });

  it('shows the lag of a paused peer in the matrix, and clears it after resume', async () => {
    const [r1, , r3] = clients as [Redis, Redis, Redis];
    await r3.call('crdt.pause');
    for (let i = 0; i < 25; i++) await r1.set(`cli:${i}`, 'v');
    await eventually('r1 sees r3 behind', async () => {
      const row = (await status()).stdout.split('\n').reverse().find((l) => l.startsWith('r1 '));
      return row !== undefined && /(dead \(25\)|\b25 \()/.test(row);
    });
    await r3.call('crdt.resume');
    await eventually('r3 caught up', async () => (await r3.get('cli:24')) === 'v');
    await eventually('the matrix is clear', async () => {
      const matrix = (await status()).stdout.split('FROM')[1] ?? '';
      return matrix.split('\n').slice(1).filter((l) => l.trim() !== '').every((l) => /^r\d(\s+(-|0))+$/.test(l));
    });
  });

  it('exits 1 and says what to do when nothing answers', async () => {
    const other = await freeBlock();
    try {
      await run(process.execPath, [CLI, 'status', '--base-port', String(other)]);
      assert.fail('status should exit non-zero');
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /is the local cluster running \(npm start\)\?/);
    }
  });
});
