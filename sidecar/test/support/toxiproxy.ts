import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './redis-server.js';

/**
 * Toxiproxy (Shopify), a real TCP fault proxy, driven over its HTTP API. The version is
 * pinned; `scripts/install-toxiproxy.sh` builds it into the cache below (CI runs it).
 */
export const TOXIPROXY_VERSION = 'v2.5.0';
export const TOXIPROXY_SERVER = process.env.TOXIPROXY_SERVER ?? join(homedir(), '.cache', 'redis-crdt', `toxiproxy-${TOXIPROXY_VERSION}`, 'toxiproxy-server');

/** The toxics these tests use (https://github.com/Shopify/toxiproxy#toxics). */
export type Toxic =
  | { readonly type: 'latency'; readonly attributes: { readonly latency: number; readonly jitter: number } }
  | { readonly type: 'bandwidth'; readonly attributes: { readonly rate: number } }
  /** Closes the connection with a TCP RST after `timeout` ms of it being open (0: at once). */
  | { readonly type: 'reset_peer'; readonly attributes: { readonly timeout: number } }
  /** Closes the connection once `bytes` bytes went through: a reset mid-stream. */
  | { readonly type: 'limit_data'; readonly attributes: { readonly bytes: number } }
  /** Drops all data; with timeout 0 the connection stays open (a black hole). */
  | { readonly type: 'timeout'; readonly attributes: { readonly timeout: number } };

export type Stream = 'upstream' | 'downstream';

export class Toxiproxy {
  private constructor(private readonly child: ChildProcess, private readonly apiPort: number) {}

  static async start(): Promise<Toxiproxy> {
    if (!existsSync(TOXIPROXY_SERVER)) {
      throw new Error(`toxiproxy-server ${TOXIPROXY_VERSION} not found at ${TOXIPROXY_SERVER}: run \`bash scripts/install-toxiproxy.sh\` (needs Go) or set TOXIPROXY_SERVER`);
    }
    const apiPort = await freePort();
    const child = spawn(TOXIPROXY_SERVER, ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: 'ignore' });
    await waitForPort(apiPort, 20000);
    return new Toxiproxy(child, apiPort);
  }

  /** A proxy listening on `port` (default: a free one) on loopback, forwarding to `upstream`; returns its port. */
  async createProxy(name: string, upstream: string, port?: number): Promise<number> {
    port ??= await freePort();
    await this.request('POST', '/proxies', { name, listen: `127.0.0.1:${port}`, upstream, enabled: true });
    return port;
  }

  /** Disabling a proxy closes its connections and refuses new ones: a partition. */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/proxies/${name}`, { enabled });
  }

  async addToxic(proxy: string, toxicName: string, stream: Stream, toxic: Toxic): Promise<void> {
    await this.request('POST', `/proxies/${proxy}/toxics`, { name: toxicName, type: toxic.type, stream, toxicity: 1, attributes: toxic.attributes });
  }

  async removeToxic(proxy: string, toxicName: string): Promise<void> {
    await this.request('DELETE', `/proxies/${proxy}/toxics/${toxicName}`, undefined);
  }

  /** Every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    await this.request('POST', '/reset', undefined);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async request(method: string, path: string, body: unknown): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
  }
}
