// One pod on the node: its network, its volumes, and its containers in the
// kubelet's order — init containers one at a time to completion, native
// sidecars (init containers with restartPolicy: Always) started and kept
// running, then the app containers — and its teardown on deletion.
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { log } from '../log.js';
import { runCommand, type CommandResult } from '../run-command.js';
import { sleep } from '../wait-for.js';
import { execArgv } from './container-launch.js';
import { prepareContainer } from './container-prepare.js';
import { ContainerRunner, type ContainerContext } from './container-runner.js';
import type { RestartPolicy } from './container-state.js';
import type { PodFacts } from './downward-api.js';
import { buildResolvConf } from './hosts-file.js';
import type { NodeContext } from './node-context.js';
import { createPodNetwork, deletePodNetwork, type PodNetwork } from './pod-network.js';
import { ConditionClock, podConditions, podPhase, type ContainerFacts } from './pod-status.js';
import { PodVolumes } from './pod-volumes.js';

export class PodRunner {
  readonly uid: string;
  readonly dir: string;
  pod: V1Pod;
  net: PodNetwork | undefined;
  private readonly volumes: PodVolumes;
  private readonly inits: ContainerRunner[] = [];
  private readonly sidecars: ContainerRunner[] = [];
  private readonly apps: ContainerRunner[] = [];
  private readonly clock = new ConditionClock();
  private initDone = false;
  private initFailed = false;
  private setupError = '';
  private terminating: Promise<void> | undefined;
  /** Set synchronously by terminate(); run() checks it after every await so it never starts what stop tears down. */
  private stopRequested = false;
  private running: Promise<void> = Promise.resolve();
  private readonly startTime = new Date();

