import type { Socket } from 'node:net';
import { BLOCKED, type Client, type CommandSink } from '../commands/client.js';
import { REPLY_ON, replyDropped, replyFlagsAfterCommand, type ReplyFlags } from '../commands/reply-flags.js';
import { RequestDecoder } from '../resp/decoder.js';
import { encodeReply } from '../resp/encoder.js';
import type { RequestLimits } from '../resp/limits.js';
import { OutputBuffer, chunksLength, writeChunks, type Chunks } from '../resp/output-buffer.js';
import { error, type Reply } from '../resp/reply.js';
import type { ServerStats } from './stats.js';

/** A batch is cut (and may be written) once this many reply bytes are encoded. */
const BATCH_BYTES = 1024 * 1024;
/** No command runs while this many reply bytes wait for the sink's release. */
const QUEUE_BYTES = 4 * 1024 * 1024;

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly sink: CommandSink;
  readonly stats: ServerStats;
  readonly limits: RequestLimits;
  /** Out-of-band bytes a client may leave unread before it is dropped (pub/sub limit). */
  readonly maxPushBacklog: number;
  /** Called once when the socket has closed, for any reason. */
  connectionClosed(conn: Connection): void;
}

/** A batch of replies, written once released by the sink (or at once for pushes). */
interface Pending {
  readonly data: Chunks;
  readonly bytes: number;
  released: boolean;
}

/**
 * One client connection: decodes requests, runs them through the CommandSink and
 * writes the replies of each read event as one batch.
 *
 * Ordering: replies leave in command order. Each batch waits for its `flush` (the
 * sink may hold it until an fsync); `flush` calls release batches oldest first.
 * Out-of-band pushes and unblocked replies queue behind unreleased batches.
 */
export class Connection implements Client {
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly createdAt = Date.now();
  protocol: 2 | 3 = 2;
  name = '';
  libName = '';
  libVersion = '';
  authenticated: boolean;
  lastCommand = '';
  replyFlags: ReplyFlags = REPLY_ON;
  session: unknown = undefined;

