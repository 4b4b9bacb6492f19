import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { Keyspace } from '../store/keyspace.js';
import { CommandFlags } from './command-flags.js';
import { MirrorLink } from './mirror-link.js';
import type { MirrorTarget } from './mirror-url.js';
import { DivergenceProbe } from './divergence-probe.js';
import { rebuildMirror, RebuildAborted, type RebuildProgress } from './rebuild.js';
import { WriteBehind, type WriteTarget } from './write-behind.js';

export type MirrorState = 'connecting' | 'rebuilding' | 'live' | 'stopped';

export interface MirrorOptions {
  readonly maxBufferedBytes: number;
  readonly maxDepth: number;
  readonly connectTimeoutMs: number;
  /** How often the mirror's key count is compared with the store's (0 = never). */
  readonly probeIntervalMs: number;
  readonly rebuildChunkSlots: number;
  readonly rebuildChunkBytes: number;
}

export const DEFAULT_MIRROR_OPTIONS: MirrorOptions = {
  maxBufferedBytes: 64 * 1024 * 1024, maxDepth: 1_000_000, connectTimeoutMs: 2000, probeIntervalMs: 1000,
  rebuildChunkSlots: 2000, rebuildChunkBytes: 1024 * 1024,
};

/** Counters for STATUS and metrics. */
export interface MirrorCounters {
  rebuilds: number;
  droppedWrites: number;
  overflows: number;
  replyErrors: number;
  lastReplyError: string;
  divergences: number;
  passthroughCalls: number;
  lastRebuildMs: number;
  lastRebuildKeys: number;
  lastRebuildReason: string;
  connects: number;
  lastError: string;
}

/**
 * The local Redis mirror's lifecycle (DESIGN.md §5: a cache, never the source of
 * truth): one raw link for write-behind and passthrough, one ioredis client for INFO and
 * COMMAND; reconnects with backoff, and rebuilds the mirror from the store whenever
 * writes may have been lost (start-up, link loss, queue overflow, divergence, REBUILD).
 */
