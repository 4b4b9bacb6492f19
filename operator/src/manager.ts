/**
 * Wires the operator together: informers feed keys to the work queue, workers
 * run the reconciler, a Lease decides who leads, and SIGTERM stops it all in order
 * (stop taking work, finish the current reconciles, release the Lease).
 */
import os from 'node:os';
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type winston from 'winston';
import { API_VERSION, KIND, PLURAL } from './api/v1alpha1/index.js';
import { EC_KEY_ALGORITHM } from './certs/algorithm.js';
import type { OperatorConfig } from './config.js';
import { describeError } from './controller/api-errors.js';
import { Controller } from './controller/controller.js';
import { KubeEventRecorder } from './controller/events.js';
import { startHealthServer } from './controller/health-server.js';
import { Informer, objectKey } from './controller/informer.js';
import { ApiServerClient } from './controller/kube-client.js';
import { KubeLeaseStore } from './controller/kube-lease.js';
import { KubeListerWatcher, type ResourceSelector } from './controller/kube-source.js';
import { LeaderElector } from './controller/leader-election.js';
import { OperatorMetrics } from './controller/metrics.js';
import { WorkQueue } from './controller/workqueue.js';
import { HttpAdminClient } from './reconcile/admin-client.js';
import { ApiServerLister } from './reconcile/kube-lister.js';
import { reconcileCluster } from './reconcile/cluster-reconciler.js';
import type { ReconcileDeps } from './reconcile/deps.js';
import { INJECT_LABEL } from './resources/injection.js';
import { MANAGED_BY } from './resources/meta.js';
import { startWebhook, type RunningWebhook } from './webhook/webhook.js';

/** Child objects map back to their cluster through the instance label the builders set. */
function ownerKey(obj: KubernetesObject): string | undefined {
  const instance = obj.metadata?.labels?.['app.kubernetes.io/instance'];
  const ns = obj.metadata?.namespace;
  return instance === undefined || ns === undefined ? undefined : `${ns}/${instance}`;
}

/** An injected application pod maps to the cluster its inject label names (same namespace). */
function injectedKey(obj: KubernetesObject): string | undefined {
  const cluster = obj.metadata?.labels?.[INJECT_LABEL];
  const ns = obj.metadata?.namespace;
  return cluster === undefined || cluster === '' || ns === undefined ? undefined : `${ns}/${cluster}`;
}

export class Manager {
  private readonly metrics = new OperatorMetrics();
  private readonly queue = new WorkQueue();
  private readonly informers: Array<Informer<KubernetesObject>> = [];
  private controller: Controller | undefined;
  private elector: LeaderElector | undefined;
  private server: http.Server | undefined;
  private webhook: RunningWebhook | undefined;

  constructor(private readonly config: OperatorConfig, private readonly log: winston.Logger) {}

  async start(): Promise<void> {
    const kc = new KubeConfig();
    if (this.config.kubeconfig !== undefined) kc.loadFromFile(this.config.kubeconfig);
    else kc.loadFromCluster();
    this.server = await startHealthServer(this.config.httpPort, this.config.httpHost, {
      live: () => true,
      ready: () => this.informers.length === 0 || this.informers.every((i) => i.hasSynced()),
    }, this.metrics.registry);
    this.log.info('Serving health and metrics', { port: this.config.httpPort });
    if (this.config.webhook === true) this.webhook = await this.startWebhook(kc);
    const run = (): void => this.runControllers(kc);
    if (!this.config.leaderElect) return run();
    const identity = `${os.hostname()}-${randomBytes(4).toString('hex')}`;
    this.elector = new LeaderElector(new KubeLeaseStore(kc, this.config.leaderElectionNamespace, this.config.leaderElectionId), {
      identity, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000,
      onStartedLeading: () => { this.metrics.leader.set(1); this.log.info('Became leader', { identity }); run(); },
      onStoppedLeading: () => {
        this.metrics.leader.set(0);
        // A deposed leader must not keep writing; exit and let the Deployment restart us as a follower.
        this.log.error('Lost leadership, exiting', { identity });
        process.exit(1);
      },
      onError: (err) => this.log.warn('Leader election attempt failed', { error: describeError(err) }),
    });
    this.elector.start();
  }

