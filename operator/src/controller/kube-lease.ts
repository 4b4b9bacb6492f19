/** LeaseStore over coordination.k8s.io/v1 Leases. */
import { CoordinationV1Api, KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { isNotFound } from './api-errors.js';
import type { LeaseRecord, LeaseStore } from './lease.js';

/**
 * Lease times are metav1.MicroTime, which the API server parses with exactly six
 * fractional digits; `Date#toISOString()` gives three and is rejected with 400.
 * The client's serializer passes MicroTime values through untouched, so we hand it
 * the six-digit string (the model types it as Date, hence the cast).
 */
export function microTime(d: Date): Date {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}

/** The client deserializes MicroTime as the raw string; accept either form. */
function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return new Date(0);
}

export class KubeLeaseStore implements LeaseStore {
  private readonly api: CoordinationV1Api;

  constructor(kc: KubeConfig, private readonly namespace: string, private readonly name: string) {
    this.api = kc.makeApiClient(CoordinationV1Api);
  }

  async get(): Promise<LeaseRecord | undefined> {
    try {
      const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      const spec = lease.spec ?? {};
      const record: LeaseRecord = {
        holder: spec.holderIdentity ?? '',
        durationSeconds: spec.leaseDurationSeconds ?? 15,
        acquireTime: toDate(spec.acquireTime),
        renewTime: toDate(spec.renewTime),
        transitions: spec.leaseTransitions ?? 0,
      };
      if (lease.metadata?.resourceVersion !== undefined) record.resourceVersion = lease.metadata.resourceVersion;
      return record;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(record: LeaseRecord): Promise<void> {
    await this.api.createNamespacedLease({ namespace: this.namespace, body: this.toLease(record) });
  }

  async update(record: LeaseRecord): Promise<void> {
    // replace carries resourceVersion, so a concurrent writer makes this fail with 409.
    await this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body: this.toLease(record) });
  }

  private toLease(r: LeaseRecord): V1Lease {
    const metadata: V1Lease['metadata'] = { name: this.name, namespace: this.namespace };
    if (r.resourceVersion !== undefined) metadata.resourceVersion = r.resourceVersion;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata,
      spec: {
        holderIdentity: r.holder,
        leaseDurationSeconds: r.durationSeconds,
        acquireTime: microTime(r.acquireTime),
        renewTime: microTime(r.renewTime),
        leaseTransitions: r.transitions,
      },
    };
  }
}
