import net from 'node:net';

/** A bare TCP client for network tests: writes raw bytes, collects raw bytes. */
export class RawClient {
  readonly socket: net.Socket;
  /** Bytes received so far (kept as chunks; concatenated on demand). */
  receivedLength = 0;
  private chunks: Buffer[] = [];
  dataEvents = 0;
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.dataEvents++;
      this.chunks.push(d);
      this.receivedLength += d.length;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  get received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  text(): string {
    return this.received.toString('latin1');
  }

  /** Resolves once `pred` holds (checked on every data/close), or rejects after `ms`. */
  until(pred: () => boolean, ms = 3000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; received ${JSON.stringify(this.text().slice(-200))}`)), ms);
      const check = (): void => {
        if (pred()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      this.waiters.push(check);
    });
  }

  untilText(expected: string, ms?: number): Promise<void> {
    return this.until(() => this.receivedLength >= Buffer.byteLength(expected, 'latin1'), ms);
  }

  untilClosed(ms?: number): Promise<void> {
    return this.until(() => this.closed, ms);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