  private readonly decoder: RequestDecoder;
  private readonly out = new OutputBuffer();
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  /** The last loop stopped because QUEUE_BYTES were waiting: resume on release. */
  private stalled = false;
  private blocked = false;
  /** QUIT or a protocol error: no more commands; close once queued replies are out. */
  private closing = false;
  private closed = false;
  private ended = false;
  /** Waiting for `drain`: the kernel buffer is full, so no commands are executed. */
  private waitingDrain = false;
  /** Inside this connection's own command loop (pushes then join the batch). */
  private executing = false;
  /** Preallocated so a batch costs no closure. */
  private readonly flushOne = (): void => this.releaseOldest();

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    authRequired: boolean,
  ) {
    this.authenticated = !authRequired;
    this.remoteAddress = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    this.localAddress = `${socket.localAddress ?? ''}:${socket.localPort ?? 0}`;
    this.decoder = new RequestDecoder(host.limits);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('close', () => this.onClose());
    // A reset by the peer is ordinary; 'close' follows and cleans up.
    socket.on('error', () => undefined);
  }

  push(reply: Reply): void {
    if (this.closed) return;
    encodeReply(this.out, reply, this.protocol);
    if (this.executing) return;
    // Like client-output-buffer-limit pubsub: a subscriber that stops reading is dropped.
    if (this.socket.writableLength > this.host.maxPushBacklog) {
      this.close();
      return;
    }
    this.enqueueReleased();
  }

  unblock(reply: Reply): void {
    if (!this.blocked || this.closed) return;
    this.blocked = false;
    // Like any command reply, released only once its op is durable (the group commit
    // under appendfsync always): the woken command popped or moved something.
    this.commandReply(reply);
    this.endBatch();
    // Resume the pipelined input after the caller's turn, as Redis does for
    // unblocked clients in beforeSleep, so commands never nest inside another's.
    setImmediate(() => this.process());
  }

  closeAfterReply(): void {
    this.closing = true;
    if (!this.executing) this.writeReleased();
  }

  close(): void {
    // Also stops the command loop at once if a command closes its own client.
    this.closing = true;
    this.ended = true;
    this.socket.destroy();
  }

  /** Server shutdown: finish writing what is queued, then close. */
  shutdown(): void {
    this.blocked = false;
    this.closeAfterReply();
  }

  private onData(chunk: Buffer): void {
    this.host.stats.bytesIn += chunk.length;
    this.decoder.push(chunk);
    if (this.decoder.error?.reply === null) {
      // Query buffer limit: Redis frees the client without a reply.
      this.host.stats.protocolErrors++;
      this.close();
      return;
    }
    this.process();
  }

  /**
   * Executes every complete command received so far and releases their replies as
   * one batch (one write). Stops early when blocked, closing, or when output backs
   * up: a batch is cut at BATCH_BYTES, and no command runs while the socket waits
   * for `drain` or QUEUE_BYTES are waiting for release, so a pipeline of big
   * replies to a slow reader never piles up in memory.
   */
  private process(): void {
    if (this.executing || this.blocked || this.closing || this.closed || this.waitingDrain) return;
    this.executing = true;
    const { sink, stats } = this.host;
    while (!this.blocked && !this.closing && !this.waitingDrain && this.queuedBytes < QUEUE_BYTES) {
      this.decoder.unauthenticated = !this.authenticated;
      const args = this.decoder.next();
      if (args === null) {
        this.onDecoderStop();
        break;
      }
      stats.totalCommands++;
      const reply = sink.execute(this, args);
      if (reply === BLOCKED) this.blocked = true;
      // Without CLIENT REPLY OFF|SKIP (the usual case) a reply costs one comparison more.
      else if (this.replyFlags === REPLY_ON) encodeReply(this.out, reply, this.protocol);
      else this.commandReply(reply);
      if (this.out.size >= BATCH_BYTES) this.endBatch();
    }
    this.endBatch();
    this.executing = false;
    this.stalled = this.queuedBytes >= QUEUE_BYTES;
    if (this.closing) this.writeReleased();
  }

  /**
   * Encodes the reply of a command that has ended, unless CLIENT REPLY OFF|SKIP drops it,
   * then steps the reply flags on to the next command (Redis: resetClient).
   */
  private commandReply(reply: Reply): void {
    if (!replyDropped(this.replyFlags, reply)) encodeReply(this.out, reply, this.protocol);
    this.replyFlags = replyFlagsAfterCommand(this.replyFlags);
  }

  /** Queues what the loop encoded and asks the sink when it may be written. */
  private endBatch(): void {
    const data = this.out.take();
    if (data === null) return;
    this.enqueue(data, false);
    this.host.sink.release(this.flushOne);
  }

  /**
   * A protocol error is answered after the replies before it, then the link closes. Under
   * CLIENT REPLY OFF the answer is dropped like any reply; the link still closes (Redis
   * 7.0 drops the answer too but then keeps the link open, ignoring further input).
   */
  private onDecoderStop(): void {
    const err = this.decoder.error;
    if (err === null) return;
    this.host.stats.protocolErrors++;
    if (err.reply !== null) this.commandReply(error(err.reply));
    this.closing = true;
  }

  private releaseOldest(): void {
    const next = this.queue.find((p) => !p.released);
    if (next !== undefined) next.released = true;
    this.writeReleased();
  }

  private enqueueReleased(): void {
    const data = this.out.take();
    if (data !== null) this.enqueue(data, true);
    this.writeReleased();
  }

  private enqueue(data: Chunks, released: boolean): void {
    const bytes = chunksLength(data);
    this.queuedBytes += bytes;
    this.queue.push({ data, bytes, released });
  }

  /** Writes released batches in order; ends the connection when closing and done. */
  private writeReleased(): void {
    while (this.queue.length > 0 && this.queue[0]?.released === true) {
      const p = this.queue.shift();
      if (p === undefined || this.closed || this.socket.destroyed) continue;
      this.queuedBytes -= p.bytes;
      this.host.stats.bytesOut += p.bytes;
      if (!writeChunks(this.socket, p.data)) this.waitForDrain();
    }
    if (this.stalled && !this.executing && this.queuedBytes < QUEUE_BYTES) {
      // Not now: a flush may run inside another client's command.
      this.stalled = false;
      setImmediate(() => this.process());
    }
    if (this.closing && this.queue.length === 0 && !this.closed && !this.ended) {
      this.ended = true;
      this.socket.end(() => this.socket.destroy());
    }
  }

  /** Backpressure: stop reading and executing until the client catches up. */
  private waitForDrain(): void {
    if (this.waitingDrain) return;
    this.waitingDrain = true;
    this.socket.pause();
  }

  private onDrain(): void {
    if (!this.waitingDrain) return;
    this.waitingDrain = false;
    if (!this.closing) this.socket.resume();
    this.process();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.host.connectionClosed(this);
  }
}
