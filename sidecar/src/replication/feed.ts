import * as grpc from '@grpc/grpc-js';
import { vvDominates, vvMergeInto } from '../crdt/version-vector.js';
import type { OpLog } from '../oplog/index.js';
import type { ReplicaEngine } from '../replica/engine.js';
import { encodeState } from '../replica/snapshots.js';
import type { Logger } from '../observability/logger.js';
import type { LogIndex } from './log-index.js';
import { readOpHeader } from './op-header.js';
import type { LogRecord } from './recent-ops.js';
import { waitsForDirectStream, type RelayReceiver } from './relay-hold.js';
import { incarnationsFromWire, vvFromWire, vvToWire, type HelloMsg, type Incoming, type PeerEntryMsg, type ReplicationMessage } from './wire.js';

export const MAX_OPS_PER_MESSAGE = 512;
const DISK_WINDOW = 8192;
const HEARTBEAT_MS = 1000;
const RELAY_DELAY_MS = 100;

export interface FeedHost {
  readonly engine: ReplicaEngine;
  readonly log: OpLog;
  index(): LogIndex;
  readonly logger: Logger;
  membership(): { peers: PeerEntryMsg[]; removed: string[] };
  /** Checks the hello against the TLS identity and pause state; an error refuses the stream. */
  authorize(hello: HelloMsg, call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>): grpc.StatusObject | undefined;
  opened(feed: Feed): void;
  closed(feed: Feed): void;
  acked(feed: Feed): void;
  /** Join of the stable vectors tombstones were collected with (replica/gc.ts). */
  gcHorizon(): ReadonlyMap<string, number>;
  sentOps(count: number, bytes: number): void;
  resyncs(): void;
}

class StopReplay extends Error {}

/**
 * The sending side of one replication stream (we are the callee): after the caller's
 * hello, a full-state transfer if our log no longer reaches back to its vector, then
 * every op-log record it has not seen (all origins: relay), then the live tail, in
 * batches of up to 512 operations (everything appended in one turn goes together).
 */
