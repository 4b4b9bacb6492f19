/**
 * HTTP client for a sidecar's admin port (pod IP, port 9379): status and drain.
 * Short timeouts: a hung pod must not stall the reconcile of the whole cluster.
 */
import http from 'node:http';
import { ADMIN_PORT } from '../resources/ports.js';
import { err, ok, type Result } from '../util/result.js';
import { parseSidecarStatus, type SidecarStatus } from './sidecar-status.js';

export interface AdminClient {
  status(podIP: string): Promise<Result<SidecarStatus, string>>;
  /** `token`: the cluster's admin token (reconcile/admin-token.ts), sent as a bearer token. */
  drain(podIP: string, token: string): Promise<Result<void, string>>;
  undrain(podIP: string, token: string): Promise<Result<void, string>>;
}

function request(host: string, port: number, method: 'GET' | 'POST', path: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<Result<{ code: number; body: string }, string>> {
  return new Promise((resolve) => {
    const req = http.request({ host, port, method, path, timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 1_000_000) body += chunk; });
      res.on('end', () => resolve(ok({ code: res.statusCode ?? 0, body })));
      res.on('error', (e) => resolve(err(e.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs}ms`)));
    req.on('error', (e) => resolve(err(`${method} ${path} on ${host}:${port}: ${e.message}`)));
    req.end();
  });
}

export class HttpAdminClient implements AdminClient {
  constructor(private readonly timeoutMs = 2000, private readonly port = ADMIN_PORT) {}

  async status(podIP: string): Promise<Result<SidecarStatus, string>> {
    const r = await request(podIP, this.port, 'GET', '/v1/status', this.timeoutMs);
    if (!r.ok) return r;
    if (r.value.code !== 200) return err(`GET /v1/status answered ${r.value.code}`);
    try {
      return parseSidecarStatus(JSON.parse(r.value.body) as unknown);
    } catch {
      return err('GET /v1/status returned invalid JSON');
    }
  }

  drain(podIP: string, token: string): Promise<Result<void, string>> {
    return this.post(podIP, '/v1/drain', token);
  }

  undrain(podIP: string, token: string): Promise<Result<void, string>> {
    return this.post(podIP, '/v1/undrain', token);
  }

  private async post(podIP: string, path: string, token: string): Promise<Result<void, string>> {
    const r = await request(podIP, this.port, 'POST', path, this.timeoutMs, { authorization: `Bearer ${token}` });
    if (!r.ok) return r;
    if (r.value.code === 401) return err(`POST ${path} was refused (401): the pod's REDIS_CRDT_ADMIN_TOKEN differs from the cluster's admin Secret; the pod picks the Secret up when it restarts`);
    return r.value.code >= 200 && r.value.code < 300 ? ok(undefined) : err(`POST ${path} answered ${r.value.code}`);
  }
}
