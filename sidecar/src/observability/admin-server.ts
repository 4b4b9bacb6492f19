import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import { METRICS_CONTENT_TYPE, renderMetrics, type SidecarMetrics } from './metrics.js';

/** What the admin endpoints expose; implemented by the app. */
export interface AdminState {
  live(): boolean;
  ready(): { ready: boolean; reason: string };
  status(): unknown;
  setDraining(draining: boolean): void;
}

/**
 * Admin HTTP: `/healthz` (process serves), `/readyz` (recovered, not draining),
 * `/metrics` (Prometheus), `/v1/status` (JSON for the operator), `POST /v1/drain|undrain`.
 * Reads are open (probes and Prometheus scrape them); the POSTs change what the replica
 * serves, so with a token they need `Authorization: Bearer <token>` (the operator keeps
 * the token in a Secret and passes it to the pods).
 */
export class AdminServer {
  private server: Server | undefined;

  constructor(private readonly state: AdminState, private readonly metrics: SidecarMetrics, private readonly logger: Logger, private readonly token?: string) {}

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error('Admin request failed', { url: req.url, error: String(error) });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return address !== null && typeof address === 'object' ? address.port : port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return text(res, this.state.live() ? 200 : 503, this.state.live() ? 'ok\n' : 'not live\n');
    if (req.method === 'GET' && path === '/readyz') {
      const { ready, reason } = this.state.ready();
      return text(res, ready ? 200 : 503, `${reason}\n`);
    }
    if (req.method === 'GET' && path === '/metrics') {
      const body = await renderMetrics(this.metrics);
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && path === '/v1/status') return json(res, 200, this.state.status());
    if (req.method === 'POST' && (path === '/v1/drain' || path === '/v1/undrain')) {
      if (!this.authorized(req)) {
        this.logger.warn('Refused admin request without a valid token', { path, remote: req.socket.remoteAddress });
        return json(res, 401, { error: `POST ${path} needs the header 'Authorization: Bearer <token>' with this sidecar's --admin-token (REDIS_CRDT_ADMIN_TOKEN; in Kubernetes, the cluster's <name>-admin Secret)` });
      }
      this.state.setDraining(path === '/v1/drain');
      return json(res, 200, this.state.status());
    }
    text(res, 404, 'not found: try /healthz, /readyz, /metrics, /v1/status\n');
  }

  private authorized(req: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
