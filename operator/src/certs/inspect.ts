/** Reading certificates back (from Secrets) to decide whether they are still good. */
import { err, ok, type Result } from '../util/result.js';
import type { Crypto } from './webcrypto.js';
import { SubjectAlternativeNameExtension, X509Certificate } from './x509.js';

export interface CertInfo {
  serialHex: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
}

/** Parses the first certificate of a PEM string. */
export function inspectCertificate(pem: string): Result<CertInfo, string> {
  try {
    const cert = new X509Certificate(pem);
    const san = cert.getExtension(SubjectAlternativeNameExtension);
    const dnsNames = san === null ? [] : san.names.items.filter((n) => n.type === 'dns').map((n) => n.value);
    return ok({ serialHex: cert.serialNumber, subject: cert.subject, issuer: cert.issuer, notBefore: cert.notBefore, notAfter: cert.notAfter, dnsNames });
  } catch (e) {
    return err(`Unparseable certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** True when `certPem` carries a valid signature by the key of `caPem` and names it as issuer. */
export async function isSignedBy(certPem: string, caPem: string, crypto: Crypto): Promise<boolean> {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (cert.issuer !== ca.subject) return false;
    return await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }, crypto);
  } catch {
    return false;
  }
}
