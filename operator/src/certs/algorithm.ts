/** The one key type the project issues: ECDSA P-256 with SHA-256 (small, fast, TLS 1.3 friendly). */
export const EC_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const EC_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Certificates are backdated this much so a peer whose clock runs slightly behind still accepts them. */
export const BACKDATE_MS = 5 * 60_000;

/** Serial numbers are positive, at most 20 octets (RFC 5280 §4.1.2.2), given in hex by the caller. */
export function checkSerial(serialHex: string): string {
  if (!/^[0-9a-f]{2,40}$/i.test(serialHex) || serialHex.length % 2 !== 0) throw new Error(`Invalid certificate serial "${serialHex}"`);
  // A leading byte >= 0x80 would encode a negative INTEGER; clear the top bit.
  const first = parseInt(serialHex.slice(0, 2), 16) & 0x7f;
  return first.toString(16).padStart(2, '0') + serialHex.slice(2);
}
