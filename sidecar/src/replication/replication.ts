import * as grpc from '@grpc/grpc-js';
import type { ServerContext } from '../commands/exec-context.js';
import { deliverPublish, setPublishForwarder } from '../commands/pubsub.js';
import { hlcPhysicalMs } from '../crdt/hlc.js';
import { vvMergeInto, type VersionVector } from '../crdt/version-vector.js';
import type { Logger } from '../observability/logger.js';
import type { OpLog } from '../oplog/index.js';
import { CausalBuffer } from '../replica/causal-buffer.js';
import { DurableVector } from '../replica/durable-vector.js';
import { FEATURES, peersLacking, type FeatureGate } from '../replica/features.js';
import { LatestDeps } from '../replica/latest-deps.js';
import { stableVector } from '../replica/stability.js';
import { StateDigest } from '../replica/digest.js';
import type { ReplicaEngine } from '../replica/engine.js';
import type { Operation } from '../store/effects.js';
import { AckWaiters } from './ack-waiters.js';
import { Feed, type FeedHost } from './feed.js';
import { LogIndex } from './log-index.js';
import { PeerLink, type LinkHost } from './peer-link.js';
import { PeerSet, type PeerInfo } from './peer-set.js';
import { PeerRecord, type PeerStatus } from './peer-status.js';
import { directOriginOf } from './relay-hold.js';
import { ReplicationCounters } from './replication-metrics.js';
import { authorizeHello } from './authorize.js';
import { installPeerState } from './state-install.js';
import { TlsCredentials } from './tls.js';
import { VvHistory } from './vv-history.js';
import { REPLICATION_SERVICE, type HelloMsg, type Incoming, type PeerEntryMsg, type ReplicationMessage } from './wire.js';

/** What replication needs from the process (the Sidecar satisfies it structurally). */
export interface ReplicationDeps {
  readonly engine: ReplicaEngine;
  readonly log: OpLog;
  readonly logger: Logger;
  readonly config: {
    readonly replicaId: string;
    readonly replPort: number;
    readonly replBind: string;
    readonly peers: readonly { id: string; address: string }[];
    readonly peersFile: string | undefined;
    readonly tls: { readonly ca: string; readonly cert: string; readonly key: string } | undefined;
    readonly insecureReplication: boolean;
    /** A peer silent longer than this stops counting for GC and log retention. */
    readonly gcPeerTimeoutMs: number;
  };
  /** Writes a snapshot (after a full-state install, whose state is not in the op log). */
  snapshot(): Promise<void>;
  /** The command layer's context: PUBLISH is forwarded to peers and delivered from them. */
  readonly server?: ServerContext;
  /** Features turned on here (replica/features.ts): a peer's hello must announce each. */
  readonly features: FeatureGate;
  /** Turns a feature on for good (durably, then in effect), once every peer announced it. */
  enableFeature(feature: string): Promise<void>;
}

/** Most op-log records kept for a peer that has not acknowledged them (then it resyncs). */
const MAX_RETAINED_RECORDS = 2_000_000;

/**
 * Active-active replication (DESIGN.md §6): a gRPC server that feeds every caller, one
 * link to every peer, causal delivery of what arrives, peer membership and liveness,
 * acks for WAIT and log retention.
 */
export class Replication {
  readonly peers: PeerSet;
  private readonly records = new Map<string, PeerRecord>();
  readonly counters = new ReplicationCounters();
  readonly waiters = new AckWaiters();
  readonly digest: StateDigest;
  readonly buffer: CausalBuffer;
  readonly history: VvHistory;
  private index!: LogIndex;
  /** What of our vector is durable: the vector we acknowledge for GC (set in start). */
  private durable: DurableVector | undefined;
  private readonly linkHost: LinkHost;
  private readonly feedHost: FeedHost;
  private server: grpc.Server | undefined;
  private tls: TlsCredentials | undefined;
  port = 0;
  pausedAll = false;
  enabled = false;
  /** Deps of the latest op applied per origin: part of the stable vector (stability.ts). */
  private readonly latestDeps = new LatestDeps();
  /** Peers currently not counted because they were silent past the GC timeout (logged once). */
  private readonly timedOut = new Set<string>();
  /** Set while a feature is being turned on (the decision is made once). */
  private enablingFeature = false;
  /** The GC horizon (set by the process once its collector exists): callers behind it resync. */
  gcHorizon: () => ReadonlyMap<string, number> = () => new Map();

