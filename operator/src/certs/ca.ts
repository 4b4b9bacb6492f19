/**
 * The cluster CA: a self-signed ECDSA P-256 certificate that signs every replica
 * certificate. Pure: keys, serial and time come from the caller.
 */
import { BACKDATE_MS, EC_SIGNING_ALGORITHM, checkSerial } from './algorithm.js';
import { privateKeyToPem } from './pem.js';
import type { Crypto, CryptoKeyPair } from './webcrypto.js';
import {
  AuthorityKeyIdentifierExtension, BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension,
  SubjectKeyIdentifierExtension, X509CertificateGenerator,
} from './x509.js';

export interface CaInput {
  /** Distinguishes CAs of different clusters and generations in the subject. */
  commonName: string;
  keys: CryptoKeyPair;
  serialHex: string;
  now: Date;
  validityMs: number;
  crypto: Crypto;
}

export interface IssuedPem {
  certPem: string;
  keyPem: string;
}

/** Creates a self-signed CA valid for `validityMs` from `now` (backdated a little for skew). */
export async function createCa(input: CaInput): Promise<IssuedPem> {
  const { keys, crypto } = input;
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: checkSerial(input.serialHex),
    name: `CN=${input.commonName},O=redis-crdt`,
    notBefore: new Date(input.now.getTime() - BACKDATE_MS),
    notAfter: new Date(input.now.getTime() + input.validityMs),
    signingAlgorithm: EC_SIGNING_ALGORITHM,
    keys,
    extensions: [
      // pathLen 0: this CA signs leaves only.
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature, true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await AuthorityKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(crypto.subtle, keys.privateKey) };
}
