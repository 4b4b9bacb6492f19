/**
 * The webhook's own PKI: a CA the operator creates (reusing certs/createCa), whose
 * certificate goes into the MutatingWebhookConfiguration's caBundle, and a
 * server-only leaf for the HTTPS endpoint, with the Service's DNS names and,
 * for a webhook reached by URL, IP addresses. Pure: keys, serial and time come in.
 */
import { isIP } from 'node:net';
import { BACKDATE_MS, EC_SIGNING_ALGORITHM, checkSerial } from '../certs/algorithm.js';
import type { IssuedPem } from '../certs/ca.js';
import { privateKeyFromPem, privateKeyToPem } from '../certs/pem.js';
import type { Crypto, CryptoKeyPair } from '../certs/webcrypto.js';
import {
  AuthorityKeyIdentifierExtension, BasicConstraintsExtension, ExtendedKeyUsage, ExtendedKeyUsageExtension, KeyUsageFlags,
  KeyUsagesExtension, SubjectAlternativeNameExtension, SubjectKeyIdentifierExtension, X509Certificate, X509CertificateGenerator,
} from '../certs/x509.js';

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
  const { crypto, keys } = input;
  if (input.hosts.length === 0) throw new Error('A webhook serving certificate needs at least one host name or IP');
  const caCert = new X509Certificate(input.ca.certPem);
  const caKey = await privateKeyFromPem(crypto.subtle, input.ca.keyPem);
  const names = [...new Set(input.hosts)].map((value) => ({ type: isIP(value) === 0 ? ('dns' as const) : ('ip' as const), value }));
  const cert = await X509CertificateGenerator.create({
    serialNumber: checkSerial(input.serialHex),
    subject: `CN=${input.hosts[0] ?? 'webhook'},O=redis-crdt`,
    issuer: caCert.subject,
    notBefore: new Date(Math.max(input.now.getTime() - BACKDATE_MS, caCert.notBefore.getTime())),
    notAfter: new Date(Math.min(input.now.getTime() + input.validityMs, caCert.notAfter.getTime())),
    signingAlgorithm: EC_SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      new SubjectAlternativeNameExtension(names),
      await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(crypto.subtle, keys.privateKey) };
}

/** The SAN entries (DNS and IP) of a certificate, to tell whether the hosts it serves changed. */
export function certificateHosts(certPem: string): string[] {
  const san = new X509Certificate(certPem).getExtension(SubjectAlternativeNameExtension);
  return san === null ? [] : san.names.items.filter((n) => n.type === 'dns' || n.type === 'ip').map((n) => n.value);
}
