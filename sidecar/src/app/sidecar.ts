import { PubSub } from '../commands/pubsub-registry.js';
import { Dispatcher } from '../commands/dispatch.js';
import type { InfoProvider, ServerContext } from '../commands/exec-context.js';
import { REDIS_COMPAT_VERSION } from '../commands/server-config.js';
import { Stats } from '../commands/stats.js';
import { buildCommandTable } from '../commands/table.js';
import { WatchRegistry } from '../commands/watch-registry.js';
import type { CommandSpec } from '../commands/spec.js';
import type { SidecarConfig } from '../config/sidecar-config.js';
import { vvToObject } from '../crdt/version-vector.js';
import { RespServer } from '../net/server.js';
import { AdminServer } from '../observability/admin-server.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics, type SidecarMetrics } from '../observability/metrics.js';
import { OpLog } from '../oplog/index.js';
import { ActiveExpiry } from '../replica/active-expiry.js';
import { TombstoneCollector, DEFAULT_GC_OPTIONS } from '../replica/gc.js';
import { gcInfoFields, registerGcMetrics } from '../replica/gc-status.js';
import { ReplicaEngine } from '../replica/engine.js';
import { COUNTER_EPOCHS, FEATURES, FeatureGate, SCORE_EPOCHS } from '../replica/features.js';
import { loadOrCreateIdentity, markCleanShutdown, type ReplicaIdentity } from '../replica/identity.js';
import { OpLogSink } from '../replica/op-log-sink.js';
import { saveSnapshot } from '../replica/snapshots.js';
import { Keyspace } from '../store/keyspace.js';
import { recover, type RecoveryReport } from './recovery.js';
// --- replication wiring (owned by replication; see sidecar/src/replication/) ---
import { replicationCommands } from '../replication/commands.js';
import { Replication } from '../replication/replication.js';
import { waitForLivePeerAcks } from '../replication/shutdown-drain.js';
import { registerReplicationMetrics } from '../replication/replication-metrics.js';
// --- mirror wiring (owned by mirror; see sidecar/src/mirror/) ---
import { Mirror } from '../mirror/mirror.js';
import { mirrorCommands } from '../mirror/mirror-commands.js';
import { registerMirrorMetrics } from '../mirror/mirror-metrics.js';
import { mirrorStatusFields } from '../mirror/mirror-status.js';
import { parseMirrorUrl } from '../mirror/mirror-url.js';
import { passthrough } from '../mirror/passthrough.js';

/** Groups of commands added by later layers (collections, admin) at assembly time. */
export type ExtraCommands = (sidecar: Sidecar) => CommandSpec[][];

/**
 * One replica process: recovery, the RESP front end, persistence, expiry, snapshots and
 * the admin endpoints, wired in the order DESIGN.md §1 gives.
 */
export class Sidecar {
  readonly keyspace = new Keyspace();
  readonly stats = new Stats();
  engine!: ReplicaEngine;
  identity!: ReplicaIdentity;
  /** Features this replica turned on for good (replica/features.ts). */
  features!: FeatureGate;
  log!: OpLog;
  server!: ServerContext;
  resp!: RespServer;
  metrics!: SidecarMetrics;
  recovery: RecoveryReport | undefined;
  private admin: AdminServer | undefined;
  private expiry: ActiveExpiry | undefined;
  /** Tombstone GC by causal stability (replica/gc.ts); started after replication. */
  gc: TombstoneCollector | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private opsAtLastSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private stopping = false;
  /** Set when a write failed: the shutdown is then not clean (see identity.ts). */
  private failed = false;
  readonly infoProviders: InfoProvider[] = [];
  adminPort = 0;
  /** Peer replication; undefined before start (disabled without TLS and peers). */
  replication: Replication | undefined;
  /** The local Redis mirror; undefined without --mirror. */
  mirror: Mirror | undefined;

  constructor(readonly config: SidecarConfig, readonly logger: Logger, private readonly extraCommands: ExtraCommands = () => []) {}

