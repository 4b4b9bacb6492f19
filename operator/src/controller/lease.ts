/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection:
 * a candidate takes the Lease when it is free or its holder stopped renewing for
 * longer than the lease duration; the holder renews it periodically; optimistic
 * concurrency (resourceVersion) makes simultaneous takeovers fail for all but one.
 */

export interface LeaseRecord {
  holder: string;
  durationSeconds: number;
  acquireTime: Date;
  renewTime: Date;
  transitions: number;
  /** Opaque version for compare-and-swap; absent on create. */
  resourceVersion?: string;
}

export type LeaseDecision =
  | { kind: 'create'; record: LeaseRecord }
  | { kind: 'update'; record: LeaseRecord }
  | { kind: 'heldByOther'; holder: string; expiresAt: Date };

/** What a candidate should do with the current Lease (pure). */
export function decideLease(current: LeaseRecord | undefined, identity: string, now: Date, durationSeconds: number): LeaseDecision {
  if (current === undefined) {
    return { kind: 'create', record: { holder: identity, durationSeconds, acquireTime: now, renewTime: now, transitions: 0 } };
  }
  const expiresAt = new Date(current.renewTime.getTime() + current.durationSeconds * 1000);
  const mine = current.holder === identity;
  const free = current.holder === '' || expiresAt.getTime() <= now.getTime();
  if (!mine && !free) return { kind: 'heldByOther', holder: current.holder, expiresAt };
  const record: LeaseRecord = {
    holder: identity,
    durationSeconds,
    acquireTime: mine ? current.acquireTime : now,
    renewTime: now,
    transitions: mine ? current.transitions : current.transitions + 1,
  };
  if (current.resourceVersion !== undefined) record.resourceVersion = current.resourceVersion;
  return { kind: 'update', record };
}

/** Storage of one Lease; `update` must fail (throw) when resourceVersion is stale. */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(record: LeaseRecord): Promise<void>;
  update(record: LeaseRecord): Promise<void>;
}

/** One acquire-or-renew attempt; true when `identity` holds the Lease afterwards. */
export async function tryAcquireOrRenew(store: LeaseStore, identity: string, now: Date, durationSeconds: number): Promise<boolean> {
  const decision = decideLease(await store.get(), identity, now, durationSeconds);
  switch (decision.kind) {
    case 'heldByOther':
      return false;
    case 'create':
      await store.create(decision.record);
      return true;
    case 'update':
      await store.update(decision.record);
      return true;
  }
}
