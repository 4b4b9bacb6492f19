// A long-lived child process (etcd, kube-apiserver, a pod's container) whose
// output goes to a log file and which is stopped by PID: SIGTERM to its process
// group, then SIGKILL after a grace period. Each child leads its own process
// group so that shells and wrappers (`ip netns exec`, `unshare`) go down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: Date;
}

export interface SpawnSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private readonly child: ChildProcess;

  private constructor(name: string, child: ChildProcess, logFile: string, exited: Promise<ProcessExit>) {
    this.name = name;
    this.child = child;
    this.pid = child.pid ?? -1;
    this.logFile = logFile;
    this.exited = exited.then((e) => (this.exit = e));
  }

  /** Starts `spec.argv`, appending stdout and stderr to `spec.logFile`. Rejects if the command cannot be started. */
  static async start(spec: SpawnSpec): Promise<ManagedProcess> {
    const [file, ...args] = spec.argv;
    if (file === undefined) throw new Error(`No command for ${spec.name}`);
    const fd = fs.openSync(spec.logFile, 'a');
    try {
      const child = spawn(file, args, { env: spec.env ?? process.env, cwd: spec.cwd, stdio: ['ignore', fd, fd], detached: true });
      const exited = new Promise<ProcessExit>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal, at: new Date() }));
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      });
      return new ManagedProcess(spec.name, child, spec.logFile, exited);
    } finally {
      fs.closeSync(fd);
    }
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get exitInfo(): ProcessExit | undefined {
    return this.exit;
  }

  /** Sends `signal` to the whole process group (falls back to the PID alone). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // Already gone: the exit event will follow.
      }
    }
  }

  /** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves with the exit. */
  async stop(graceMs = 5000): Promise<ProcessExit> {
    if (!this.running && this.exit) return this.exit;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), Math.max(0, graceMs));
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last `lines` lines of the log file, for failure reports. */
  tail(lines = 40): string {
    return tailFile(this.logFile, lines);
  }
}

/** The last `lines` lines of a text file, or a note that it could not be read. */
export function tailFile(file: string, lines: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${(e as Error).message})`;
  }
}
