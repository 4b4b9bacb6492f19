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
  const { crypto, keys } = input;
  if (input.dnsNames.length === 0) throw new Error('A replica certificate needs at least one DNS name');
  const caCert = new X509Certificate(input.ca.certPem);
  const caKey = await privateKeyFromPem(crypto.subtle, input.ca.keyPem);
  const wanted = input.now.getTime() + input.validityMs;
  const cert = await X509CertificateGenerator.create({
    serialNumber: checkSerial(input.serialHex),
    subject: `CN=${input.commonName},O=redis-crdt`,
    issuer: caCert.subject,
    notBefore: new Date(Math.max(input.now.getTime() - BACKDATE_MS, caCert.notBefore.getTime())),
    notAfter: new Date(Math.min(wanted, caCert.notAfter.getTime())),
    signingAlgorithm: EC_SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
      new SubjectAlternativeNameExtension(input.dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(crypto.subtle, keys.privateKey) };
}