export class Mirror implements WriteTarget {
  readonly writeBehind: WriteBehind;
  readonly admin: Redis;
  state: MirrorState = 'connecting';
  link: MirrorLink | undefined;
  flags: CommandFlags | undefined;
  progress: RebuildProgress | undefined;
  readonly counters: MirrorCounters = {
    rebuilds: 0, droppedWrites: 0, overflows: 0, replyErrors: 0, lastReplyError: '', divergences: 0, passthroughCalls: 0,
    lastRebuildMs: 0, lastRebuildKeys: 0, lastRebuildReason: '', connects: 0, lastError: '',
  };
  /** Writes are being dropped until the next rebuild (queue overflow). */
  private suspended = false;
  private rebuildAgain: string | undefined;
  private rebuilding: Promise<void> | undefined;
  private readonly waitingReads: (() => void)[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private readonly probe: DivergenceProbe;
  private linkGeneration = 0;

  constructor(
    readonly target: MirrorTarget,
    private readonly keyspace: Keyspace,
    private readonly logger: Logger,
    readonly options: MirrorOptions = DEFAULT_MIRROR_OPTIONS,
    private readonly clock: () => number = Date.now,
  ) {
    this.writeBehind = new WriteBehind(keyspace, this, options, clock);
    this.admin = new Redis({
      host: target.host, port: target.port, username: target.username, password: target.password, db: target.db,
      tls: target.tls ? {} : undefined, lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: 1,
      connectionName: 'redis-crdt-mirror-admin', retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.admin.on('error', () => undefined); // link state is what counts; errors surface in STATUS
    this.probe = new DivergenceProbe(keyspace, (reason) => this.onDivergence(reason));
  }

  /** Connects in the background; the sidecar serves clients whatever the mirror does. */
  start(): void {
    this.admin.connect().catch(() => undefined);
    void this.connectLink();
    this.probe.start(this.options.probeIntervalMs, () => (this.state === 'live' ? this.link : undefined));
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  // --- WriteTarget (called on the write path: cheap, never throws) ---
  writableLink(): MirrorLink | undefined {
    return this.suspended || (this.state !== 'live' && this.state !== 'rebuilding') ? undefined : this.link;
  }

  dropped(): void {
    this.counters.droppedWrites += 1;
  }

  overflow(reason: string): void {
    this.counters.droppedWrites += 1;
    if (this.suspended) return;
    this.suspended = true;
    this.counters.overflows += 1;
    this.logger.warn('Mirror write-behind queue full; dropping writes until it drains, then rebuilding', { reason });
    const link = this.link;
    // The PING answers once everything queued before it is applied: then rebuild.
    link?.request([['PING']]).then(() => this.requestRebuild('queue overflow'), () => undefined);
  }

  // --- lifecycle ---
  private async connectLink(): Promise<void> {
    if (this.state === 'stopped') return;
    const generation = ++this.linkGeneration;
    let link: MirrorLink | undefined;
    try {
      link = await MirrorLink.open(this.target, {
        onClose: (reason) => this.onLinkClosed(generation, reason),
        onReplyError: (message) => this.onReplyError(message),
      }, this.options.connectTimeoutMs);
      // Passthrough needs the mirror's own command flags before it can forward anything.
      this.flags = CommandFlags.parse(await this.withTimeout(this.admin.call('COMMAND'), 'COMMAND'));
      if (this.stopped || generation !== this.linkGeneration) return link.close();
      this.link = link;
      this.counters.connects += 1;
      this.backoffMs = 100;
      this.logger.info('Connected to the local Redis mirror', { mirror: this.target.display, commands: this.flags.size });
      this.requestRebuild(this.counters.connects === 1 ? 'start-up' : 'mirror reconnected');
    } catch (error) {
      if (link !== undefined && generation === this.linkGeneration) {
        this.linkGeneration += 1; // its close is ours, not a loss to report
        link.close();
      }
      this.counters.lastError = error instanceof Error ? error.message : String(error);
      if (this.counters.connects === 0 && this.backoffMs === 100) this.logger.warn('Local Redis mirror unreachable; serving without it and retrying', { mirror: this.target.display, error: this.counters.lastError });
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped' || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connectLink();
    }, this.backoffMs);
    this.reconnectTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 2000);
  }

  private onLinkClosed(generation: number, reason: string): void {
    if (generation !== this.linkGeneration) return;
    this.link = undefined;
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.counters.lastError = reason;
    this.logger.warn('Lost the local Redis mirror; serving without it and reconnecting', { mirror: this.target.display, reason });
    this.releaseWaitingReads();
    this.scheduleReconnect();
  }

  private onReplyError(message: string): void {
    this.counters.replyErrors += 1;
    if (this.counters.lastReplyError !== message) this.logger.warn('Mirror rejected a write-behind command', { error: message });
    this.counters.lastReplyError = message;
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${this.options.connectTimeoutMs * 2} ms`)), this.options.connectTimeoutMs * 2);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private onDivergence(reason: string): void {
    this.counters.divergences += 1;
    this.logger.warn('Mirror diverged from the store; rebuilding', { reason });
    this.requestRebuild(`divergence: ${reason}`);
  }

  // --- rebuild ---
  /** Starts a rebuild, or queues one after the rebuild in progress. */
  requestRebuild(reason: string): void {
    if (this.rebuilding !== undefined) {
      this.rebuildAgain = reason;
      return;
    }
    const link = this.link;
    if (link === undefined || this.state === 'stopped') return;
    this.rebuilding = this.runRebuild(link, reason).finally(() => {
      this.rebuilding = undefined;
      const again = this.rebuildAgain;
      this.rebuildAgain = undefined;
      if (again !== undefined) this.requestRebuild(again);
    });
  }

  private async runRebuild(link: MirrorLink, reason: string): Promise<void> {
    this.state = 'rebuilding';
    this.suspended = false;
    this.probe.reset();
    const progress: RebuildProgress = { reason, startedAt: this.clock(), visited: 0, total: this.keyspace.size, written: 0 };
    this.progress = progress;
    this.logger.info('Rebuilding the local Redis mirror', { reason, records: progress.total });
    let lastLog = progress.startedAt;
    try {
      await rebuildMirror(this.keyspace, link, progress, {
        chunkSlots: this.options.rebuildChunkSlots, chunkBytes: this.options.rebuildChunkBytes,
        onProgress: (p) => {
          if (this.clock() - lastLog < 1000) return;
          lastLog = this.clock();
          this.logger.info('Mirror rebuild progress', { visited: p.visited, total: p.total, written: p.written });
        },
      }, this.clock, () => link !== this.link || this.state === 'stopped');
      this.finishRebuild(progress);
    } catch (error) {
      if (!(error instanceof RebuildAborted) && this.link === link) this.logger.warn('Mirror rebuild failed', { error: String(error) });
    } finally {
      this.progress = undefined;
    }
  }

  private finishRebuild(progress: RebuildProgress): void {
    const ms = this.clock() - progress.startedAt;
    Object.assign(this.counters, { rebuilds: this.counters.rebuilds + 1, lastRebuildMs: ms, lastRebuildKeys: progress.written, lastRebuildReason: progress.reason });
    this.state = 'live';
    this.logger.info('Rebuilt the local Redis mirror', { reason: progress.reason, keys: progress.written, ms });
    this.releaseWaitingReads();
  }

  // --- reads ---
  /** Runs `send` once reads see every write so far: now when live, after the rebuild otherwise. */
  whenReadable(send: () => void): void {
    if (this.state === 'live' || this.link === undefined) send();
    else this.waitingReads.push(send);
  }

  private releaseWaitingReads(): void {
    for (const send of this.waitingReads.splice(0)) send();
  }

  /** Resolves when every write queued so far has been answered by the mirror. */
  async drained(): Promise<void> {
    const expiry = this.writeBehind.replicatedExpiry;
    for (;;) {
      const rewrites = expiry.rewrites;
      await this.link?.request([['PING']]);
      // A replicated expiry's check may have queued a rewrite after the PING: wait for it too.
      if (this.link === undefined || (expiry.inFlight === 0 && expiry.rewrites === rewrites)) return;
    }
  }

  stop(): void {
    this.state = 'stopped';
    this.probe.stop();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.link?.close();
    this.link = undefined;
    this.releaseWaitingReads();
    this.admin.disconnect();
  }
}
