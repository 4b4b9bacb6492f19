import { vvMeet, type VersionVector } from '../crdt/version-vector.js';

/** What one replica knows locally, from which its causally stable vector follows. */
export interface StabilityInputs {
  /** Our version vector: every op we make from now on depends on all of it. */
  readonly own: ReadonlyMap<string, number>;
  /**
   * The acknowledged vector of every peer that still counts (not removed, not silent past
   * --gc-peer-timeout): the *durable* part of the peer's version vector when it sent each
   * ack (replica/durable-vector.ts), merged. Durable, because a peer's vector bounds its
   * future ops only if it cannot go backwards: after kill -9 it restarts from what was on disk.
   */
  readonly counted: readonly ReadonlyMap<string, number>[];
  /**
   * What the counted peers reported holding since this process started (applied, or
   * waiting in their causal buffers), merged: which ops exist that we have not applied.
   * Acks received before a restart are gone (in memory), so a peer that has not spoken
   * since has an empty entry in `counted`, and nothing is stable until it does.
   */
  readonly reported?: readonly ReadonlyMap<string, number>[];
  /**
   * The incarnation (origin id) of every counted peer and of ourselves that we last heard
   * from, by replica name; and, per counted peer in `counted` order, the same map from its
   * latest report. See "Ops of an earlier incarnation" below: when given, a report that
   * does not name the same incarnations as ours makes the result empty.
   */
  readonly incarnations?: ReadonlyMap<string, string>;
  readonly reportedIncarnations?: readonly (ReadonlyMap<string, string> | undefined)[];
  /** Per origin, the deps of the latest op of that origin applied here (see LatestDeps). */
  readonly latestDeps: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/**
 * The causally stable version vector (DESIGN.md §4, the GC precondition of rga-gc.ts):
 * a vector that the deps of every operation this replica will still apply cover, so
 * every event it covers happened before every such operation.
 *
 * Which operations can still arrive, and why each bound holds:
 * - Ours, made from now on: their deps are at least `own`.
 * - A counted peer's, made after its last ack: a replica's vector only grows, so their
 *   deps are at least its acknowledged vector.
 * - Any origin's ops made *before* their creator's last ack and not applied here yet
 *   (in flight, or held back by a partition, possibly relayed). Acks alone do not bound
 *   those: an op created before its origin saw a removal may still be travelling. We
 *   know they exist when some counted ack shows more of origin `o` than we have applied
 *   or holds (the creator acknowledges its own ops; a peer holding an old incarnation's
 *   ops reports those, even while they wait in its causal buffer). Ops of one origin
 *   are created in sequence, so every unapplied op of `o` depends on at least what the
 *   latest applied op of `o` did, plus that op itself. Without such an op (nothing of
 *   `o` applied since start) nothing bounds them and the result is empty: no GC until
 *   they arrive.
 *
 * - Ops of an earlier incarnation of any replica (ours included) that its crash lost
 *   from its own log but that had reached a peer (ops stream before they are durable).
 *   Its creator will never acknowledge them: the new incarnation's vector went back below
 *   them. Only the replicas that got them know they exist, and they report them (held,
 *   above), but a report taken before such an op arrived does not show it, and an op may
 *   still be in flight on a stream from the dead process. So a report counts only once it
 *   names, for every replica, the incarnation we know as current: its sender had heard
 *   from that incarnation, and on hearing of it dropped any stream it still had from an
 *   older one (replication.ts), so nothing of the older one can reach it directly later.
 *   Every op of a dead incarnation is then in some report (whoever relays one applied it,
 *   so received it before its own report or from someone whose report shows it) and its
 *   origin is pending as above. Until every counted peer has sent such a report, nothing
 *   is stable.
 *
 * The result is the pointwise minimum of those bounds. It does not bound ops of
 * replicas that are not counted (removed, or silent past the timeout: that is the
 * point of the timeout) nor of a replica whose vector went backwards (a crash that lost
 * acknowledged ops); see SEMANTICS.md for what that costs. Pure: no clock, no I/O.
 */
export function stableVector(inputs: StabilityInputs): VersionVector {
  const { own, counted, latestDeps } = inputs;
  if (inputs.incarnations !== undefined && !reportsAreCurrent(inputs.incarnations, inputs.reportedIncarnations ?? [])) return new Map();
  const bounds: ReadonlyMap<string, number>[] = [own, ...counted];
  for (const origin of pendingOrigins(own, [...counted, ...(inputs.reported ?? [])])) {
    const deps = latestDeps.get(origin);
    if (deps === undefined) return new Map();
    const bound = new Map(deps);
    bound.set(origin, own.get(origin) ?? 0);
    bounds.push(bound);
  }
  return vvMeet(bounds);
}

/** Whether every report names, for every replica, the incarnation we know as current. */
export function reportsAreCurrent(incarnations: ReadonlyMap<string, string>, reported: readonly (ReadonlyMap<string, string> | undefined)[]): boolean {
  for (const view of reported) {
    if (view === undefined) return false;
    for (const [replica, origin] of incarnations) if (view.get(replica) !== origin) return false;
  }
  return true;
}

/** Origins some counted peer has acknowledged (or reported holding) further than we have applied. */
export function pendingOrigins(own: ReadonlyMap<string, number>, counted: readonly ReadonlyMap<string, number>[]): Set<string> {
  const pending = new Set<string>();
  for (const acked of counted) {
    for (const [origin, seq] of acked) if ((own.get(origin) ?? 0) < seq) pending.add(origin);
  }
  return pending;
}

/**
 * How far the stable vector trails our own: the number of ops we have applied that are
 * not yet stable (the `crdt_gc_stability_lag_ops` figure).
 */
export function stabilityLag(own: ReadonlyMap<string, number>, stable: ReadonlyMap<string, number>): number {
  let lag = 0;
  for (const [origin, seq] of own) lag += Math.max(0, seq - (stable.get(origin) ?? 0));
  return lag;
}
