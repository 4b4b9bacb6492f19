/**
 * The webhook's own PKI: a CA the operator creates (reusing certs/createCa), whose
 * certificate goes into the MutatingWebhookConfiguration's caBundle, and a
 * server-only leaf for the HTTPS endpoint, with the Service's DNS names and,
 * for a webhook reached by URL, IP addresses. Pure: keys, serial and time come in.
 */
import { isIP } from 'node:net';
import type { IssuedPem } from '../certs/ca.js';
import { signLeaf } from '../certs/leaf.js';
import type { Crypto, CryptoKeyPair } from '../certs/webcrypto.js';
import { ExtendedKeyUsage, SubjectAlternativeNameExtension, X509Certificate } from '../certs/x509.js';

export interface ServingCertInput {
  ca: IssuedPem;
  /** DNS names and IP addresses, mixed; each goes into the SAN of its kind. */
  hosts: readonly string[];
  keys: CryptoKeyPair;
  serialHex: string;
  now: Date;
  validityMs: number;
  crypto: Crypto;
}

/** The DNS names the API server uses to call a webhook behind Service `<name>` in `<namespace>`. */
export function serviceHosts(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}`, service];
}

export async function issueServingCert(input: ServingCertInput): Promise<IssuedPem> {
  if (input.hosts.length === 0) throw new Error('A webhook serving certificate needs at least one host name or IP');
  const subjectAltNames = [...new Set(input.hosts)].map((value) => ({ type: isIP(value) === 0 ? ('dns' as const) : ('ip' as const), value }));
  return signLeaf({ ...input, commonName: input.hosts[0] ?? 'webhook', subjectAltNames, extendedKeyUsages: [ExtendedKeyUsage.serverAuth] });
}

/** The SAN entries (DNS and IP) of a certificate, to tell whether the hosts it serves changed. */
export function certificateHosts(certPem: string): string[] {
  const san = new X509Certificate(certPem).getExtension(SubjectAlternativeNameExtension);
  return san === null ? [] : san.names.items.filter((n) => n.type === 'dns' || n.type === 'ip').map((n) => n.value);
}