  async start(): Promise<void> {
    const { config, logger } = this;
    this.identity = await loadOrCreateIdentity(config.dataDir, config.replicaId, new Date());
    if (this.identity.previousIncarnation !== undefined) {
      logger.warn('Unclean shutdown: writing under a new incarnation; ops of the previous one that reached peers come back from them', {
        previous: `${config.replicaId}~${this.identity.previousIncarnation}`, incarnation: this.identity.originId,
      });
    }
    this.features = await FeatureGate.load(config.dataDir);
    for (const feature of this.features.list()) this.turnOn(feature);
    // Before recovery: replaying the log must keep emptied states as the live run did.
    this.keyspace.keepEmptyStates = config.tombstoneGc;
    this.engine = new ReplicaEngine(this.identity.originId, this.keyspace, Date.now);
    this.metrics = createMetrics({
      stats: this.stats,
      keys: () => this.keyspace.size,
      expiringKeys: () => this.keyspace.expiring.size,
      connectedClients: () => this.resp?.stats.connectedClients ?? 0,
      oplog: () => this.log.stats(),
      opsOriginated: () => this.engine.opsOriginated,
      opsApplied: () => this.engine.opsApplied,
    });
    this.stats.latencyObserver = (seconds) => this.metrics.observeCommand(seconds);
    this.log = await OpLog.open({ dir: config.dataDir, fsync: config.appendfsync, logger, onFsync: (ms) => this.metrics.observeFsync(ms) });
    this.recovery = await recover(this.engine, this.log, config.dataDir, logger);
    logger.info('Recovered state', { ...this.recovery, keys: this.keyspace.size, versionVector: vvToObject(this.engine.vv) });
    this.opsAtLastSnapshot = this.engine.opsOriginated + this.engine.opsApplied;
    const sink = new OpLogSink(this.log, (error) => this.fatal('Op log write failed; refusing to acknowledge writes', error));
    this.engine.addSink(sink);
    this.server = this.buildServerContext();
    this.startMirror();
    this.engine.onKeyChange((key) => this.server.watches.touched(key));
    const dispatcher = new Dispatcher(this.server, sink);
    this.server.execQueued = (client, session) => dispatcher.execQueued(client, session);
    this.resp = new RespServer(dispatcher, {
      port: config.port, host: config.bind, maxClients: config.maxclients, authRequired: config.requirepass !== undefined,
      limits: { maxBulkLen: config.protoMaxBulkLen },
    });
    await this.resp.listen();
    await this.startReplication();
    this.expiry = new ActiveExpiry(this.engine, () => { this.stats.expiredKeys += 1; });
    this.expiry.start();
    this.startSnapshots();
    if (config.adminPort >= 0) {
      this.admin = new AdminServer(this.adminState(), this.metrics, logger, config.adminToken);
      this.adminPort = await this.admin.listen(config.adminPort, config.adminBind);
      if (config.adminToken === undefined && !isLoopback(config.adminBind)) {
        logger.warn('The admin server is reachable from the network and POST /v1/drain needs no token: set --admin-token (REDIS_CRDT_ADMIN_TOKEN) or bind it to 127.0.0.1', { adminBind: config.adminBind });
      }
    }
    logger.info('Ready to accept connections', { port: this.resp.port, bind: config.bind, adminPort: this.adminPort, replica: this.identity.originId, appendfsync: config.appendfsync });
  }

  private buildServerContext(): ServerContext {
    const { config } = this;
    const server: ServerContext = {
      config: {
        replicaId: this.identity.originId, port: config.port, bind: config.bind.join(' '), requirepass: config.requirepass,
        appendfsync: config.appendfsync, dataDir: config.dataDir, protoMaxBulkLen: config.protoMaxBulkLen, maxclients: config.maxclients,
        version: REDIS_COMPAT_VERSION, configFile: config.configFile, startedAt: Date.now(), pid: process.pid,
      },
      engine: this.engine,
      keyspace: this.keyspace,
      pubsub: new PubSub(),
      stats: this.stats,
      table: new Map(),
      infoProviders: this.infoProviders,
      clients: new Set(),
      random: Math.random,
      draining: false,
      watches: new WatchRegistry(),
      blocking: undefined,
      execQueued: () => { throw new Error('dispatcher not wired'); },
    };
    (server as { table: ReadonlyMap<string, CommandSpec> }).table = buildCommandTable(...this.extraCommands(this), replicationCommands(() => this.replication), mirrorCommands(() => this.mirror));
    this.infoProviders.push(
      { section: 'persistence', fields: () => this.persistenceInfo() },
      { section: 'crdt', fields: () => this.crdtInfo() },
    );
    return server;
  }

