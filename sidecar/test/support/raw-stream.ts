import net from 'node:net';
import { encodeCommand } from './resp-frame.js';

/**
 * A RESP connection read as one byte stream, not reply by reply: for tests where some
 * commands get no reply at all (CLIENT REPLY OFF|SKIP), so replies cannot be counted.
 * A test ends its commands with one whose reply it knows and reads up to that reply.
 */
export class RawStream {
  private received: Buffer = Buffer.alloc(0);
  private ended = false;
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawStream(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the commands, all in one write. */
  send(commands: readonly (readonly (string | Buffer)[])[]): void {
    this.sendRaw(Buffer.concat(commands.map((c) => encodeCommand(c))));
  }

  /** Writes bytes as they are (a malformed request, say). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * Resolves with every byte received so far once they end with `suffix` (the reply the
   * test knows comes last), or once the server closes the connection; rejects after
   * `timeoutMs` with what did arrive, so a reply that never comes fails the test clearly.
   */
  async readUntil(suffix: Buffer | undefined, timeoutMs = 5000): Promise<{ bytes: Buffer; closed: boolean }> {
    const done = (): boolean => this.ended || (suffix !== undefined && this.received.subarray(-suffix.length).equals(suffix));
    if (!done()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new Error(`no ${JSON.stringify(suffix?.toString('latin1') ?? 'close')} within ${timeoutMs} ms; got ${JSON.stringify(this.received.toString('latin1'))}`));
        }, timeoutMs);
        this.waiter = () => {
          if (!done()) return;
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
    return { bytes: this.received, closed: this.ended };
  }

  close(): void {
    this.socket.destroy();
  }
}
