/**
 * The HTTPS endpoint the API server calls: `POST /mutate-v1-pod` with an
 * AdmissionReview. Certificates can be swapped while serving (renewal). An
 * unexpected failure answers a denial that says what failed, never a hang: the
 * configuration's failurePolicy decides what the API server does with errors.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../controller/api-errors.js';
import type { ReconcileLogger } from '../reconcile/deps.js';
import { admissionResponse, parseAdmissionReview, type AdmissionDecision, type AdmissionRequest } from './admission-review.js';

export const MUTATE_PODS_PATH = '/mutate-v1-pod';
const MAX_BODY = 3 * 1024 * 1024;

export interface WebhookServerOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  admit(request: AdmissionRequest): Promise<AdmissionDecision>;
  log: ReconcileLogger;
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { resolve(undefined); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(options: WebhookServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') return reply(res, 200, 'ok\n');
  if (req.method !== 'POST' || path !== MUTATE_PODS_PATH) return reply(res, 404, `not found: POST ${MUTATE_PODS_PATH}\n`);
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, 'AdmissionReview too large\n');
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return reply(res, 400, 'body is not JSON\n'); }
  const request = parseAdmissionReview(parsed);
  if (!request.ok) return reply(res, 400, `${request.error}\n`);
  let decision: AdmissionDecision;
  try {
    decision = await options.admit(request.value);
  } catch (err) {
    const message = `redis-crdt injection failed: ${describeError(err)}`;
    options.log.error('Admission failed', { namespace: request.value.namespace, uid: request.value.uid, error: describeError(err) });
    decision = { kind: 'deny', code: 500, message };
  }
  if (decision.kind === 'deny') options.log.info('Refused pod', { namespace: request.value.namespace, reason: decision.message });
  reply(res, 200, admissionResponse(request.value.uid, decision));
}

export class WebhookServer {
  private readonly server: https.Server;

  constructor(private readonly options: WebhookServerOptions) {
    this.server = https.createServer({ cert: options.certPem, key: options.keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
      handle(this.options, req, res).catch((err: unknown) => {
        options.log.error('Webhook request failed', { error: describeError(err) });
        if (!res.headersSent) reply(res, 500, 'internal error\n');
      });
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : this.options.port);
      });
    });
  }

  /** New certificate for new connections; open ones finish on the old one. */
  updateCertificate(certPem: string, keyPem: string): void {
    this.server.setSecureContext({ cert: certPem, key: keyPem });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
