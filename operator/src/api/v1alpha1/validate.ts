/**
 * Cross-field rules the schema alone cannot state. The CRD's CEL rules enforce the
 * same bounds at the API server; these run again at the trust boundary so an
 * object admitted by an older CRD version cannot drive the operator somewhere unsafe.
 */
import { parseDuration } from '../../util/duration.js';
import { parseQuantity } from '../../util/quantity.js';
import type { Reader } from './reader.js';
import type { RedisCRDTClusterSpec } from './types.js';

/** Longest cluster name whose derived names (`<name>-headless`, pod `<name>-14`, revision labels) stay within 63. */
export const MAX_NAME_LENGTH = 40;

export function validateName(r: Reader, name: string): void {
  if (name.length > MAX_NAME_LENGTH) r.fail('metadata.name', `must be at most ${MAX_NAME_LENGTH} characters`);
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) r.fail('metadata.name', 'must be a DNS-1035 label');
}

export function validateSpec(r: Reader, spec: RedisCRDTClusterSpec, clusterName: string): void {
  const size = parseQuantity(spec.storage.size);
  if (!size.ok) r.fail('spec.storage.size', size.error);
  else if (size.value <= 0) r.fail('spec.storage.size', 'must be positive');
  validateTls(r, spec);
  for (const [field, text] of [['spec.gc.tombstoneMaxAge', spec.gc.tombstoneMaxAge], ['spec.monitoring.serviceMonitor.interval', spec.monitoring.serviceMonitor.interval]] as const) {
    const d = parseDuration(text);
    if (!d.ok) r.fail(field, d.error);
  }
  validateRemotes(r, spec, clusterName);
}

function validateTls(r: Reader, spec: RedisCRDTClusterSpec): void {
  const validity = parseDuration(spec.tls.validity);
  const caValidity = parseDuration(spec.tls.caValidity);
  if (!validity.ok) r.fail('spec.tls.validity', validity.error);
  if (!caValidity.ok) r.fail('spec.tls.caValidity', caValidity.error);
  if (validity.ok && validity.value < 60_000) r.fail('spec.tls.validity', 'must be at least 1m');
  if (validity.ok && caValidity.ok && caValidity.value < 2 * validity.value) {
    // The CA must outlive at least two leaf generations so a rotation can overlap.
    r.fail('spec.tls.caValidity', 'must be at least twice spec.tls.validity');
  }
  if (spec.tls.renewBefore !== undefined) {
    const rb = parseDuration(spec.tls.renewBefore);
    if (!rb.ok) r.fail('spec.tls.renewBefore', rb.error);
    else if (validity.ok && rb.value >= validity.value) r.fail('spec.tls.renewBefore', 'must be shorter than spec.tls.validity');
  }
  if (spec.tls.issuer === 'certManager' && spec.tls.certManagerIssuerRef === undefined) {
    r.fail('spec.tls.certManagerIssuerRef', 'is required when spec.tls.issuer is certManager');
  }
}

function validateRemotes(r: Reader, spec: RedisCRDTClusterSpec, clusterName: string): void {
  const seen = new Set<string>();
  spec.remoteClusters.forEach((c, i) => {
    c.peers.forEach((p, j) => {
      const path = `spec.remoteClusters[${i}].peers[${j}]`;
      if (seen.has(p.id)) r.fail(`${path}.id`, `duplicate peer id "${p.id}"`);
      seen.add(p.id);
      // Local replica ids are `<cluster>-<ordinal>`; a remote id of that shape would collide.
      if (new RegExp(`^${clusterName}-\\d+$`).test(p.id)) r.fail(`${path}.id`, `collides with a local replica id`);
      if (!/^[^:\s]+:\d{1,5}$/.test(p.address)) r.fail(`${path}.address`, 'must be host:port');
    });
    c.cidrs.forEach((cidr, j) => {
      if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) r.fail(`spec.remoteClusters[${i}].cidrs[${j}]`, 'must be a CIDR');
    });
  });
}
