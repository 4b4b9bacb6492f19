import net from 'node:net';
import tls from 'node:tls';
import { writeChunks } from '../resp/output-buffer.js';
import { CommandWriter } from './command-writer.js';
import type { MirrorTarget } from './mirror-url.js';
import { isErrorReply, replyEnd } from './reply-scanner.js';

/** Called with the reply bytes of a tracked command group, or an error when the link died first. */
export type ReplyHandler = (replies: Buffer[] | Error) => void;

/** Commands sent whose replies are still due: a run of discarded replies, or one tracked group. */
interface Pending {
  count: number;
  readonly handler: ReplyHandler | undefined;
  /** When the first command of the group was encoded (lag). */
  readonly since: number;
  replies: Buffer[] | undefined;
}

export interface LinkListener {
  /** The socket closed (any reason); every tracked handler has been failed. */
  onClose(reason: string): void;
  /** The mirror answered a write-behind command with an error. */
  onReplyError(message: string): void;
}

/**
 * A dedicated connection to the mirror carrying pre-encoded commands in batches: callers
 * encode into `writer` during an event-loop turn and the link writes the batch once
 * per turn. Replies of write-behind commands are only counted (runs of them share one
 * queue entry); tracked groups (passthrough, probes) get their reply bytes back. One
 * socket keeps everything in order, so a read sent after a write sees it.
 */
export class MirrorLink {
  readonly writer = new CommandWriter();
  private socket: net.Socket | undefined;
  private readonly pending: Pending[] = [];
  private head = 0;
  private input: Buffer = Buffer.alloc(0);
  private flushScheduled = false;
  private closed = false;
  /** Commands encoded and replies received, since the link opened. */
  sent = 0;
  acked = 0;
  errors = 0;

  private constructor(private readonly listener: LinkListener) {}

  /** Connects, authenticates and selects the database; rejects when any of it fails. */
  static async open(target: MirrorTarget, listener: LinkListener, timeoutMs: number): Promise<MirrorLink> {
    const link = new MirrorLink(listener);
    await link.connect(target, timeoutMs);
    const handshake: (string | Buffer)[][] = [['CLIENT', 'SETNAME', 'redis-crdt-mirror']];
    if (target.password !== undefined) handshake.unshift(target.username === undefined ? ['AUTH', target.password] : ['AUTH', target.username, target.password]);
    if (target.db !== 0) handshake.push(['SELECT', String(target.db)]);
    const replies = await link.request(handshake);
    const failed = replies.find((reply) => isErrorReply(reply, 0));
    if (failed !== undefined) {
      link.close();
      throw new Error(`mirror handshake failed: ${failed.toString('latin1').trim()}`);
    }
    return link;
  }

  private connect(target: MirrorTarget, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const options = { host: target.host, port: target.port };
      const socket = target.tls ? tls.connect({ ...options, servername: net.isIP(target.host) === 0 ? target.host : undefined }) : net.connect(options);
      const timer = setTimeout(() => socket.destroy(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
      socket.once(target.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        socket.off('error', fail);
        socket.on('error', () => undefined); // 'close' follows and reports it
        socket.on('close', () => this.handleClose('connection closed'));
        this.socket = socket;
        resolve();
      });
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.closed = true;
        reject(error);
      };
      socket.once('error', fail);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Commands encoded but not yet answered (the write-behind queue depth). */
  get depth(): number {
    return this.sent - this.acked;
  }

  /** Bytes encoded or buffered in the socket but not yet on the wire. */
  get bufferedBytes(): number {
    return this.writer.size + (this.socket?.writableLength ?? 0);
  }

  /** ms since the oldest unanswered command was encoded (0 when none). */
  lagMs(now: number): number {
    const oldest = this.pending[this.head];
    return oldest === undefined ? 0 : now - oldest.since;
  }

  /** Registers `count` commands just encoded into `writer` whose replies are discarded. */
  wrote(count: number): void {
    if (count === 0 || this.closed) return;
    this.sent += count;
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && this.pending.length > this.head && last.handler === undefined) last.count += count;
    else this.pending.push({ count, handler: undefined, since: Date.now(), replies: undefined });
    this.scheduleFlush();
  }

  /** Encodes `commands` after everything queued so far; `handler` gets their replies. */
  send(commands: readonly (readonly (string | Buffer)[])[], handler: ReplyHandler): void {
    if (this.closed) return handler(new Error('mirror link is closed'));
    for (const command of commands) this.writer.command(command);
    this.sent += commands.length;
    this.pending.push({ count: commands.length, handler, since: Date.now(), replies: [] });
    this.scheduleFlush();
  }

  /** `send` as a promise that rejects when the link dies first. */
  request(commands: readonly (readonly (string | Buffer)[])[]): Promise<Buffer[]> {
    return new Promise((resolve, reject) => this.send(commands, (replies) => (replies instanceof Error ? reject(replies) : resolve(replies))));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes the batch encoded during this turn in one socket write. */
  flush(): void {
    this.flushScheduled = false;
    const chunks = this.writer.take();
    if (chunks === null || this.socket === undefined || this.closed) return;
    writeChunks(this.socket, chunks);
  }

  private onData(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    let at = 0;
    for (;;) {
      const end = replyEnd(this.input, at);
      if (end === -1) break;
      this.onReply(this.input, at, end);
      at = end;
    }
    this.input = at === this.input.length ? Buffer.alloc(0) : this.input.subarray(at);
  }

  private onReply(buf: Buffer, start: number, end: number): void {
    const entry = this.pending[this.head];
    if (entry === undefined) return; // nothing expected (cannot happen with RESP2 and no pub/sub)
    this.acked += 1;
    if (entry.handler === undefined) {
      if (isErrorReply(buf, start)) this.reportError(buf.toString('latin1', start + 1, end - 2));
    } else {
      entry.replies?.push(Buffer.from(buf.subarray(start, end)));
    }
    entry.count -= 1;
    if (entry.count > 0) return;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (entry.handler !== undefined) entry.handler(entry.replies ?? []);
  }

  private reportError(message: string): void {
    this.errors += 1;
    this.listener.onReplyError(message);
  }

  private handleClose(reason: string): void {
    if (this.closed && this.socket === undefined) return;
    this.closed = true;
    this.socket = undefined;
    const failed = this.pending.splice(this.head);
    this.pending.length = 0;
    this.head = 0;
    const error = new Error(`mirror link closed: ${reason}`);
    for (const entry of failed) entry.handler?.(error);
    this.listener.onClose(reason);
  }

  close(): void {
    const socket = this.socket;
    if (socket === undefined) {
      this.closed = true;
      return;
    }
    socket.destroy();
    this.handleClose('closed by the sidecar');
  }
}
