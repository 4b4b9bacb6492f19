/** PEM encoding of keys and certificate bundles (a trust bundle is PEM blocks concatenated). */
import type { CryptoKey, SubtleCrypto } from './webcrypto.js';
import { PemConverter } from './x509.js';

const EC_IMPORT = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Exports a private key as PKCS#8 PEM ("PRIVATE KEY"), the form node:tls and Go accept. */
export async function privateKeyToPem(subtle: SubtleCrypto, key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return PemConverter.encode(der, 'PRIVATE KEY');
}

/** Imports a P-256 PKCS#8 PEM private key for signing. */
export async function privateKeyFromPem(subtle: SubtleCrypto, pem: string): Promise<CryptoKey> {
  const [der] = PemConverter.decode(pem);
  if (der === undefined) throw new Error('No PEM block in private key');
  return subtle.importKey('pkcs8', der, EC_IMPORT, true, ['sign']);
}

/** Splits a bundle into its PEM certificate blocks (normalised, newline-terminated). */
export function splitPemBundle(bundle: string): string[] {
  return [...bundle.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0].trim()}\n`);
}

/** Joins certificates into one bundle, dropping duplicates but keeping the given order. */
export function joinPemBundle(certs: readonly string[]): string {
  const blocks = certs.flatMap(splitPemBundle);
  return [...new Set(blocks)].join('');
}
