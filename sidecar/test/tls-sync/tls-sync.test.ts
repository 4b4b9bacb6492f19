import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/observability/logger.js';
import { TlsSync } from '../../src/tls-sync/tls-sync.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const logger = createLogger('error', 'json', { test: 'tls-sync' });

async function writeSecret(dir: string, tag: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of ['ca.crt', 'tls.crt', 'tls.key']) await writeFile(join(dir, name), `${name} ${tag}\n`);
}

async function readTarget(dir: string): Promise<string[]> {
  return Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map(async (name) => (await readFile(join(dir, name), 'utf8')).trim()));
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('tls-sync: one pod\'s certificate out of the all-replicas volume', () => {
  let root: string;
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'tls-sync-')); });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it('waits for the Secret, copies it, and switches all three files at once on rotation', async () => {
    const from = join(root, 'all', 'cache-1');
    const to = join(root, 'own');
    await mkdir(to);
    let now = 1000;
    const sync = new TlsSync(from, to, logger, () => now);
    assert.equal(await sync.syncOnce(), 'waiting');
    await writeSecret(from, 'v1');
    assert.equal(await sync.syncOnce(), 'updated');
    assert.deepEqual(await readTarget(to), ['ca.crt v1', 'tls.crt v1', 'tls.key v1']);
    assert.equal(await sync.syncOnce(), 'unchanged');
    // Every file is a symlink through ..data: one rename switches the generation.
    assert.ok((await lstat(join(to, 'tls.key'))).isSymbolicLink());
    assert.equal(await readlink(join(to, 'tls.key')), join('..data', 'tls.key'));
    const first = await readlink(join(to, '..data'));
    now = 2000;
    await writeSecret(from, 'v2');
    assert.equal(await sync.syncOnce(), 'updated');
    assert.deepEqual(await readTarget(to), ['ca.crt v2', 'tls.crt v2', 'tls.key v2']);
    const second = await readlink(join(to, '..data'));
    assert.notEqual(second, first);
    // The previous generation is gone: only the current one and the links remain.
    assert.deepEqual((await readdir(to)).sort(), [second, '..data', 'ca.crt', 'tls.crt', 'tls.key'].sort());
  });

  it('a missing file keeps the previous copy in place', async () => {
    const from = join(root, 'all', 'cache-0');
    const to = join(root, 'own');
    await mkdir(to);
    const sync = new TlsSync(from, to, logger);
    await writeSecret(from, 'v1');
    assert.equal(await sync.syncOnce(), 'updated');
    await rm(join(from, 'tls.key'));
    assert.equal(await sync.syncOnce(), 'waiting');
    assert.deepEqual(await readTarget(to), ['ca.crt v1', 'tls.crt v1', 'tls.key v1']);
  });

  it('runs as `redis-crdt-sidecar tls-sync`: copies, follows a rotation, stops on SIGTERM; bad options exit 2', async function () {
    this.timeout(30_000);
    const from = join(root, 'all', 'cache-2');
    const to = join(root, 'own');
    await mkdir(to);
    const child: ChildProcess = spawn(process.execPath, [MAIN, 'tls-sync', `--from=${from}`, '--to', to, '--interval-ms=100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    // Warnings go to stderr, the rest to stdout (observability/logger.ts).
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => Promise.resolve(output.includes('Waiting for this pod')), 'the waiting message');
      await writeSecret(from, 'v1');
      await waitFor(async () => (await readTarget(to))[2] === 'tls.key v1', 'the first copy');
      await writeSecret(from, 'v2');
      await waitFor(async () => (await readTarget(to)).join() === 'ca.crt v2,tls.crt v2,tls.key v2', 'the rotated copy');
      // The new generation is visible before the copy finishes (the old one is removed, then
      // it logs): a SIGTERM in between cuts the copy short, by design, and the line is lost.
      await waitFor(() => Promise.resolve(output.includes('Copied rotated TLS material')), 'the rotation logged');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    const bad = spawn(process.execPath, [MAIN, 'tls-sync', '--from', from], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    bad.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    assert.equal(await new Promise((resolve) => bad.once('exit', resolve)), 2);
    assert.match(stderr, /--from and --to are required/);
  });
});