  private persistenceInfo(): [string, string | number][] {
    const stats = this.log.stats();
    return [
      ['oplog_enabled', 1], ['oplog_fsync', this.config.appendfsync], ['oplog_bytes', stats.bytes], ['oplog_segments', stats.segments],
      ['oplog_records', stats.records], ['oplog_first_lsn', stats.firstLsn], ['oplog_last_lsn', stats.lastLsn],
      ['oplog_durable_lsn', stats.lastDurableLsn], ['oplog_fsyncs', stats.fsyncs], ['oplog_last_fsync_ms', stats.lastFsyncMs],
      ['snapshot_interval_sec', this.config.snapshotIntervalSec],
    ];
  }

  private crdtInfo(): [string, string | number][] {
    return [
      ['crdt_origin_id', this.identity.originId], ['crdt_incarnation', this.identity.incarnation],
      ['crdt_ops_originated', this.engine.opsOriginated], ['crdt_ops_applied_remote', this.engine.opsApplied],
      ['crdt_version_vector', [...this.engine.vv].map(([r, s]) => `${r}=${s}`).join(',')],
      ['crdt_expired_keys', this.stats.expiredKeys],
    ];
  }

  status(): Record<string, unknown> {
    const stats = this.log.stats();
    return {
      replicaId: this.config.replicaId, originId: this.identity.originId, ready: !this.stopping && !this.server.draining,
      draining: this.server.draining, opsOriginated: this.engine.opsOriginated, opsApplied: this.engine.opsApplied,
      oplogBytes: stats.bytes, keys: this.keyspace.size, versionVector: vvToObject(this.engine.vv), peers: this.replication?.status() ?? [],
      mirror: Object.fromEntries(mirrorStatusFields(this.mirror, Date.now())),
    };
  }

  private adminState(): import('../observability/admin-server.js').AdminState {
    return {
      live: () => !this.stopping,
      ready: () => (this.stopping ? { ready: false, reason: 'shutting down' } : this.server.draining ? { ready: false, reason: 'draining' } : { ready: true, reason: 'ready' }),
      status: () => this.status(),
      setDraining: (draining) => {
        if (this.server.draining !== draining) this.logger.info(draining ? 'Draining: refusing client writes' : 'Undrained: accepting client writes');
        this.server.draining = draining;
      },
    };
  }

  // --- replication wiring: one block, so the assembly stays readable ---
  private async startReplication(): Promise<void> {
    const replication = new Replication(this);
    this.replication = replication;
    await replication.start();
    // Without replication this replica is the whole cluster: nobody to wait for.
    if (!replication.enabled) for (const feature of FEATURES) await this.enableFeature(feature);
    this.infoProviders.push({ section: 'replication', fields: () => replication.infoFields() });
    this.retainedRecords = () => replication.retainedRecords();
    registerReplicationMetrics(this.metrics.extra, replication);
    if (this.config.tombstoneGc) this.startGc(replication);
  }

  /** Turns a feature on for good: recorded in the data directory first, then in effect. */
  async enableFeature(feature: string): Promise<void> {
    if (this.features.has(feature)) return;
    await this.features.enable(feature, new Date());
    this.turnOn(feature);
    const peers = this.replication?.enabled === true ? 'every peer runs a version that has it' : 'no peers';
    this.logger.info(`Feature on (${peers}); replicas of older versions are refused from now on`, { feature });
  }

  /** Puts a feature recorded as on into effect in the store. */
  private turnOn(feature: string): void {
    if (feature === COUNTER_EPOCHS) this.keyspace.enableCounterEpochs();
    else if (feature === SCORE_EPOCHS) this.keyspace.enableScoreEpochs();
  }

