import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sidecar } from '../../src/app/sidecar.js';
import { parseOptions } from '../../src/config/parse.js';
import { toSidecarConfig } from '../../src/config/sidecar-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { freePort, waitForPort } from './redis-server.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `redis-crdt-${prefix}-`));
}

/** Starts a sidecar in this process on a free port (real TCP, real op log on disk). */
export async function startSidecar(flags: readonly string[] = [], dataDir = tempDir('sidecar')): Promise<Sidecar> {
  const options = parseOptions(['--port', '0', '--admin-port', '-1', '--data-dir', dataDir, '--replica-id', 'test', '--snapshot-interval', '0', ...flags], {});
  const config = toSidecarConfig(options);
  const logger = createLogger('error', 'json', { replica: config.replicaId });
  logger.silent = true;
  const sidecar = new Sidecar(config, logger);
  await sidecar.start();
  return sidecar;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled executable (`npm run build` puts it there). */
export const SIDECAR_MAIN = join(here, '..', '..', 'src', 'main.js');

/** A sidecar as a real child process (for kill -9 and restart tests). */
export class SidecarProcess {
  output = '';
  private constructor(readonly port: number, readonly adminPort: number, readonly dataDir: string, private child: ChildProcess, private readonly args: string[]) {}

  /** `ports`: the client and admin ports to use (default: free ones now). */
  static async start(flags: readonly string[] = [], dataDir = tempDir('proc'), ports?: { port: number; adminPort: number }): Promise<SidecarProcess> {
    const port = ports?.port ?? await freePort();
    const adminPort = ports?.adminPort ?? await freePort();
    const args = [SIDECAR_MAIN, '--port', String(port), '--admin-port', String(adminPort), '--data-dir', dataDir, '--replica-id', 'proc', '--log-format', 'json', ...flags];
    const proc = new SidecarProcess(port, adminPort, dataDir, SidecarProcess.spawn(args), args);
    proc.attach();
    await waitForPort(port, 20000);
    return proc;
  }

  private static spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private attach(): void {
    this.child.stdout?.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    this.child.stderr?.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
  }

  /** kill -9, as a crash. */
  async crash(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    return exited;
  }

  /** Starts the same process again on the same ports and data directory. */
  async restart(): Promise<void> {
    this.child = SidecarProcess.spawn(this.args);
    this.attach();
    await waitForPort(this.port, 20000);
  }
}
