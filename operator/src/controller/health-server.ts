/**
 * `/healthz` (the process is alive), `/readyz` (informers synced; a follower is
 * ready too, so a standby replica of the operator stays in the Service) and
 * `/metrics`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  live(): boolean;
  ready(): boolean;
}

export function startHealthServer(port: number, host: string, checks: HealthChecks, registry: Registry): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const reply = (code: number, body: string, type = 'text/plain'): void => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    const path = (req.url ?? '').split('?')[0] ?? '';
    switch (path) {
      case '/healthz':
        return checks.live() ? reply(200, 'ok') : reply(503, 'not live');
      case '/readyz':
        return checks.ready() ? reply(200, 'ok') : reply(503, 'not ready');
      case '/metrics':
        registry.metrics().then((text) => reply(200, text, registry.contentType), (err: unknown) => reply(500, String(err)));
        return;
      default:
        return reply(404, 'not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function serverPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