  private startGc(replication: Replication): void {
    const gc = new TombstoneCollector(this.keyspace, () => replication.stableVector(), { ...DEFAULT_GC_OPTIONS, intervalMs: this.config.gcIntervalMs });
    this.gc = gc;
    replication.gcHorizon = () => gc.horizon;
    const view = { collector: gc, keyspace: this.keyspace, own: () => this.engine.vv, stable: () => replication.stableVector(), timedOutPeers: () => replication.timedOutPeers };
    this.infoProviders.push({ section: 'crdt', fields: () => gcInfoFields(view) });
    registerGcMetrics(this.metrics.extra, view);
    gc.start();
  }

  // --- mirror wiring: write-behind sink, read passthrough, INFO mirror, metrics ---
  private startMirror(): void {
    const url = this.config.mirror;
    const mirror = url === undefined ? undefined : new Mirror(parseMirrorUrl(url), this.keyspace, this.logger);
    this.mirror = mirror;
    this.server.fallback = passthrough(mirror);
    this.infoProviders.push({ section: 'mirror', fields: () => mirrorStatusFields(this.mirror, Date.now()) });
    if (mirror === undefined) return;
    this.engine.addSink(mirror.writeBehind);
    registerMirrorMetrics(this.metrics.extra, mirror);
    mirror.start();
  }

  private startSnapshots(): void {
    if (this.config.snapshotIntervalSec <= 0) return;
    this.snapshotTimer = setInterval(() => {
      if (this.engine.opsOriginated + this.engine.opsApplied === this.opsAtLastSnapshot) return;
      this.snapshot().catch((error: unknown) => this.logger.error('Snapshot failed', { error: String(error) }));
    }, this.config.snapshotIntervalSec * 1000);
    this.snapshotTimer.unref();
  }

  /** Writes a snapshot of the whole state at the current op-log position, then compacts the log. */
  async snapshot(): Promise<void> {
    if (this.snapshotting !== undefined) return this.snapshotting;
    const run = async (): Promise<void> => {
      const lsn = this.log.lastLsn;
      this.opsAtLastSnapshot = this.engine.opsOriginated + this.engine.opsApplied;
      const started = Date.now();
      await this.log.sync();
      const { bytes, keys } = await saveSnapshot(this.config.dataDir, lsn, this.engine, this.logger);
      this.logger.info('Saved snapshot', { lsn, keys, bytes, ms: Date.now() - started });
      await this.log.truncateBefore(lsn + 1 - this.retainedRecords());
    };
    this.snapshotting = run().finally(() => { this.snapshotting = undefined; });
    return this.snapshotting;
  }

  /** Records kept after a snapshot for peers' catch-up (the replication layer raises it). */
  retainedRecords: () => number = () => 0;

  private fatal(message: string, error: Error): void {
    this.failed = true;
    this.logger.error(message, { error: error.message });
    process.exitCode = 1;
    void this.stop().finally(() => process.exit(1));
  }

  /** With --shutdown-drain-timeout: refuse new writes, then let live peers acknowledge ours before replication stops. */
  private async drainToPeers(): Promise<void> {
    const replication = this.replication;
    const timeoutMs = this.config.shutdownDrainTimeoutMs;
    if (timeoutMs === undefined || replication === undefined || !replication.enabled || this.failed) return;
    this.server.draining = true;
    const ownSeq = (): number => this.engine.vv.get(replication.originId) ?? 0;
    if (await waitForLivePeerAcks(replication, ownSeq, timeoutMs)) this.logger.info('Drained: every live peer acknowledged our ops', { seq: ownSeq() });
    else this.logger.warn('Stopping before every live peer acknowledged our ops', { seq: ownSeq(), timeoutMs });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.info('Shutting down');
    this.expiry?.stop();
    this.gc?.stop();
    await this.drainToPeers();
    await this.replication?.stop();
    if (this.snapshotTimer !== undefined) clearInterval(this.snapshotTimer);
    await this.resp?.close(500);
    this.mirror?.stop();
    try {
      await this.snapshot();
    } catch (error) {
      this.logger.error('Final snapshot failed; the op log still holds every write', { error: String(error) });
    }
    await this.log?.close();
    if (this.log !== undefined && !this.failed) await markCleanShutdown(this.config.dataDir);
    await this.admin?.close();
    this.logger.info('Stopped');
  }
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}
