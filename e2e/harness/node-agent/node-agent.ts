// The bed's kubelet for one Node: level-triggered, it lists pods on every tick,
// binds unscheduled ones to its Node, starts a PodRunner per pod, stops and
// finalizes pods marked for deletion, keeps /etc/hosts current, provisions PVCs
// and patches pod status when it changed. Polling (every 500 ms) rather than
// watching keeps it simple and self-healing; the bed is small.
import fs from 'node:fs';
import path from 'node:path';
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { BedSlot } from '../bed-slot.js';
import { log } from '../log.js';
import type { CommandResult } from '../run-command.js';
import type { ApiserverEndpoint } from './container-env.js';
import { buildHostsFile, type HostsPod } from './hosts-file.js';
import { apiObjectSource, isNotFound } from './kube-objects.js';
import { Mountpoints } from './mountpoints.js';
import type { NodeContext } from './node-context.js';
import { registerNode } from './node-registration.js';
import { IpPool, updateHostsFile } from './pod-network.js';
import { PodRunner } from './pod-runner.js';
import { PolicyEnforcer } from './policy-enforcer.js';
import { provisionClaims, resizeClaims } from './pvc-provisioner.js';

export interface NodeAgentOptions {
  readonly kubeconfig: KubeConfig;
  readonly slot: BedSlot;
  readonly nodeName: string;
  /** The apiserver address pods use (KUBERNETES_SERVICE_HOST/PORT). */
  readonly apiserver: ApiserverEndpoint;
  readonly bedDir: string;
  readonly kubeletVersion: string;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const TICK_MS = 500;
const VOLUME_REFRESH_MS = 5000;

export class NodeAgent {
  private readonly core: CoreV1Api;
  private readonly policies: PolicyEnforcer;
  private readonly runners = new Map<string, PodRunner>();
  private readonly patched = new Map<string, string>();
  private readonly ctx: NodeContext;
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private lastVolumeRefresh = 0;

  constructor(private readonly options: NodeAgentOptions) {
    this.core = options.kubeconfig.makeApiClient(CoreV1Api);
    this.policies = new PolicyEnforcer(options.kubeconfig, options.slot.gateway, path.join(options.bedDir, 'netpol'));
    const pvRoot = path.join(options.bedDir, 'pvs');
    fs.mkdirSync(pvRoot, { recursive: true });
    this.ctx = {
      nodeName: options.nodeName,
      slot: options.slot,
      hostIP: options.slot.gateway,
      apiserver: options.apiserver,
      bedDir: options.bedDir,
      pvRoot,
      objects: apiObjectSource(this.core),
      mountpoints: new Mountpoints(),
      ipPool: new IpPool(options.slot),
      backoff: options.backoff ?? { initialMs: 1000, maxMs: 30_000 },
      hostsFor: (runner, ip) => this.hostsFor(runner, ip),
      requestSync: () => this.wake?.(),
    };
  }

  /** Registers the Node and starts the sync loop. */
  async start(): Promise<void> {
    await registerNode(this.core, { name: this.options.nodeName, address: this.options.slot.gateway, kubeletVersion: this.options.kubeletVersion });
    log.info('Registered Node', { name: this.options.nodeName });
    this.loopDone = this.loop();
  }

  /** Stops the loop and every pod (short grace: the bed is going away), then cleans mountpoints. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
    await Promise.all([...this.runners.values()].map((r) => r.terminate(graceMs)));
    this.runners.clear();
    this.ctx.mountpoints.cleanup();
  }

  /** The IP the agent gave a pod, if it runs it. */
  podIP(namespace: string, name: string): string | undefined {
    return this.find(namespace, name)?.podIP;
  }

  /** The network namespace of a pod, for `ip netns exec`. */
  podNetns(namespace: string, name: string): string | undefined {
    return this.find(namespace, name)?.net?.netns;
  }

  /** The directory holding a pod's container logs (`<dir>/logs/<container>.log`). */
  podDir(namespace: string, name: string): string | undefined {
    return this.find(namespace, name)?.dir;
  }

  /** Runs a command in a pod's container (kubectl exec without a kubelet API). */
  async exec(namespace: string, name: string, container: string | undefined, argv: readonly string[]): Promise<CommandResult> {
    const runner = this.find(namespace, name);
    if (!runner) throw new Error(`Pod ${namespace}/${name} is not running on the e2e node`);
    return runner.exec(container, argv);
  }