export class Feed implements RelayReceiver {
  hello: HelloMsg | undefined;
  /** What the caller has acknowledged (its hello vector merged with every ack). */
  readonly acked = new Map<string, number>();
  /** What of that the caller has made durable: it keeps it across a crash (tombstone GC). */
  readonly durableAcked = new Map<string, number>();
  /** What the caller reported holding, applied or waiting for dependencies (tombstone GC). */
  readonly held = new Map<string, number>();
  /** The incarnations the caller's latest report named (replica/stability.ts). */
  incarnations: ReadonlyMap<string, string> = new Map();
  /** Origins the caller's latest report says reach it on a live stream of their own: not relayed (see step). */
  directOrigins: ReadonlySet<string> = new Set();
  /** Per origin, the highest seq sent on this stream: a record is never sent twice on it. */
  private readonly sentSeq = new Map<string, number>();
  /** The vector of the full state we sent it (its ops are not sent again; not an ack). */
  private readonly stateSent = new Map<string, number>();
  lastHeardAt = Date.now();
  openedAt = Date.now();
  /** Every record up to here was handled (sent, or skipped as already acknowledged). */
  private sentLsn = 0;
  /** Our own records up to here were sent (ahead of sentLsn: relays wait, see step). */
  private ownLsn = 0;
  private pokeScheduled = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>, private readonly host: FeedHost) {}

  start(): void {
    this.call.on('data', (message: Incoming) => this.receive(message));
    this.call.on('error', () => this.close());
    this.call.on('end', () => this.end());
    this.call.on('cancelled', () => this.close());
  }

  get remoteAddress(): string {
    return this.call.getPeer();
  }

  get peerId(): string {
    return this.hello?.replicaId ?? '';
  }

  private receive(message: Incoming): void {
    this.lastHeardAt = Date.now();
    if (message.kind === 'invalid') return this.refuse({ code: grpc.status.INVALID_ARGUMENT, details: `malformed message: ${message.reason}` });
    if (this.hello === undefined) {
      if (message.kind !== 'hello') return this.refuse({ code: grpc.status.FAILED_PRECONDITION, details: 'expected hello first' });
      return this.begin(message.hello);
    }
    if (message.kind === 'ack') {
      vvMergeInto(this.acked, vvFromWire(message.versionVector));
      vvMergeInto(this.durableAcked, vvFromWire(message.durableVersionVector));
      vvMergeInto(this.held, vvFromWire(message.versionVector));
      vvMergeInto(this.held, vvFromWire(message.heldVersionVector));
      this.incarnations = incarnationsFromWire(message.incarnations);
      this.directOrigins = new Set(message.directOrigins);
      this.host.acked(this);
      return;
    }
    this.refuse({ code: grpc.status.INVALID_ARGUMENT, details: `unexpected ${message.kind} message from the caller` });
  }

  private begin(hello: HelloMsg): void {
    const refusal = this.host.authorize(hello, this.call);
    if (refusal !== undefined) return this.refuse(refusal);
    this.hello = hello;
    vvMergeInto(this.acked, vvFromWire(hello.versionVector));
    vvMergeInto(this.durableAcked, vvFromWire(hello.durableVersionVector ?? []));
    vvMergeInto(this.held, vvFromWire(hello.versionVector));
    vvMergeInto(this.held, vvFromWire(hello.heldVersionVector ?? []));
    this.incarnations = incarnationsFromWire(hello.incarnations ?? []);
    this.directOrigins = new Set(hello.directOrigins ?? []);
    this.host.opened(this);
    this.send({ kind: 'membership', ...this.host.membership() });
    this.heartbeat = setInterval(() => this.sendHeartbeat(), HEARTBEAT_MS);
    this.sendHeartbeat();
    this.run().catch((error: unknown) => {
      if (this.closed) return;
      this.host.logger.warn('Replication feed failed', { peer: this.peerId, error: (error as Error).message });
      this.refuse({ code: grpc.status.ABORTED, details: (error as Error).message });
    });
  }

  private sendHeartbeat(): void {
    this.send({ kind: 'heartbeat', sentAtMs: Date.now(), versionVector: vvToWire(this.host.engine.vv), originId: this.host.engine.replicaId });
  }

  /** Forwards a local PUBLISH (dropped, not queued, when the stream is congested: best effort). */
  sendPublish(channel: Buffer, message: Buffer): void {
    if (this.hello !== undefined && !this.closed) this.send({ kind: 'publish', channel, message });
  }

  sendMembership(): void {
    if (this.hello !== undefined && !this.closed) this.send({ kind: 'membership', ...this.host.membership() });
  }

  private async run(): Promise<void> {
    // A caller whose vector does not reach our GC horizon was not counted when we dropped
    // tombstones (silent past --gc-peer-timeout, new, or it lost acknowledged ops in a
    // crash): it gets the collected state whole rather than ops on top of its own.
    const behindGc = !vvDominates(this.acked, this.host.gcHorizon());
    const start = behindGc ? 'resync' : this.host.index().startFor(this.acked);
    if (behindGc) this.host.logger.info('Peer is behind the GC horizon; sending full state', { peer: this.peerId });
    if (start === 'resync') await this.sendState();
    else this.sentLsn = start;
    this.ownLsn = this.sentLsn;
    this.unsubscribe = this.host.index().onAppend(() => this.poke());
    while (!this.closed) await this.step();
  }

  /**
   * One pump step. Our own ops go out at once. Ops of other origins (relays) wait
   * RELAY_DELAY_MS and go only if the caller has not acknowledged them by then, and wait
   * up to RELAY_HOLD_MS more while the caller reports a live stream from their origin
   * (`directOrigins`): in a full mesh it gets them from there, so relaying would multiply
   * the traffic by the cluster size, and a receiver that lags under load (its acks late)
   * would be sent everything twice, falling further behind. A caller cut off from an
   * origin stops reporting it (relay-hold.ts) and then gets its ops through us
   * (DESIGN.md §6: partial connectivity converges).
   */
  private async step(): Promise<void> {
    const recent = this.host.index().recent;
    const ownFrom = Math.max(this.ownLsn, this.sentLsn);
    if (ownFrom < recent.lastLsn && ownFrom + 1 >= recent.firstLsn) {
      const records = recent.after(ownFrom, MAX_OPS_PER_MESSAGE);
      this.ownLsn = records[records.length - 1]?.lsn ?? this.ownLsn;
      return this.sendRecords(records.filter((r) => r.origin === this.host.engine.replicaId));
    }
    if (this.sentLsn + 1 < recent.firstLsn && this.sentLsn < this.host.log.lastLsn) return this.fromDisk();
    const now = Date.now();
    const dueBefore = now - RELAY_DELAY_MS;
    const pending = recent.after(this.sentLsn, MAX_OPS_PER_MESSAGE);
    // Append times never decrease along the ring, so the due records are a prefix.
    let dueCount = 0;
    while (dueCount < pending.length && pending[dueCount]!.at <= dueBefore) dueCount += 1;
    // `sentLsn` moves only past what was sent or needs no sending: up to the first record
    // held back for its origin's own stream. Due records of other origins after it still
    // go (sentSeq keeps them from going twice).
    let handled = dueCount;
    const sendable: LogRecord[] = [];
    for (let i = 0; i < dueCount; i++) {
      const record = pending[i]!;
      if (this.heldBack(record, now)) handled = Math.min(handled, i);
      else if (this.notOwnSent(record)) sendable.push(record);
    }
    if (handled > 0) this.sentLsn = pending[handled - 1]!.lsn;
    await this.sendRecords(sendable);
    if (handled > 0) return;
    // Nothing due, or the first due record waits for its origin's own stream: look again later.
    const next = pending[0];
    return this.idle(dueCount > 0 ? RELAY_DELAY_MS : next === undefined ? undefined : next.at + RELAY_DELAY_MS - Date.now());
  }

  private heldBack(record: LogRecord, now: number): boolean {
    return waitsForDirectStream(record, this.host.engine.replicaId, this, now);
  }

  /** False for our own records the own-ops pass already sent. */
  private notOwnSent(record: LogRecord): boolean {
    return record.origin !== this.host.engine.replicaId || record.lsn > this.ownLsn;
  }

  /** Wakes the pump once per event-loop turn, so one turn's ops travel in one batch. */
  private poke(): void {
    if (this.wake === undefined || this.pokeScheduled) return;
    this.pokeScheduled = true;
    setImmediate(() => {
      this.pokeScheduled = false;
      this.wake?.();
    });
  }

  /** Waits for new records (or `ms`, when a relay becomes due). */
  private idle(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake?.(), Math.max(1, ms));
      this.wake = () => {
        this.wake = undefined;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
  }

  private async sendState(): Promise<void> {
    const lsn = this.host.log.lastLsn;
    const vv = new Map(this.host.engine.vv);
    const chunks = encodeState(this.host.engine);
    this.host.logger.info('Sending full state to peer', { peer: this.peerId, chunks: chunks.length, lsn });
    this.host.resyncs();
    for (let i = 0; i < chunks.length && !this.closed; i++) {
      await this.write({ kind: 'state', chunk: chunks[i]!, last: i === chunks.length - 1 });
    }
    this.sentLsn = lsn;
    this.ownLsn = lsn;
    // Not merged into `acked`: the caller has the state only once it installed it (it may
    // refuse it), and only its own acks may count for WAIT and GC.
    vvMergeInto(this.stateSent, vv);
  }

  /** Catch-up from the op log files, a window of records at a time (bounded memory). */
  private async fromDisk(): Promise<void> {
    const records: LogRecord[] = [];
    try {
      await this.host.log.replay(this.sentLsn, (lsn, bytes) => {
        const header = readOpHeader(bytes);
        if (header !== undefined) records.push({ lsn, origin: header.origin, seq: header.seq, bytes: Buffer.from(bytes), at: 0 });
        if (records.length >= DISK_WINDOW) throw new StopReplay();
      });
    } catch (error) {
      if (!(error instanceof StopReplay)) throw error;
    }
    if (records.length === 0) {
      // Appended but not written yet, and already out of the in-memory ring: wait for the write.
      await new Promise((resolve) => setTimeout(resolve, 10));
      return;
    }
    // Records read back from disk are past any hold (relay-hold.ts): the whole window goes.
    const sendable = records.filter((r) => this.notOwnSent(r));
    this.sentLsn = records[records.length - 1]!.lsn;
    for (let i = 0; i < sendable.length && !this.closed; i += MAX_OPS_PER_MESSAGE) {
      await this.sendRecords(sendable.slice(i, i + MAX_OPS_PER_MESSAGE));
    }
    this.ownLsn = Math.max(this.ownLsn, this.sentLsn);
  }

  private async sendRecords(records: readonly LogRecord[]): Promise<void> {
    const operations: Buffer[] = [];
    let bytes = 0;
    const self = this.hello?.originId ?? '';
    for (const record of records) {
      // Skip what the caller has (its own ops, ops it acknowledged getting elsewhere) or was sent.
      if (record.origin === self || (this.acked.get(record.origin) ?? 0) >= record.seq || (this.stateSent.get(record.origin) ?? 0) >= record.seq) continue;
      if ((this.sentSeq.get(record.origin) ?? 0) >= record.seq) continue;
      this.sentSeq.set(record.origin, record.seq);
      operations.push(record.bytes);
      bytes += record.bytes.length;
    }
    if (operations.length === 0) return;
    this.host.sentOps(operations.length, bytes);
    await this.write({ kind: 'ops', operations });
  }

  private send(message: ReplicationMessage): boolean {
    if (this.closed) return false;
    return this.call.write(message);
  }

  /** Writes with backpressure: waits for 'drain' when grpc-js buffers too much. */
  private async write(message: ReplicationMessage): Promise<void> {
    if (this.send(message)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.call.off('drain', done);
        this.call.off('close', done);
        resolve();
      };
      this.call.on('drain', done);
      this.call.on('close', done);
    });
  }

  private end(): void {
    if (!this.closed) this.call.end();
    this.close();
  }

  /** Ends the stream with an error status, logged (refusals are security-relevant). */
  refuse(status: grpc.StatusObject | { code: grpc.status; details: string }): void {
    if (this.closed) return;
    this.host.logger.warn('Refused replication stream', { peer: this.hello?.replicaId ?? '(before hello)', remote: this.call.getPeer(), code: grpc.status[status.code], reason: status.details });
    this.call.emit('error', { code: status.code, details: status.details, metadata: new grpc.Metadata() });
    this.close();
  }

  /** Ends the stream cleanly (our shutdown): the caller reconnects to someone else or later. */
  shutdown(): void {
    if (this.closed) return;
    this.call.end();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.wake?.();
    if (this.hello !== undefined) this.host.closed(this);
  }
}
