import net from 'node:net';
import type { CommandSink } from '../commands/client.js';
import { encodeReply } from '../resp/encoder.js';
import { DEFAULT_LIMITS, type RequestLimits } from '../resp/limits.js';
import { OutputBuffer } from '../resp/output-buffer.js';
import { error } from '../resp/reply.js';
import { Connection, type ConnectionHost } from './connection.js';
import { ServerStats } from './stats.js';

export interface ServerOptions {
  /** TCP port (default 6379; 0 picks a free one, see `addresses()`). */
  readonly port?: number;
  /** Address(es) to bind (default 127.0.0.1), like Redis's `bind`. */
  readonly host?: string | readonly string[];
  /** `maxclients` (default 10000). */
  readonly maxClients?: number;
  /** Request limits (proto-max-bulk-len, client-query-buffer-limit, ...). */
  readonly limits?: Partial<RequestLimits>;
  /** `requirepass` is set: new clients start unauthenticated (and get Redis's small request limits). */
  readonly authRequired?: boolean;
  /** Unread out-of-band bytes before a subscriber is dropped (default 32 MB, Redis's pubsub hard limit). */
  readonly maxPushBacklog?: number;
}

/** Sent to a client over `maxclients` before closing it (acceptCommonHandler in networking.c). */
const MAX_CLIENTS_REPLY = 'ERR max number of clients reached';

/**
 * The RESP TCP front end. Each accepted socket becomes a `Connection` (the
 * `Client` of the command layer) driving the given CommandSink.
 */
export class RespServer implements ConnectionHost {
  readonly stats = new ServerStats();
  /**
   * Request limits shared by every connection's decoder: assigning a field (CONFIG
   * SET proto-max-bulk-len, client-query-buffer-limit) applies to all clients at once.
   */
  readonly limits: { -readonly [K in keyof RequestLimits]: RequestLimits[K] };
  readonly maxPushBacklog: number;
  /** Open connections by id (CLIENT LIST, CLIENT KILL). */
  readonly clients = new Map<number, Connection>();
  /** Whether new connections must AUTH first; may change at run time (CONFIG SET requirepass). */
  authRequired: boolean;
  maxClients: number;

  private readonly servers: net.Server[] = [];
  private nextId = 1;

  constructor(
    readonly sink: CommandSink,
    private readonly options: ServerOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.maxPushBacklog = options.maxPushBacklog ?? 32 * 1024 * 1024;
    this.authRequired = options.authRequired ?? false;
    this.maxClients = options.maxClients ?? 10000;
  }

  /** Binds every configured address; rejects if any bind fails. */
  async listen(): Promise<void> {
    const hosts = this.options.host ?? '127.0.0.1';
    for (const host of typeof hosts === 'string' ? [hosts] : hosts) {
      const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 6379, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
  }

  /** The bound addresses (useful with port 0). */
  addresses(): { host: string; port: number }[] {
    const out: { host: string; port: number }[] = [];
    for (const s of this.servers) {
      const a = s.address();
      if (a !== null && typeof a === 'object') out.push({ host: a.address, port: a.port });
    }
    return out;
  }

  /** The first bound port. */
  get port(): number {
    return this.addresses()[0]?.port ?? 0;
  }

  /**
   * Stops accepting, lets every client receive its queued replies, then closes
   * them; connections still open after `graceMs` are destroyed.
   */
  async close(graceMs = 1000): Promise<void> {
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const c of this.clients.values()) c.shutdown();
    const timer = setTimeout(() => {
      for (const c of this.clients.values()) c.close();
    }, graceMs);
    await Promise.all(closed);
    clearTimeout(timer);
    this.servers.length = 0;
  }

  connectionClosed(conn: Connection): void {
    if (!this.clients.delete(conn.id)) return;
    this.stats.connectedClients = this.clients.size;
    this.sink.disconnected(conn);
  }

  private accept(socket: net.Socket): void {
    if (this.clients.size >= this.maxClients) {
      this.reject(socket);
      return;
    }
    this.stats.totalConnections++;
    const conn = new Connection(this.nextId++, socket, this, this.authRequired);
    this.clients.set(conn.id, conn);
    this.stats.connectedClients = this.clients.size;
    this.sink.connected(conn);
  }

  private reject(socket: net.Socket): void {
    this.stats.rejectedConnections++;
    socket.on('error', () => undefined);
    const out = new OutputBuffer();
    encodeReply(out, error(MAX_CLIENTS_REPLY), 2);
    const bytes = out.take();
    if (Buffer.isBuffer(bytes)) socket.end(bytes);
    else socket.destroy();
  }
}