  constructor(pod: V1Pod, private readonly node: NodeContext) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    const m = pod.metadata ?? {};
    this.dir = path.join(node.bedDir, 'pods', `${m.namespace ?? 'default'}_${m.name ?? ''}_${this.uid.slice(0, 8)}`);
    this.volumes = new PodVolumes(this.dir, node.pvRoot, node.objects);
  }

  get key(): string {
    return `${this.pod.metadata?.namespace ?? ''}/${this.pod.metadata?.name ?? ''}`;
  }

  /** Has a network and is not being stopped: it belongs in other pods' hosts files. */
  get active(): boolean {
    return this.net !== undefined && !this.stopRequested;
  }

  get podIP(): string | undefined {
    return this.net?.ip;
  }

  /** Sets the pod up and starts its containers, in the background. */
  start(): void {
    this.running = this.run().catch((e: unknown) => {
      this.setupError = (e as Error).message;
      log.error('Pod setup failed', { pod: this.key, error: this.setupError });
    });
  }

  private async run(): Promise<void> {
    const ip = this.node.ipPool.allocate();
    const namespace = this.pod.metadata?.namespace ?? 'default';
    try {
      this.net = await createPodNetwork(this.node.slot, ip, this.node.hostsFor(this, ip), buildResolvConf(namespace));
    } catch (e) {
      this.node.ipPool.release(ip);
      throw e;
    }
    log.info('Created pod network', { pod: this.key, ip, netns: this.net.netns });
    while (!this.stopRequested) {
      try {
        await this.volumes.sync(this.facts());
        this.setupError = '';
        break;
      } catch (e) {
        this.setupError = (e as Error).message;
        await sleep(1000);
      }
    }
    const spec = this.pod.spec;
    const policy = (spec?.restartPolicy ?? 'Always') as RestartPolicy;
    for (const c of spec?.initContainers ?? []) {
      if (this.stopRequested) return;
      if (c.restartPolicy === 'Always') {
        const sidecar = this.runner(c, 'Always');
        this.sidecars.push(sidecar);
        sidecar.start();
        while (!sidecar.started && !sidecar.fatal && !this.stopRequested) await sleep(200);
        continue;
      }
      // A failed init container is retried unless the pod never restarts.
      const init = this.runner(c, policy === 'Never' ? 'Never' : 'OnFailure');
      this.inits.push(init);
      init.start();
      await init.finished;
      if (init.fatal || (init.state.kind === 'terminated' && init.state.exitCode !== 0)) {
        this.initFailed = true;
        return;
      }
    }
    if (this.stopRequested) return;
    this.initDone = true;
    for (const c of spec?.containers ?? []) {
      const app = this.runner(c, policy);
      this.apps.push(app);
      app.start();
    }
  }

  private runner(container: V1Container, policy: RestartPolicy): ContainerRunner {
    const ctx: ContainerContext = {
      podIP: this.net?.ip ?? '',
      mountpoints: this.node.mountpoints,
      graceMs: () => (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000,
      prepare: async (spec) => {
        await this.volumes.sync(this.facts()).catch(() => undefined);
        return prepareContainer({
          container: spec, facts: this.facts(), netns: this.net?.netns ?? '', volumes: this.volumes,
          objects: this.node.objects, apiserver: this.node.apiserver, logDir: path.join(this.dir, 'logs'), scratchDir: path.join(this.dir, 'workdir'),
        });
      },
      onChange: () => this.node.requestSync(),
      backoff: this.node.backoff,
    };
    return new ContainerRunner(container, policy, ctx);
  }

  private facts(): PodFacts {
    return { pod: this.pod, podIP: this.net?.ip ?? '', hostIP: this.node.hostIP };
  }

  /** Refreshes Secret/ConfigMap/projected volumes so updates reach running containers. */
  async refreshVolumes(): Promise<void> {
    if (this.net && !this.stopRequested) await this.volumes.sync(this.facts()).catch(() => undefined);
  }

  /** Stops the containers (apps first, then sidecars in reverse order) and removes the pod's network and files. */
  terminate(graceMs: number): Promise<void> {
    this.stopRequested = true;
    this.terminating ??= this.stopAll(graceMs);
    return this.terminating;
  }

  private async stopAll(graceMs: number): Promise<void> {
    await this.stopContainers(graceMs);
    await this.running;
    await this.stopContainers(graceMs);
    if (this.net) {
      await deletePodNetwork(this.net);
      this.node.ipPool.release(this.net.ip);
    }
    fs.rmSync(path.join(this.dir, 'volumes'), { recursive: true, force: true });
    log.info('Stopped pod', { pod: this.key });
  }

  private async stopContainers(graceMs: number): Promise<void> {
    await Promise.all(this.apps.map((r) => r.stop(graceMs)));
    for (const r of [...this.sidecars].reverse()) await r.stop(graceMs);
    await Promise.all(this.inits.map((r) => r.stop(0)));
  }

  /** Runs `argv` in the named container's namespaces with its env (kubectl exec). */
  async exec(container: string | undefined, argv: readonly string[], timeoutMs = 30_000): Promise<CommandResult> {
    const all = [...this.apps, ...this.sidecars];
    const target = container === undefined ? all[0] : all.find((r) => r.spec.name === container);
    const pid = target?.pid;
    if (target === undefined || pid === undefined) throw new Error(`Container ${container ?? '(first)'} of ${this.key} is not running`);
    return runCommand(execArgv(pid, argv), { env: { ...target.containerEnv }, timeoutMs });
  }

  /** The pod's status subresource as the agent sees it now. */
  status(): Record<string, unknown> {
    const facts = (r: ContainerRunner, active: boolean): ContainerFacts => ({
      status: r.status(),
      active,
      everStarted: r.restartCount > 0 || r.state.kind !== 'waiting' || r.lastState !== undefined,
      exitCode: r.state.kind === 'terminated' ? r.state.exitCode : undefined,
    });
    const fatalRunner = [...this.inits, ...this.sidecars, ...this.apps].find((r) => r.fatal);
    const fatal = fatalRunner?.fatal;
    const view = {
      fatal,
      initDone: this.initDone,
      initFailed: this.initFailed,
      sidecars: this.sidecars.map((r) => facts(r, true)),
      apps: this.apps.map((r) => facts(r, r.state.kind !== 'terminated')),
    };
    const now = new Date();
    const ip = this.net?.ip;
    const waiting = (c: V1Container): Record<string, unknown> => ({
      name: c.name, image: c.image ?? '', imageID: '', ready: false, started: false, restartCount: 0,
      state: { waiting: { reason: this.setupError ? 'ContainerCreating' : 'PodInitializing', ...(this.setupError ? { message: this.setupError } : {}) } },
    });
    const byName = new Map([...this.inits, ...this.sidecars, ...this.apps].map((r) => [r.spec.name, r.status()]));
    return {
      phase: podPhase(view),
      conditions: podConditions(view, this.clock, now),
      hostIP: this.node.hostIP,
      hostIPs: [{ ip: this.node.hostIP }],
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      startTime: this.startTime.toISOString(),
      ...(fatal ? { reason: fatal.reason, message: fatal.message } : {}),
      initContainerStatuses: (this.pod.spec?.initContainers ?? []).map((c) => byName.get(c.name) ?? waiting(c)),
      containerStatuses: (this.pod.spec?.containers ?? []).map((c) => byName.get(c.name) ?? waiting(c)),
    };
  }
}
