import * as grpc from '@grpc/grpc-js';
import { decodeOperation, MalformedOperationError } from '../codec/operation-codec.js';
import { readOpHeader } from './op-header.js';
import type { StreamLiveness } from './relay-hold.js';
import type { Logger } from '../observability/logger.js';
import type { Operation } from '../store/effects.js';
import type { PeerInfo } from './peer-set.js';
import { FEATURES } from '../replica/features.js';
import { PROTOCOL_VERSION, REPLICATE_PATH, deserialize, incarnationsToWire, serializeMessage, vvFromWire, vvToWire, type Incoming, type PeerEntryMsg, type ReplicationMessage, type WireIncarnation, type WireVvEntry } from './wire.js';

export type LinkState = StreamLiveness['state'];

/** What a link needs from the replication layer (kept narrow for tests). */
export interface LinkHost {
  readonly logger: Logger;
  readonly originId: string;
  readonly replicaId: string;
  advertisedAddress(): string;
  vv(): ReadonlyMap<string, number>;
  /** The durable part of vv() (replica/durable-vector.ts): acknowledged for GC. */
  durableVv(): ReadonlyMap<string, number>;
  /** vv() plus what waits in the causal buffer (CausalBuffer.held): reported for GC. */
  heldVv(): ReadonlyMap<string, number>;
  /** The incarnation we last heard from, per replica (ourselves included): reported for GC. */
  incarnations(): ReadonlyMap<string, string>;
  /** Origins whose ops reach us on a live stream of ours from their replica: reported so peers need not relay them. */
  directOrigins(): string[];
  credentials(peer: PeerInfo): grpc.ChannelCredentials;
  /** Applies a decoded batch (causal buffer); throws to refuse the stream. */
  applyOps(peer: PeerInfo, ops: Operation[]): void;
  installState(peer: PeerInfo, chunks: Buffer[]): Promise<void>;
  learn(peers: PeerEntryMsg[], removed: string[]): void;
  /** A PUBLISH made on the peer: deliver to our subscribers. */
  deliverPublish(channel: Buffer, message: Buffer): void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2000;
const ACK_DELAY_MS = 5;
const ACK_EVERY_MS = 1000;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': BACKOFF_MIN_MS,
  'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
  // Ops flow callee → caller: HTTP/2's default 64 KiB window would let ~1 batch be in
  // flight per round trip and cap replication at a few thousand ops/s under load.
  'grpc-node.flow_control_window': 16 * 1024 * 1024,
};

/**
 * Our stream to one peer (we are the caller): hello with our version vector, then we
 * receive its full state (when needed), the ops we miss and its live tail, and answer with
 * acks of our vector. Reconnects with jittered exponential backoff; a fresh channel each
 * time, so reloaded TLS material applies to the next connection.
 */
export class PeerLink {
  state: LinkState = 'connecting';
  lastHeardAt = 0;
  connectedAt = 0;
  reconnects = 0;
  lastError = '';
  /** The peer's version vector from its last heartbeat (what it has, for lag in ops). */
  peerVv: ReadonlyMap<string, number> = new Map();
  /** The incarnation (origin id) the current stream comes from, once its first heartbeat arrived. */
  calleeOrigin: string | undefined;
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<ReplicationMessage, Incoming> | undefined;
  private backoffMs = BACKOFF_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackInterval: NodeJS.Timeout | undefined;
  private stateChunks: Buffer[] | undefined;
  private installing = false;

  constructor(public peer: PeerInfo, private readonly host: LinkHost) {}

  start(): void {
    this.connect();
  }

  private connect(): void {
    this.state = 'connecting';
    // SNI carries the peer's name, not its IP (RFC 6066 forbids IP server names).
    const options = { ...CHANNEL_OPTIONS, 'grpc.ssl_target_name_override': this.peer.serverName ?? this.peer.id };
    this.client = new grpc.Client(this.peer.address, this.host.credentials(this.peer), options);
    const call = this.client.makeBidiStreamRequest<ReplicationMessage, Incoming>(REPLICATE_PATH, serializeMessage, deserialize);
    this.call = call;
    this.calleeOrigin = undefined;
    call.on('data', (message: Incoming) => this.receive(call, message));
    call.on('error', (error: grpc.ServiceError) => this.disconnected(call, error.details || error.message));
    call.on('end', () => this.disconnected(call, 'stream ended'));
    call.write({
      kind: 'hello',
      hello: { originId: this.host.originId, replicaId: this.host.replicaId, address: this.host.advertisedAddress(), protocolVersion: PROTOCOL_VERSION, features: [...FEATURES], ...this.report() },
    });
    this.ackInterval = setInterval(() => this.ack(), ACK_EVERY_MS);
  }

  private receive(call: grpc.ClientDuplexStream<ReplicationMessage, Incoming>, message: Incoming): void {
    if (call !== this.call) return;
    this.lastHeardAt = Date.now();
    if (this.state !== 'streaming') {
      this.state = 'streaming';
      this.connectedAt = this.lastHeardAt;
      this.backoffMs = BACKOFF_MIN_MS;
      this.host.logger.info('Replication stream up', { peer: this.peer.id, address: this.peer.address });
    }
    try {
      this.handle(message);
    } catch (error) {
      this.refuse((error as Error).message);
    }
  }

