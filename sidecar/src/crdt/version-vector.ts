/**
 * Version vectors: per origin replica, the highest contiguous sequence number applied.
 *
 * Used as the replication cursor, the de-duplication filter and the causal context of
 * an operation (what its origin had seen when it created it).
 */
export type VersionVector = Map<string, number>;

export function vvGet(vv: ReadonlyMap<string, number>, replica: string): number {
  return vv.get(replica) ?? 0;
}

/** True when `vv` has seen the event `(replica, seq)`. */
export function vvCovers(vv: ReadonlyMap<string, number>, replica: string, seq: number): boolean {
  return (vv.get(replica) ?? 0) >= seq;
}

/** True when `a` has seen everything `b` has (a ≥ b pointwise). */
export function vvDominates(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  for (const [replica, seq] of b) if ((a.get(replica) ?? 0) < seq) return false;
  return true;
}

/** Pointwise maximum, into `target`. */
export function vvMergeInto(target: VersionVector, other: ReadonlyMap<string, number>): void {
  for (const [replica, seq] of other) if ((target.get(replica) ?? 0) < seq) target.set(replica, seq);
}

/** Pointwise minimum of several vectors: what all of them have seen (causal stability). */
export function vvMeet(vectors: readonly ReadonlyMap<string, number>[]): VersionVector {
  const first = vectors[0];
  if (first === undefined) return new Map();
  const result: VersionVector = new Map(first);
  for (const other of vectors.slice(1)) {
    for (const [replica, seq] of result) result.set(replica, Math.min(seq, other.get(replica) ?? 0));
  }
  for (const [replica, seq] of result) if (seq === 0) result.delete(replica);
  return result;
}

export function vvEquals(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return vvDominates(a, b) && vvDominates(b, a);
}

export function vvToObject(vv: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const replica of [...vv.keys()].sort()) out[replica] = vv.get(replica) ?? 0;
  return out;
}

/** Total number of events the vector covers (a cheap progress measure). */
export function vvSum(vv: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const seq of vv.values()) sum += seq;
  return sum;
}
