import net from 'node:net';
import { encodeCommand, replyEnd } from './resp-frame.js';

/** A minimal RESP client that returns each reply's raw bytes (for byte-exact comparisons). */
export class RawClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiters: { resolve: (reply: Buffer) => void; reject: (error: Error) => void }[] = [];
  private closed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (error: Error): void => {
      this.closed = error;
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const end = replyEnd(this.buffer, 0);
      if (end === -1) return;
      const reply = this.buffer.subarray(0, end);
      this.buffer = this.buffer.subarray(end);
      this.waiters.shift()?.resolve(Buffer.from(reply));
    }
  }

  /** Sends one command and resolves with its reply bytes. */
  call(args: readonly (string | Buffer)[]): Promise<Buffer> {
    return this.sendRaw(encodeCommand(args), 1).then((replies) => replies[0] ?? Buffer.alloc(0));
  }

  /** Writes raw bytes and collects `replies` replies. */
  sendRaw(bytes: Buffer, replies: number): Promise<Buffer[]> {
    if (this.closed) return Promise.reject(this.closed);
    const promises: Promise<Buffer>[] = [];
    for (let i = 0; i < replies; i++) promises.push(new Promise((resolve, reject) => this.waiters.push({ resolve, reject })));
    this.socket.write(bytes);
    return Promise.all(promises);
  }

  /** Pipelines many commands in one write. */
  pipeline(commands: readonly (readonly (string | Buffer)[])[]): Promise<Buffer[]> {
    return this.sendRaw(Buffer.concat(commands.map((c) => encodeCommand(c))), commands.length);
  }

  close(): void {
    this.socket.destroy();
  }
}
