// One container's lifecycle: prepare (env, argv, mounts), start, probe, and
// restart per restartPolicy with exponential back-off. The runner owns the
// container's state; the pod runner reads it to build the pod's status.
import type { V1Container } from '@kubernetes/client-node';
import type { ManagedProcess } from '../managed-process.js';
import { launchContainer, type LaunchSpec } from './container-launch.js';
import { exitCodeOf, shouldRestart, stateJson, type ContainerState, type ContainerStatusJson, type RestartPolicy } from './container-state.js';
import type { Mountpoints } from './mountpoints.js';
import { checkProbe } from './probe-check.js';
import { ProbeLoop } from './probe-loop.js';

/** Why a container cannot start yet (retried) or ever (fatal: the pod fails). */
export interface PrepareFailure {
  readonly reason: string;
  readonly message: string;
  readonly fatal: boolean;
}

export type Prepared = { readonly ok: true; readonly launch: LaunchSpec } | { readonly ok: false; readonly failure: PrepareFailure };

export interface ContainerContext {
  readonly podIP: string;
  readonly mountpoints: Mountpoints;
  readonly graceMs: () => number;
  readonly prepare: (container: V1Container) => Promise<Prepared>;
  readonly onChange: () => void;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
}

/** A container that ran this long has its back-off reset (the kubelet uses 10 minutes; tests need less). */
const BACKOFF_RESET_MS = 30_000;

export class ContainerRunner {
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating', message: '' };
  lastState: ContainerState | undefined;
  restartCount = 0;
  ready = false;
  started = false;
  /** Set when the container can never start (unknown image): the pod fails. */
  fatal: PrepareFailure | undefined;
  /** Resolves when the runner will not start the container again. */
  readonly finished: Promise<void>;
  private process: ManagedProcess | undefined;
  private env: Readonly<Record<string, string>> = {};
  private probes: ProbeLoop[] = [];
  private stopping = false;
  private wake: (() => void) | undefined;
  private markFinished: () => void = () => undefined;

  constructor(readonly spec: V1Container, private readonly policy: RestartPolicy, private readonly ctx: ContainerContext) {
    this.finished = new Promise((resolve) => (this.markFinished = resolve));
  }

  get pid(): number | undefined {
    return this.process?.running ? this.process.pid : undefined;
  }

  get containerEnv(): Readonly<Record<string, string>> {
    return this.env;
  }

  /** Starts the lifecycle loop in the background. */
  start(): void {
    void this.loop().finally(() => this.markFinished());
  }

  /** Stops the container (SIGTERM, then SIGKILL after the grace period) and prevents restarts. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.stopProbes();
    await this.process?.stop(graceMs);
    await this.finished;
  }

  status(): ContainerStatusJson {
    return {
      name: this.spec.name,
      image: this.spec.image ?? '',
      imageID: '',
      ...(this.process ? { containerID: `redis-crdt-e2e://${this.process.pid}` } : {}),
      ready: this.ready,
      started: this.started,
      restartCount: this.restartCount,
      state: stateJson(this.state),
      lastState: stateJson(this.lastState),
    };
  }

  private async loop(): Promise<void> {
    let backoffMs = this.ctx.backoff.initialMs;
    while (!this.stopping) {
      const prepared = await this.ctx.prepare(this.spec).catch((e: unknown): Prepared => ({
        ok: false, failure: { reason: 'CreateContainerError', message: (e as Error).message, fatal: false },
      }));
      if (this.stopping) break;
      if (!prepared.ok) {
        this.setState({ kind: 'waiting', reason: prepared.failure.reason, message: prepared.failure.message });
        if (prepared.failure.fatal) {
          this.fatal = prepared.failure;
          this.ctx.onChange();
          return;
        }
        await this.sleep(1000);
        continue;
      }
      const exit = await this.runOnce(prepared.launch);
      if (this.stopping || !shouldRestart(this.policy, exit.exitCode)) return;
      if (exit.ranMs >= BACKOFF_RESET_MS) backoffMs = this.ctx.backoff.initialMs;
      this.lastState = this.state;
      this.setState({ kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${this.spec.name}` });
      await this.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, this.ctx.backoff.maxMs);
      this.restartCount++;
    }
  }

  /** Runs the container until it exits; returns its exit code and how long it ran. */
  private async runOnce(launch: LaunchSpec): Promise<{ exitCode: number; ranMs: number }> {
    let proc: ManagedProcess;
    try {
      proc = await launchContainer(launch, this.ctx.mountpoints);
    } catch (e) {
      const now = new Date();
      this.setState({ kind: 'terminated', exitCode: 128, signal: undefined, reason: 'StartError', message: (e as Error).message, startedAt: now, finishedAt: now });
      return { exitCode: 128, ranMs: 0 };
    }
    const startedAt = new Date();
    this.process = proc;
    // stop() may have run while the process was being launched.
    if (this.stopping) void proc.stop(0);
    this.env = launch.env;
    this.setState({ kind: 'running', startedAt });
    this.startProbes();
    const exit = await proc.exited;
    this.stopProbes();
    const { exitCode, signal } = exitCodeOf(exit.code, exit.signal);
    this.ready = false;
    this.started = false;
    this.setState({ kind: 'terminated', exitCode, signal, reason: exitCode === 0 ? 'Completed' : 'Error', message: '', startedAt, finishedAt: exit.at });
    return { exitCode, ranMs: exit.at.getTime() - startedAt.getTime() };
  }

  private startProbes(): void {
    const { startupProbe, livenessProbe, readinessProbe } = this.spec;
    const target = (): Parameters<typeof checkProbe>[1] => ({ podIP: this.ctx.podIP, pid: this.process?.pid ?? -1, container: this.spec, env: this.env });
    const afterStartup = (): void => {
      this.started = true;
      if (!readinessProbe) this.ready = true;
      this.ctx.onChange();
      if (livenessProbe) this.addProbe(new ProbeLoop(livenessProbe, () => checkProbe(livenessProbe, target()), (ok) => !ok && this.kill()));
      if (readinessProbe) this.addProbe(new ProbeLoop(readinessProbe, () => checkProbe(readinessProbe, target()), (ok) => this.setReady(ok)));
    };
    if (!startupProbe) return afterStartup();
    let done = false;
    this.addProbe(new ProbeLoop(startupProbe, () => checkProbe(startupProbe, target()), (ok) => {
      if (done) return;
      done = true;
      if (ok) afterStartup();
      else this.kill();
    }));
  }

  private addProbe(loop: ProbeLoop): void {
    this.probes.push(loop);
    loop.start();
  }

  private stopProbes(): void {
    for (const p of this.probes) p.stop();
    this.probes = [];
  }

  /** A failed liveness or startup probe: the container is killed and restarted per policy. */
  private kill(): void {
    this.stopProbes();
    void this.process?.stop(this.ctx.graceMs());
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    this.ctx.onChange();
  }

  private setState(state: ContainerState): void {
    this.state = state;
    this.ctx.onChange();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