  private find(namespace: string, name: string): PodRunner | undefined {
    return [...this.runners.values()].find((r) => r.pod.metadata?.namespace === namespace && r.pod.metadata.name === name && r.net !== undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick();
      } catch (e) {
        log.warn('Node agent sync failed', { error: (e as Error).message });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, TICK_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async tick(): Promise<void> {
    const pods = (await this.core.listPodForAllNamespaces()).items;
    const seen = new Set<string>();
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      if (!pod.spec?.nodeName) {
        if (!pod.metadata?.deletionTimestamp) await this.bind(pod);
        continue;
      }
      if (pod.spec.nodeName !== this.options.nodeName) continue;
      seen.add(uid);
      let runner = this.runners.get(uid);
      if (!runner) {
        // Marked for deletion before we ran it: nothing to stop, only the object to remove.
        if (pod.metadata?.deletionTimestamp) {
          await this.finalize(pod);
          continue;
        }
        // Finished before this agent knew it (a restarted agent): leave it be.
        if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
        runner = new PodRunner(pod, this.ctx);
        this.runners.set(uid, runner);
        log.info('Starting pod', { pod: runner.key });
        runner.start();
      }
      runner.pod = pod;
      if (pod.metadata?.deletionTimestamp) {
        void this.delete(runner).catch((e: unknown) => log.warn('Pod deletion failed', { pod: runner?.key, error: (e as Error).message }));
      }
    }
    for (const [uid, runner] of this.runners) {
      if (seen.has(uid)) continue;
      // Force-deleted (or deleted by us): nothing to finalize, just stop it.
      this.runners.delete(uid);
      this.patched.delete(uid);
      void runner.terminate(0);
    }
    this.updateHosts();
    await this.patchStatuses();
    const claims = (await this.core.listPersistentVolumeClaimForAllNamespaces()).items;
    await provisionClaims(this.core, claims, this.ctx.pvRoot);
    await resizeClaims(this.core, claims);
    const running = [...this.runners.values()].flatMap((r) => (r.net === undefined ? [] : [{ pod: r.pod, netns: r.net.netns, ip: r.net.ip }]));
    await this.policies.sync(pods, running);
    if (Date.now() - this.lastVolumeRefresh > VOLUME_REFRESH_MS) {
      this.lastVolumeRefresh = Date.now();
      await Promise.all([...this.runners.values()].map((r) => r.refreshVolumes()));
    }
  }

  private async bind(pod: V1Pod): Promise<void> {
    const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
    if (scheduler !== 'default-scheduler') return;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    await this.core.createNamespacedPodBinding({
      name, namespace,
      body: { metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: this.options.nodeName } },
    });
    log.info('Bound pod', { namespace, name, node: this.options.nodeName });
  }

  /** Graceful deletion: stop containers within the grace period, then remove the object. */
  private async delete(runner: PodRunner): Promise<void> {
    const pod = runner.pod;
    const graceSeconds = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    await runner.terminate(graceSeconds * 1000);
    await this.finalize(pod);
  }

  private async finalize(pod: V1Pod): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({
        name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default',
        // With a body the apiserver ignores query options, so the grace period goes in the body too.
        body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? '' } },
      });
    } catch (e) {
      // 404: already gone; 409: the name now belongs to a newer pod (uid precondition).
      if (!isNotFound(e) && !(e instanceof ApiException && e.code === 409)) throw e;
    }
  }

  private hostsEntries(): HostsPod[] {
    return [...this.runners.values()].flatMap((r) => {
      const ip = r.active ? r.podIP : undefined;
      const name = r.pod.metadata?.name;
      if (!ip || !name) return [];
      return [{ ip, namespace: r.pod.metadata?.namespace ?? 'default', hostname: r.pod.spec?.hostname ?? name, subdomain: r.pod.spec?.subdomain }];
    });
  }

  private hostsFor(runner: PodRunner, ip: string): string {
    const self: HostsPod = {
      ip,
      namespace: runner.pod.metadata?.namespace ?? 'default',
      hostname: runner.pod.spec?.hostname ?? runner.pod.metadata?.name ?? '',
      subdomain: runner.pod.spec?.subdomain,
    };
    return buildHostsFile(self, this.hostsEntries());
  }

  private updateHosts(): void {
    for (const runner of this.runners.values()) {
      if (runner.net && runner.active) updateHostsFile(runner.net, this.hostsFor(runner, runner.net.ip));
    }
  }

  private async patchStatuses(): Promise<void> {
    for (const [uid, runner] of this.runners) {
      const status = runner.status();
      const body = JSON.stringify(status);
      if (this.patched.get(uid) === body) continue;
      const m = runner.pod.metadata ?? {};
      try {
        await this.core.patchNamespacedPodStatus(
          { name: m.name ?? '', namespace: m.namespace ?? 'default', body: { metadata: { uid }, status } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        this.patched.set(uid, body);
      } catch (e) {
        if (!isNotFound(e)) log.warn('Pod status patch failed', { pod: runner.key, error: (e as Error).message });
      }
    }
  }
}
