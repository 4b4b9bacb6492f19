// The bed's PKI, made with the openssl CLI (node:crypto can make keys but not
// certificates): one CA that signs the apiserver's serving certificate and the
// admin client certificate, plus the service-account token signing key pair.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { mustRun } from './run-command.js';

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly saPublicKey: string;
  readonly saPrivateKey: string;
}

export interface PkiRequest {
  readonly dir: string;
  /** IP addresses the apiserver is reached at: loopback, the bridge gateway, the `kubernetes` Service IP. */
  readonly ips: readonly string[];
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DNS_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/** Writes a fresh PKI into `req.dir` and returns the file paths. */
export async function createPki(req: PkiRequest): Promise<Pki> {
  const p = (name: string): string => path.join(req.dir, name);
  fs.mkdirSync(req.dir, { recursive: true, mode: 0o700 });
  await mustRun(['openssl', 'req', '-x509', ...EC_KEY, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '30', '-subj', '/CN=redis-crdt-e2e-ca']);
  const san = [...req.ips.map((ip) => `IP:${ip}`), ...DNS_NAMES.map((d) => `DNS:${d}`)].join(',');
  await signLeaf(p, 'serving', '/CN=kube-apiserver', `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
  // system:masters makes this identity a cluster admin under RBAC.
  await signLeaf(p, 'admin', '/O=system:masters/CN=redis-crdt-e2e-admin', 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(p('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(p('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    servingCert: p('serving.crt'),
    servingKey: p('serving.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saPublicKey: p('sa.pub'),
    saPrivateKey: p('sa.key'),
  };
}

async function signLeaf(p: (name: string) => string, name: string, subject: string, extensions: string): Promise<void> {
  fs.writeFileSync(p(`${name}.ext`), extensions);
  await mustRun(['openssl', 'req', '-new', ...EC_KEY, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject]);
  await mustRun([
    'openssl', 'x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-days', '30', '-out', p(`${name}.crt`), '-extfile', p(`${name}.ext`),
  ]);
}
