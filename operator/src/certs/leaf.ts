/**
 * Replica certificates: one leaf per pod, used both as the gRPC server certificate
 * and as the client certificate towards peers (mutual TLS), hence serverAuth and
 * clientAuth. Pure: keys, serial and time come from the caller.
 */
import { BACKDATE_MS, EC_SIGNING_ALGORITHM, checkSerial } from './algorithm.js';
import type { IssuedPem } from './ca.js';
import { privateKeyFromPem, privateKeyToPem } from './pem.js';
import type { Crypto, CryptoKeyPair } from './webcrypto.js';
import {
  AuthorityKeyIdentifierExtension, BasicConstraintsExtension, ExtendedKeyUsage, ExtendedKeyUsageExtension,
  KeyUsageFlags, KeyUsagesExtension, SubjectAlternativeNameExtension, SubjectKeyIdentifierExtension,
  X509Certificate, X509CertificateGenerator,
} from './x509.js';

export interface LeafInput {
  ca: IssuedPem;
  commonName: string;
  dnsNames: readonly string[];
  keys: CryptoKeyPair;
  serialHex: string;
  now: Date;
  validityMs: number;
  crypto: Crypto;
}

/** Issues a leaf signed by `ca`; its lifetime never extends past the CA's own expiry. */
export async function issueLeaf(input: LeafInput): Promise<IssuedPem> {
  if (input.dnsNames.length === 0) throw new Error('A replica certificate needs at least one DNS name');
  return signLeaf({
    ...input,
    subjectAltNames: input.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    extendedKeyUsages: [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth],
  });
}

export interface SignLeafInput {
  ca: IssuedPem;
  commonName: string;
  subjectAltNames: readonly { type: 'dns' | 'ip'; value: string }[];
  extendedKeyUsages: readonly ExtendedKeyUsage[];
  keys: CryptoKeyPair;
  serialHex: string;
  now: Date;
  validityMs: number;
  crypto: Crypto;
}

/** Any end-entity certificate of ours (replica leaf, webhook serving certificate): backdated, capped at the CA's expiry. */
export async function signLeaf(input: SignLeafInput): Promise<IssuedPem> {
  const { crypto, keys } = input;
  const caCert = new X509Certificate(input.ca.certPem);
  const caKey = await privateKeyFromPem(crypto.subtle, input.ca.keyPem);
  const cert = await X509CertificateGenerator.create({
    serialNumber: checkSerial(input.serialHex),
    subject: `CN=${input.commonName},O=redis-crdt`,
    issuer: caCert.subject,
    notBefore: new Date(Math.max(input.now.getTime() - BACKDATE_MS, caCert.notBefore.getTime())),
    notAfter: new Date(Math.min(input.now.getTime() + input.validityMs, caCert.notAfter.getTime())),
    signingAlgorithm: EC_SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
      new ExtendedKeyUsageExtension([...input.extendedKeyUsages]),
      new SubjectAlternativeNameExtension([...input.subjectAltNames]),
      await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(crypto.subtle, keys.privateKey) };
}
