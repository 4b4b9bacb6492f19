/**
 * The injection webhook's life: serving certificate from the shared Secret, the
 * HTTPS server, and the caBundle in the MutatingWebhookConfiguration, re-checked
 * every minute (the configuration may be installed after the operator, or reset
 * by a `helm upgrade`; the certificate renews). Runs on every operator replica,
 * leader or not: admission must not wait for an election.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeError } from '../controller/api-errors.js';
import type { ReconcileDeps } from '../reconcile/deps.js';
import { injectCaBundle } from './ca-bundle.js';
import { admitPod } from './injector.js';
import { WebhookServer } from './server.js';
import { ensureServingTls, type ServingTls } from './serving-tls.js';
import { serviceHosts } from './serving-certificate.js';

export interface WebhookOptions {
  host: string;
  port: number;
  /** Namespace of the operator (the serving Secret lives there). */
  namespace: string;
  secretName: string;
  /** MutatingWebhookConfiguration to put the caBundle into. */
  configurationName: string;
  /** Service in front of the operator pods; empty when the webhook is called by URL. */
  serviceName: string;
  /** Extra names or IPs in the serving certificate (a webhook reached by URL). */
  extraHosts: readonly string[];
  recheckMs?: number;
}

export interface RunningWebhook {
  port: number;
  stop(): Promise<void>;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomSuffix = (): string => [...randomBytes(5)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');

export async function startWebhook(kc: KubeConfig, options: WebhookOptions, deps: ReconcileDeps): Promise<RunningWebhook> {
  const hosts = [...(options.serviceName === '' ? [] : serviceHosts(options.serviceName, options.namespace)), ...options.extraHosts];
  const tlsDeps = { kc, namespace: options.namespace, secretName: options.secretName, hosts, now: () => deps.now(), crypto: deps.crypto, newKeys: () => deps.newKeys(), newSerial: () => deps.newSerial() };
  let tls: ServingTls = await ensureServingTls(tlsDeps);
  const server = new WebhookServer({
    host: options.host, port: options.port, certPem: tls.certPem, keyPem: tls.keyPem, log: deps.log,
    admit: (request) => admitPod({ reconcile: deps, randomSuffix }, request),
  });
  const port = await server.listen();
  deps.log.info('Serving the injection webhook', { port, hosts });
  const syncCaBundle = async (): Promise<void> => {
    const result = await injectCaBundle(kc, options.configurationName, tls.caPem);
    if (result === 'updated') deps.log.info('Injected CA bundle into MutatingWebhookConfiguration', { name: options.configurationName });
    if (result === 'missing') deps.log.warn('MutatingWebhookConfiguration not found; pods are not injected until it exists', { name: options.configurationName });
  };
  const recheck = async (): Promise<void> => {
    const next = await ensureServingTls(tlsDeps);
    if (next.certPem !== tls.certPem) {
      server.updateCertificate(next.certPem, next.keyPem);
      deps.log.info('Renewed the webhook serving certificate', { renewAt: next.renewAt.toISOString() });
    }
    tls = next;
    await syncCaBundle();
  };
  await syncCaBundle().catch((err: unknown) => deps.log.warn('Could not set the webhook CA bundle', { error: describeError(err) }));
  const timer = setInterval(() => {
    recheck().catch((err: unknown) => deps.log.warn('Webhook certificate check failed', { error: describeError(err) }));
  }, options.recheckMs ?? 60_000);
  timer.unref();
  return {
    port,
    stop: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}