  private runControllers(kc: KubeConfig): void {
    const ns = this.config.namespace === '' ? {} : { namespace: this.config.namespace };
    const enqueue = (key: string | undefined): void => { if (key !== undefined) this.queue.add(key); };
    const watch = (selector: ResourceSelector, keyOf: (o: KubernetesObject) => string | undefined): void => {
      const informer = new Informer(new KubeListerWatcher(kc, selector), {
        onAdd: (o) => enqueue(keyOf(o)),
        onUpdate: (_old, o) => enqueue(keyOf(o)),
        onDelete: (o) => enqueue(keyOf(o)),
        onError: (err, relist) => {
          this.metrics.watchErrors.inc({ resource: selector.plural, relist: String(relist) });
          this.log.warn('Watch failed', { resource: selector.plural, relist, error: describeError(err) });
        },
      }, { resyncMs: this.config.resyncMs });
      this.informers.push(informer);
      informer.start();
    };
    const managed = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
    watch({ apiVersion: API_VERSION, kind: KIND, plural: PLURAL, ...ns }, objectKey);
    watch({ apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', labelSelector: managed, ...ns }, ownerKey);
    watch({ apiVersion: 'v1', kind: 'Pod', plural: 'pods', labelSelector: managed, ...ns }, ownerKey);
    watch({ apiVersion: 'v1', kind: 'Secret', plural: 'secrets', labelSelector: managed, ...ns }, ownerKey);
    watch({ apiVersion: 'v1', kind: 'Pod', plural: 'pods', labelSelector: INJECT_LABEL, ...ns }, injectedKey);
    this.controller = new Controller(this.queue, (key) => reconcileCluster(this.deps(kc), key), this.log, this.metrics);
    this.controller.start(this.config.workers);
    this.log.info('Controllers started', { workers: this.config.workers, namespace: this.config.namespace || '(all)' });
  }

  private deps(kc: KubeConfig): ReconcileDeps {
    const events = new KubeEventRecorder(kc, 'redis-crdt-operator', (err) => this.log.warn('Could not record event', { error: describeError(err) }));
    return {
      kube: new ApiServerClient(kc),
      lister: new ApiServerLister(kc),
      admin: new HttpAdminClient(),
      events,
      log: this.log,
      now: () => new Date(),
      crypto: globalThis.crypto,
      newKeys: () => globalThis.crypto.subtle.generateKey(EC_KEY_ALGORITHM, true, ['sign', 'verify']),
      newSerial: () => randomBytes(16).toString('hex'),
      options: {
        clusterDomain: this.config.clusterDomain,
        certPropagationDelayMs: this.config.certPropagationDelayMs,
        pollIntervalMs: this.config.pollIntervalMs,
        busyPollIntervalMs: this.config.busyPollIntervalMs,
      },
    };
  }

  /** The injection webhook serves on every replica (admission cannot wait for an election). */
  private startWebhook(kc: KubeConfig): Promise<RunningWebhook> {
    const c = this.config;
    return startWebhook(kc, {
      host: c.webhookHost ?? '0.0.0.0',
      port: c.webhookPort ?? 9443,
      namespace: c.leaderElectionNamespace,
      secretName: c.webhookSecret ?? 'redis-crdt-operator-webhook-tls',
      configurationName: c.webhookConfiguration ?? 'redis-crdt-operator',
      serviceName: c.webhookService ?? '',
      extraHosts: (c.webhookHosts ?? '').split(',').map((h) => h.trim()).filter((h) => h !== ''),
    }, this.deps(kc));
  }

  /** Graceful stop: no new work, current reconciles finish, the Lease is released. */
  async stop(): Promise<void> {
    this.log.info('Shutting down');
    for (const i of this.informers) i.stop();
    this.queue.shutDown();
    await this.controller?.drain();
    await this.elector?.stop();
    await this.webhook?.stop();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}