  private handle(message: Incoming): void {
    switch (message.kind) {
      case 'ops': {
        // Decode the whole batch first: a malformed batch is refused with nothing applied.
        this.host.applyOps(this.peer, this.decodeBatch(message.operations));
        this.scheduleAck();
        return;
      }
      case 'state':
        return this.receiveState(message.chunk, message.last);
      case 'heartbeat':
        this.peerVv = vvFromWire(message.versionVector);
        this.calleeOrigin = message.originId;
        return;
      case 'membership':
        return this.host.learn(message.peers, message.removed);
      case 'publish':
        return this.host.deliverPublish(message.channel, message.message);
      case 'invalid':
        throw new Error(`malformed message: ${message.reason}`);
      case 'hello':
      case 'ack':
        throw new Error(`unexpected ${message.kind} message from the callee`);
    }
  }

  /**
   * Decodes a batch, skipping (by header only) ops we already have: in a full mesh most
   * relayed copies are duplicates, and a header read costs far less than a full decode.
   */
  private decodeBatch(operations: readonly Buffer[]): Operation[] {
    const vv = this.host.vv();
    const ops: Operation[] = [];
    for (const received of operations) {
      const header = readOpHeader(received);
      if (header === undefined) throw new MalformedOperationError('operation without a valid origin/seq');
      if ((vv.get(header.origin) ?? 0) >= header.seq) continue;
      // Decoded from its own copy (kept as its encoding), not from the whole received message.
      ops.push(decodeOperation(received));
    }
    return ops;
  }

  private receiveState(chunk: Buffer, last: boolean): void {
    this.stateChunks ??= [];
    this.stateChunks.push(Buffer.from(chunk));
    if (!last) return;
    const chunks = this.stateChunks;
    this.stateChunks = undefined;
    this.installing = true;
    this.host.installState(this.peer, chunks).then(() => {
      this.installing = false;
      this.scheduleAck();
    }, (error: unknown) => {
      this.installing = false;
      this.refuse(`full-state transfer failed: ${(error as Error).message}`);
    });
  }

  /**
   * Acks within ACK_DELAY_MS (coalesced). Called for ops that arrived on this stream, and
   * by the replication layer for ops that arrived on any other: a peer's feed relays an
   * op to us only if we have not acknowledged it RELAY_DELAY_MS after it logged it, so a
   * prompt ack on every stream keeps a full mesh from sending each op N-1 times.
   */
  scheduleAck(): void {
    if (this.ackTimer !== undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.ack();
    }, ACK_DELAY_MS);
  }

  private ack(): void {
    if (this.call === undefined || this.state !== 'streaming' || this.installing) return;
    this.call.write({ kind: 'ack', ...this.report() });
  }

  /** What the hello and every ack tell the callee: our vectors (acks, GC) and the incarnations we heard from. */
  private report(): { versionVector: WireVvEntry[]; durableVersionVector: WireVvEntry[]; heldVersionVector: WireVvEntry[]; incarnations: WireIncarnation[]; directOrigins: string[] } {
    return {
      versionVector: vvToWire(this.host.vv()),
      durableVersionVector: vvToWire(this.host.durableVv()),
      heldVersionVector: vvToWire(this.host.heldVv()),
      incarnations: incarnationsToWire(this.host.incarnations()),
      directOrigins: this.host.directOrigins(),
    };
  }

  /**
   * The peer's current incarnation is `originId` (its own stream to us said so). A stream
   * of ours that is not known to come from it may come from an earlier process that
   * crashed, whose unsynced ops could still be in flight on it: it is dropped now and
   * reopened at once, so from here on nothing of an older incarnation reaches us directly
   * (the stable vector relies on that, replica/stability.ts).
   */
  expectIncarnation(originId: string): void {
    if (this.call === undefined || this.calleeOrigin === originId) return;
    this.host.logger.info('Reopening the replication stream: the peer has a new incarnation', { peer: this.peer.id, incarnation: originId, stream: this.calleeOrigin ?? '(not yet known)' });
    this.teardown();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.connect();
  }

  /** Drops the stream after a protocol violation; logged, retried after backoff. */
  private refuse(reason: string): void {
    this.host.logger.error('Refused replication batch from peer', { peer: this.peer.id, address: this.peer.address, reason });
    const call = this.call;
    if (call !== undefined) this.disconnected(call, `refused: ${reason}`);
  }

  private disconnected(call: grpc.ClientDuplexStream<ReplicationMessage, Incoming>, reason: string): void {
    if (call !== this.call) return;
    this.teardown();
    if (this.state === 'paused' || this.state === 'stopped') return;
    if (this.state === 'streaming') this.host.logger.warn('Replication stream down', { peer: this.peer.id, reason });
    // Log each new failure once, not every retry (a refused certificate retries forever).
    else if (reason !== this.lastError) this.host.logger.warn('Cannot replicate from peer', { peer: this.peer.id, address: this.peer.address, reason });
    this.lastError = reason;
    this.state = 'backoff';
    this.reconnects += 1;
    const delay = this.backoffMs * (0.5 + Math.random() / 2);
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private teardown(): void {
    const call = this.call;
    this.call = undefined;
    this.stateChunks = undefined;
    if (this.ackTimer !== undefined) clearTimeout(this.ackTimer);
    if (this.ackInterval !== undefined) clearInterval(this.ackInterval);
    this.ackTimer = undefined;
    call?.cancel();
    this.client?.close();
    this.client = undefined;
  }

  pause(): void {
    if (this.state === 'paused' || this.state === 'stopped') return;
    this.state = 'paused';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.teardown();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.backoffMs = BACKOFF_MIN_MS;
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.teardown();
  }
}
