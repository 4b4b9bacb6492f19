/**
 * The webhook's CA and serving certificate, kept in one Secret in the operator's
 * namespace so every operator replica serves the same certificate (the webhook
 * Service routes to any of them, leader or not). Created by the first replica to
 * start; a replica that loses the creation race reads the winner's. The leaf is
 * reissued at two thirds of its life or when the served hosts change; the CA
 * (10 years) only when it is missing or near its end.
 */
import { KubernetesObjectApi, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { createCa, inspectCertificate, isSignedBy, renewalTime, type Crypto, type CryptoKeyPair, type IssuedPem } from '../certs/index.js';
import { isConflict, isNotFound } from '../controller/api-errors.js';
import { certificateHosts, issueServingCert } from './serving-certificate.js';

const CA_VALIDITY_MS = 3650 * 86_400_000;
const LEAF_VALIDITY_MS = 365 * 86_400_000;

export interface ServingTls {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** When to look again (renewal of the leaf). */
  renewAt: Date;
}

export interface ServingTlsDeps {
  kc: KubeConfig;
  namespace: string;
  secretName: string;
  hosts: readonly string[];
  now(): Date;
  crypto: Crypto;
  newKeys(): Promise<CryptoKeyPair>;
  newSerial(): string;
}

const text = (secret: V1Secret | undefined, key: string): string | undefined => {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function stillGood(pem: string | undefined, now: Date): pem is string {
  if (pem === undefined) return false;
  const info = inspectCertificate(pem);
  return info.ok && now < renewalTime(info.value.notBefore, info.value.notAfter);
}

function sameHosts(certPem: string, hosts: readonly string[]): boolean {
  const have = new Set(certificateHosts(certPem));
  return have.size === new Set(hosts).size && hosts.every((h) => have.has(h));
}

/** Reads the Secret and issues what is missing or due; returns what to serve. */
export async function ensureServingTls(deps: ServingTlsDeps, attempt = 0): Promise<ServingTls> {
  const objects = KubernetesObjectApi.makeApiClient(deps.kc);
  const ref = { apiVersion: 'v1', kind: 'Secret', metadata: { name: deps.secretName, namespace: deps.namespace } };
  let secret: V1Secret | undefined;
  try {
    secret = await objects.read<V1Secret>(ref);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const now = deps.now();
  const caCert = text(secret, 'ca.crt');
  const caKey = text(secret, 'ca.key');
  const ca: IssuedPem = stillGood(caCert, now) && caKey !== undefined
    ? { certPem: caCert, keyPem: caKey }
    : await createCa({ commonName: `redis-crdt-operator webhook CA (${deps.namespace})`, keys: await deps.newKeys(), serialHex: deps.newSerial(), now, validityMs: CA_VALIDITY_MS, crypto: deps.crypto });
  const cert = text(secret, 'tls.crt');
  const key = text(secret, 'tls.key');
  const keep = ca.certPem === caCert && stillGood(cert, now) && key !== undefined && sameHosts(cert, deps.hosts) && (await isSignedBy(cert, ca.certPem, deps.crypto));
  const leaf = keep ? { certPem: cert, keyPem: key } : await issueServingCert({ ca, hosts: deps.hosts, keys: await deps.newKeys(), serialHex: deps.newSerial(), now, validityMs: LEAF_VALIDITY_MS, crypto: deps.crypto });
  if (!keep) {
    const body: V1Secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: deps.secretName, namespace: deps.namespace, labels: { 'app.kubernetes.io/part-of': 'redis-crdt', 'app.kubernetes.io/component': 'webhook' }, ...(secret?.metadata?.resourceVersion !== undefined ? { resourceVersion: secret.metadata.resourceVersion } : {}) },
      data: { 'ca.crt': b64(ca.certPem), 'ca.key': b64(ca.keyPem), 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem) },
    };
    try {
      // Create or compare-and-swap by resourceVersion: two replicas never both win.
      if (secret === undefined) await objects.create(body);
      else await objects.replace(body);
    } catch (err) {
      if (!isConflict(err) || attempt >= 3) throw err;
      return ensureServingTls(deps, attempt + 1);
    }
  }
  const info = inspectCertificate(leaf.certPem);
  const renewAt = info.ok ? renewalTime(info.value.notBefore, info.value.notAfter) : now;
  return { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem, renewAt };
}
