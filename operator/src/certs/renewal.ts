/**
 * When a certificate must be (re)issued. Renewal happens at two thirds of the
 * lifetime by default (cert-manager's default), leaving a third of it to survive
 * an operator outage; `renewBefore` overrides that.
 */
import type { CertInfo } from './inspect.js';

export type RenewReason = 'Missing' | 'Unparseable' | 'Expiring' | 'NamesChanged' | 'IssuerChanged';
export type LeafDecision = { renew: false; renewAt: Date } | { renew: true; reason: RenewReason };

/** The instant a certificate with this validity window should be replaced. */
export function renewalTime(notBefore: Date, notAfter: Date, renewBeforeMs?: number): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const before = renewBeforeMs !== undefined && renewBeforeMs < lifetime ? renewBeforeMs : lifetime / 3;
  return new Date(notAfter.getTime() - before);
}

export interface LeafState {
  /** The current certificate, or an error string when it could not be parsed; undefined when absent. */
  cert: CertInfo | string | undefined;
  /** Whether the current certificate is signed by the CA that should be signing leaves now. */
  signedBySigningCa: boolean;
  wantedDnsNames: readonly string[];
  now: Date;
  renewBeforeMs?: number;
}

/** Decides whether a replica certificate must be reissued, and why. */
export function leafDecision(state: LeafState): LeafDecision {
  const { cert } = state;
  if (cert === undefined) return { renew: true, reason: 'Missing' };
  if (typeof cert === 'string') return { renew: true, reason: 'Unparseable' };
  if (!sameNames(cert.dnsNames, state.wantedDnsNames)) return { renew: true, reason: 'NamesChanged' };
  if (!state.signedBySigningCa) return { renew: true, reason: 'IssuerChanged' };
  const renewAt = renewalTime(cert.notBefore, cert.notAfter, state.renewBeforeMs);
  if (state.now.getTime() >= renewAt.getTime()) return { renew: true, reason: 'Expiring' };
  return { renew: false, renewAt };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((n) => sa.has(n));
}