  constructor(private readonly deps: ReplicationDeps) {
    this.peers = new PeerSet(deps.config.replicaId, () => this.syncPeers(), (error) => deps.logger.error('Invalid peers file; keeping the previous peers', { error: error.message }));
    this.digest = new StateDigest(deps.engine);
    this.buffer = new CausalBuffer(deps.engine);
    this.history = new VvHistory(() => deps.engine.vv);
    deps.engine.addSink(this.latestDeps);
    this.linkHost = this.makeLinkHost();
    this.feedHost = this.makeFeedHost();
  }

  private makeLinkHost(): LinkHost {
    const { engine, config, logger } = this.deps;
    return {
      logger, originId: engine.replicaId, replicaId: config.replicaId,
      advertisedAddress: () => this.advertisedAddress,
      vv: () => engine.vv,
      durableVv: () => this.durable?.current() ?? new Map(),
      heldVv: () => this.buffer.held(),
      incarnations: () => this.incarnations(),
      directOrigins: () => this.directOrigins(),
      credentials: (peer) => this.tls?.clientCredentials(peer.id, peer.address, peer.serverName) ?? grpc.credentials.createInsecure(),
      applyOps: (peer, ops) => this.applyOps(peer, ops),
      installState: (peer, chunks) => this.installFullState(peer, chunks),
      learn: (peers, removed) => { this.peers.learn(peers, removed); },
      deliverPublish: (channel, message) => {
        if (this.deps.server !== undefined) deliverPublish(this.deps.server, channel.toString('latin1'), message);
      },
    };
  }

  private makeFeedHost(): FeedHost {
    const { engine, log, logger } = this.deps;
    return {
      engine, log, logger,
      index: () => this.index,
      membership: () => this.membership(),
      authorize: (hello, call) => this.authorize(hello, call),
      opened: (feed) => this.feedOpened(feed),
      closed: (feed) => { this.records.get(feed.peerId)?.feeds.delete(feed); },
      acked: (feed) => this.acked(feed),
      gcHorizon: () => this.gcHorizon(),
      sentOps: (count, bytes) => this.counters.sent(count, bytes),
      resyncs: () => { this.counters.resyncsOut += 1; },
    };
  }

  get originId(): string {
    return this.deps.engine.replicaId;
  }

  async start(): Promise<void> {
    const { config, logger } = this.deps;
    const hasPeers = config.peers.length > 0 || config.peersFile !== undefined;
    if (config.tls === undefined && !config.insecureReplication) {
      if (hasPeers) throw new Error('Replication needs --tls-ca, --tls-cert and --tls-key (or --insecure-replication for testing)');
      logger.warn('Replication disabled: no TLS material and no peers (standalone replica)');
      return;
    }
    if (config.tls === undefined) logger.warn('Replication runs WITHOUT TLS (--insecure-replication): peers are not authenticated');
    else {
      this.tls = new TlsCredentials(config.tls, (error) => {
        if (error === undefined) logger.info('Reloaded TLS certificates', { cert: config.tls?.cert });
        else logger.error('TLS certificate reload failed; keeping the previous ones', { error: error.message });
      });
      this.tls.watch();
    }
    this.index = await LogIndex.build(this.deps.log, this.deps.engine.vv);
    this.deps.engine.addSink(this.index);
    // From here each op counts once its record is durable; what recovery found, once synced
    // (before any link or feed exists, so no ack can carry it earlier).
    const log = this.deps.log;
    this.durable = new DurableVector({ get lastLsn() { return log.lastLsn; }, durableLsn: () => durableLsnOf(log) }, this.deps.engine.vv);
    this.deps.engine.addSink(this.durable);
    await log.sync();
    // Apply lag of every replicated op (creation HLC to apply here), whichever peer brought it.
    this.deps.engine.addSink({ onOperation: (op, local) => { if (!local) this.counters.observeLag(Date.now() - hlcPhysicalMs(op.ctx.hlc)); } });
    await this.listen();
    this.enabled = true;
    this.history.start();
    this.peers.setStatic(config.peers);
    if (config.peersFile !== undefined) this.peers.watchFile(config.peersFile);
    this.syncPeers();
    this.checkFeatures();
    if (this.deps.server !== undefined) setPublishForwarder(this.deps.server, (channel, message) => this.publish(channel, message));
    logger.info('Replication listening', { port: this.port, bind: config.replBind, tls: this.tls !== undefined, peers: this.peers.list().map((p) => p.id) });
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.keepalive_time_ms': 10_000 });
    server.addService(REPLICATION_SERVICE, {
      replicate: (call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>) => new Feed(call, this.feedHost).start(),
    });
    const credentials = this.tls?.serverCredentials() ?? grpc.ServerCredentials.createInsecure();
    const { replBind, replPort } = this.deps.config;
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${replBind}:${replPort}`, credentials, (error, port) => (error === null ? resolve(port) : reject(error)));
    });
    this.server = server;
  }

  /** host:port peers should dial us at (host left empty on a wildcard bind: the callee fills it in). */
  get advertisedAddress(): string {
    const host = ['0.0.0.0', '::', ''].includes(this.deps.config.replBind) ? '' : this.deps.config.replBind;
    return `${host}:${this.port}`;
  }

  private record(id: string, info: PeerInfo | undefined): PeerRecord | undefined {
    let record = this.records.get(id);
    if (record === undefined && info !== undefined) {
      record = new PeerRecord(info);
      record.paused = this.pausedAll;
      this.records.set(id, record);
    }
    return record;
  }

  /** Opens links to new peers, drops removed ones, and tells callers the new membership. */
  private syncPeers(): void {
    if (!this.enabled) return;
    const wanted = new Map(this.peers.list().map((peer) => [peer.id, peer]));
    for (const [id, record] of this.records) {
      const info = wanted.get(id);
      if (info === undefined || info.address !== record.info.address) {
        record.link?.stop();
        record.link = undefined;
        if (info === undefined) {
          if (this.peers.removed.has(id)) for (const feed of record.feeds) feed.refuse({ code: grpc.status.PERMISSION_DENIED, details: 'removed from the cluster' });
          this.records.delete(id);
        }
      }
    }
    for (const info of wanted.values()) {
      const record = this.record(info.id, info)!;
      record.info = info;
      if (record.link === undefined) {
        record.link = new PeerLink(info, this.linkHost);
        if (record.paused) record.link.state = 'paused';
        else record.link.start();
      }
    }
    for (const record of this.records.values()) for (const feed of record.feeds) feed.sendMembership();
    // A peer that lacked a feature may just have been removed.
    this.checkFeatures();
  }

  /** The peers whose hello has not announced `feature` (all of them may have left meanwhile). */
  peersLacking(feature: string): string[] {
    return peersLacking(this.peers.list().map((peer) => ({ id: peer.id, features: this.records.get(peer.id)?.features })), feature);
  }

  /** Turns each feature on once every peer we know announced it (replica/features.ts), one at a time. */
  private checkFeatures(): void {
    const { features, logger } = this.deps;
    if (!this.enabled || this.enablingFeature) return;
    const feature = FEATURES.find((name) => !features.has(name) && this.peersLacking(name).length === 0);
    if (feature === undefined) return;
    this.enablingFeature = true;
    this.deps.enableFeature(feature)
      .then(() => { this.enablingFeature = false; this.checkFeatures(); })
      .catch((error: unknown) => {
        this.enablingFeature = false;
        logger.error('Could not record that a feature is on; it stays off (retried when a peer connects)', { feature, error: (error as Error).message });
      });
  }

  /** The peers that lack some feature this version has and this replica has not turned on yet. */
  private peersHoldingBackFeatures(): string[] {
    const waiting = new Set<string>();
    for (const feature of FEATURES) if (!this.deps.features.has(feature)) for (const id of this.peersLacking(feature)) waiting.add(id);
    return [...waiting].sort();
  }

  private applyOps(peer: PeerInfo, ops: Operation[]): void {
    const applied = this.buffer.offer(ops);
    const record = this.records.get(peer.id);
    if (record !== undefined) record.opsIn += applied;
    this.counters.received(ops.length, applied);
    // Tell every peer, not only the sender: their feeds then skip relaying these to us.
    if (applied > 0) for (const other of this.records.values()) if (other !== record) other.link?.scheduleAck();
  }

  /** A full-state transfer from `peer` (see state-install.ts), then a snapshot: the state is not in our log. */
  private async installFullState(peer: PeerInfo, chunks: Buffer[]): Promise<void> {
    const started = Date.now();
    const { engine, log, logger } = this.deps;
    this.durable?.installing();
    let report: Awaited<ReturnType<typeof installPeerState>>;
    try {
      report = await installPeerState({ engine, log, index: this.index, buffer: this.buffer }, chunks);
    } catch (error) {
      // Our previous state was put back: it is in our log and snapshots as before.
      this.digest.reset();
      this.durable?.installAbandoned();
      throw error;
    }
    this.digest.reset();
    this.counters.resyncsIn += 1;
    logger.info('Installed full state from peer', { peer: peer.id, keys: report.keys, reapplied: report.reapplied, ms: Date.now() - started });
    const installed = new Map(engine.vv);
    // A snapshot already running holds the state from before the install: the second one
    // (started after it, or by someone else after the install) holds the installed state.
    await this.deps.snapshot();
    await this.deps.snapshot();
    this.durable?.snapshotted(installed);
  }

  private authorize(hello: HelloMsg, call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>): grpc.StatusObject | undefined {
    return authorizeHello(hello, call, {
      selfId: this.deps.config.replicaId,
      tls: this.tls !== undefined,
      known: (id) => this.peers.get(id),
      removed: (id) => this.peers.removed.has(id),
      paused: (id) => this.pausedAll || (this.records.get(id)?.paused ?? false),
      requiredFeatures: () => this.deps.features.list(),
    });
  }

  private feedOpened(feed: Feed): void {
    const hello = feed.hello!;
    const known = this.peers.get(hello.replicaId);
    if (known === undefined) {
      // A caller we did not know: learn it (gossip), its host taken from the connection.
      const port = hello.address.slice(hello.address.lastIndexOf(':') + 1);
      const host = hello.address.startsWith(':') || hello.address === '' ? hostOfPeer(feed) : hello.address.slice(0, hello.address.lastIndexOf(':'));
      if (port !== '' && host !== '') this.peers.learn([{ id: hello.replicaId, address: `${host}:${port}` }], []);
    }
    const record = this.record(hello.replicaId, this.peers.get(hello.replicaId));
    record?.feeds.add(feed);
    if (record !== undefined && record.heldFrom !== hello.originId) {
      record.heldFrom = hello.originId;
      record.held.clear();
      record.reportedIncarnations = undefined;
      record.link?.expectIncarnation(hello.originId);
    }
    if (record !== undefined) {
      mergeAcks(record, feed);
      record.features = new Set(hello.features ?? []);
      this.checkFeatures();
    }
  }

  /** The incarnation we last heard from per replica (its latest stream's hello), and ours. */
  incarnations(records: Iterable<PeerRecord> = this.records.values()): Map<string, string> {
    const incarnations = new Map([[this.deps.config.replicaId, this.originId]]);
    for (const record of records) if (record.heldFrom !== '') incarnations.set(record.info.id, record.heldFrom);
    return incarnations;
  }

  /** Origins whose ops reach us on a live stream straight from their replica (peers need not relay them). */
  private directOrigins(): string[] {
    const now = Date.now();
    const origins: string[] = [];
    for (const record of this.records.values()) {
      const origin = record.link === undefined ? undefined : directOriginOf(record.link, now);
      if (origin !== undefined) origins.push(origin);
    }
    return origins;
  }

  private acked(feed: Feed): void {
    const record = this.records.get(feed.peerId);
    if (record !== undefined) mergeAcks(record, feed);
    this.waiters.checkAll();
  }

  /** PUBLISH on every replica (DESIGN.md §4): sent to each caller's stream, at most once per replica. */
  publish(channel: string, message: Buffer): void {
    const bytes = Buffer.from(channel, 'latin1');
    for (const record of this.records.values()) {
      // One stream per peer is enough (a reconnecting peer may briefly have two).
      const feed = [...record.feeds].pop();
      feed?.sendPublish(bytes, message);
    }
  }

  membership(): { peers: PeerEntryMsg[]; removed: string[] } {
    const peers = this.peers.list().map((p) => ({ id: p.id, address: p.address }));
    return { peers, removed: [...this.peers.removed] };
  }

  /** Stops (or resumes) all replication traffic with one peer, or with all of them. */
  setPaused(paused: boolean, peerId?: string): number {
    const targets = peerId === undefined ? [...this.records.values()] : [this.records.get(peerId)].filter((r): r is PeerRecord => r !== undefined);
    if (peerId === undefined) this.pausedAll = paused;
    for (const record of targets) {
      record.paused = paused;
      if (paused) {
        record.link?.pause();
        for (const feed of [...record.feeds]) feed.refuse({ code: grpc.status.UNAVAILABLE, details: 'replication paused' });
      } else record.link?.resume();
    }
    return targets.length;
  }

  peerRecords(): PeerRecord[] {
    return [...this.records.values()].sort((a, b) => a.info.id.localeCompare(b.info.id));
  }

  status(): PeerStatus[] {
    const now = Date.now();
    return this.peerRecords().map((record) => record.status(this.deps.engine.vv, this.history, now));
  }

  /**
   * The peers that hold back GC and op-log retention: every known peer except removed ones
   * and those silent longer than --gc-peer-timeout (memory stays bounded while a peer is
   * gone; it resyncs in full when it returns). A paused peer is silent too.
   */
  countedPeers(now = Date.now()): PeerRecord[] {
    const counted: PeerRecord[] = [];
    for (const record of this.records.values()) {
      const id = record.info.id;
      if (this.peers.removed.has(id)) continue;
      const silentMs = now - record.lastContactAt();
      if (silentMs <= this.deps.config.gcPeerTimeoutMs) {
        if (this.timedOut.delete(id)) this.deps.logger.info('Peer is back; it holds back GC again', { peer: id });
        counted.push(record);
      } else if (!this.timedOut.has(id)) {
        this.timedOut.add(id);
        this.deps.logger.warn('Peer silent past --gc-peer-timeout; GC and log retention no longer wait for it (it will get a full state when it returns)', { peer: id, silentMs });
      }
    }
    return counted;
  }

  /** The causally stable vector (replica/stability.ts) from our vector, counted peers' acks and in-flight origins. */
  stableVector(): VersionVector {
    // Durable acks only: a peer that crashed may have lost applied ops it acknowledged.
    const peers = this.countedPeers();
    const counted = peers.map((record) => record.durableAcked);
    // What exists that we have not applied: what peers hold, and what waits in our buffer.
    const reported = [...peers.map((record) => record.held), this.buffer.held()];
    const reportedIncarnations = peers.map((record) => record.reportedIncarnations);
    return stableVector({ own: this.deps.engine.vv, counted, reported, incarnations: this.incarnations(peers), reportedIncarnations, latestDeps: this.latestDeps.byOrigin });
  }

  /** Peers not counted for GC right now (silent past the timeout). */
  get timedOutPeers(): number {
    return this.timedOut.size;
  }

  /** Op-log records to keep after a snapshot: back to the oldest counted peer's acknowledged position. */
  retainedRecords(): number {
    if (!this.enabled) return 0;
    const log = this.deps.log;
    let oldest = log.lastLsn;
    for (const record of this.countedPeers()) {
      const start = this.index.startFor(record.durableAcked);
      oldest = Math.min(oldest, start === 'resync' ? log.firstLsn - 1 : start);
    }
    return Math.min(MAX_RETAINED_RECORDS, log.lastLsn - oldest);
  }

  infoFields(): [string, string | number][] {
    const statuses = this.status();
    const fields: [string, string | number][] = [
      ['role', 'active-active'], ['crdt_replication_port', this.port], ['crdt_replication_tls', this.tls === undefined ? 0 : 1],
      ['crdt_peers', statuses.length], ['crdt_peers_alive', statuses.filter((s) => s.state === 'alive').length],
      ['crdt_ops_received', this.counters.opsReceived], ['crdt_ops_applied', this.counters.opsApplied], ['crdt_ops_sent', this.counters.opsSent],
      ['crdt_bytes_sent', this.counters.bytesSent], ['crdt_resyncs_in', this.counters.resyncsIn], ['crdt_resyncs_out', this.counters.resyncsOut],
      ['crdt_causal_waiting', this.buffer.waiting], ['crdt_paused', this.pausedAll ? 1 : 0],
      ['crdt_apply_lag_p50_ms', this.counters.lagPercentile(50)], ['crdt_apply_lag_p99_ms', this.counters.lagPercentile(99)],
      ['crdt_features', this.deps.features.list().join(',')],
      ['crdt_features_waiting_for', this.peersHoldingBackFeatures().join(',')],
    ];
    statuses.forEach((s, i) => fields.push([`peer${i}`, `id=${s.id},addr=${s.address},state=${s.state},link=${s.link},lag_ops=${s.lagOps},lag_ms=${s.lagMs},paused=${s.paused ? 1 : 0}`]));
    return fields;
  }

  async stop(): Promise<void> {
    this.enabled = false;
    if (this.deps.server !== undefined) setPublishForwarder(this.deps.server, undefined);
    this.waiters.flush();
    this.history.stop();
    this.peers.stop();
    this.tls?.stop();
    for (const record of this.records.values()) {
      record.link?.stop();
      for (const feed of [...record.feeds]) feed.shutdown();
    }
    const server = this.server;
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, 1000);
        server.tryShutdown(() => { clearTimeout(timer); resolve(); });
      });
    }
  }
}

function mergeAcks(record: PeerRecord, feed: Feed): void {
  vvMergeInto(record.acked, feed.acked);
  vvMergeInto(record.durableAcked, feed.durableAcked);
  if (feed.hello?.originId === record.heldFrom) {
    vvMergeInto(record.held, feed.held);
    record.reportedIncarnations = feed.incarnations;
  }
}

/** Under appendfsync no the OS decides when to sync: a written record survives a process crash. */
function durableLsnOf(log: OpLog): number {
  return log.policy === 'no' ? log.stats().lastWrittenLsn : log.lastDurableLsn;
}

function hostOfPeer(feed: Feed): string {
  const peer = feed.remoteAddress;
  const colon = peer.lastIndexOf(':');
  return colon < 0 ? '' : peer.slice(0, colon).replace(/^ipv4:|^ipv6:/, '').replace(/^\[|\]$/g, '');
}
