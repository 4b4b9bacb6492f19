import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { OpContext } from '../../src/crdt/stamp.js';
import type { VersionVector } from '../../src/crdt/version-vector.js';

/**
 * A simulated cluster for CRDT property tests (the Yjs testHelper idea): replicas make
 * ops from their own state, and a random schedule delivers ops between them in any
 * order that respects causality, duplicates included (dropped by version vector, as
 * the replica layer does). At the end every op reaches every replica and all states
 * must be equal.
 */
export interface SimOp<E> {
  readonly ctx: OpContext;
  readonly effect: E;
}

export interface CrdtDriver<S, E> {
  create(): S;
  apply(state: S, op: SimOp<E>): S;
  /**
   * An effect a command on replica `origin` could make from `state`; `pick` are random
   * choices, `seq` the seq its op will carry (a counter epoch starts there).
   */
  generate(state: S, pick: readonly number[], origin: string, seq: number): E | undefined;
  /** The visible value, comparable with deepEqual. */
  visible(state: S): unknown;
  /** The full state in canonical bytes (snapshot codec): metadata must converge too. */
  encode?(state: S): Buffer;
  /** The snapshot decoder: decode(encode(s)) must show the same value and re-encode identically. */
  decode?(buf: Buffer): S;
}

interface Replica<S> {
  readonly id: string;
  state: S;
  readonly vv: VersionVector;
  hlc: number;
}

export type Action =
  | { readonly t: 'op'; readonly r: number; readonly pick: readonly number[] }
  | { readonly t: 'deliver'; readonly r: number; readonly k: number };

export function actionsArb(replicas: number, maxLength = 40): fc.Arbitrary<Action[]> {
  const op = fc.record({
    t: fc.constant('op' as const), r: fc.nat(replicas - 1), pick: fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }),
  });
  const deliver = fc.record({ t: fc.constant('deliver' as const), r: fc.nat(replicas - 1), k: fc.nat(10_000) });
  return fc.array(fc.oneof(op, deliver, deliver), { maxLength });
}

function isReady<S>(replica: Replica<S>, ctx: OpContext): boolean {
  if ((replica.vv.get(ctx.origin) ?? 0) !== ctx.seq - 1) return false;
  for (const [origin, seq] of ctx.deps) if (origin !== ctx.origin && (replica.vv.get(origin) ?? 0) < seq) return false;
  return true;
}

function deliver<S, E>(driver: CrdtDriver<S, E>, replica: Replica<S>, op: SimOp<E>): boolean {
  if ((replica.vv.get(op.ctx.origin) ?? 0) >= op.ctx.seq) return false; // duplicate: dedupe by VV
  if (!isReady(replica, op.ctx)) return false; // waits in the causal buffer
  replica.state = driver.apply(replica.state, op);
  replica.vv.set(op.ctx.origin, op.ctx.seq);
  replica.hlc = Math.max(replica.hlc, op.ctx.hlc);
  return true;
}

function makeOp<S, E>(driver: CrdtDriver<S, E>, replica: Replica<S>, pick: readonly number[]): SimOp<E> | undefined {
  const seq = (replica.vv.get(replica.id) ?? 0) + 1;
  const effect = driver.generate(replica.state, pick, replica.id, seq);
  if (effect === undefined) return undefined;
  // Small clock skew: sometimes the same HLC on two replicas, to exercise the tie rule.
  const hlc = replica.hlc + 1 + ((pick[5] ?? 0) % 3);
  const ctx: OpContext = { origin: replica.id, seq, hlc, deps: new Map(replica.vv) };
  return { ctx, effect };
}

/** Runs a schedule, then delivers everything; returns the replicas' final states. */
export function runSchedule<S, E>(driver: CrdtDriver<S, E>, count: number, actions: readonly Action[]): S[] {
  const replicas: Replica<S>[] = [];
  for (let i = 0; i < count; i++) replicas.push({ id: `r${i}`, state: driver.create(), vv: new Map(), hlc: 0 });
  const pool: SimOp<E>[] = [];
  for (const action of actions) {
    const replica = replicas[action.r] as Replica<S>;
    if (action.t === 'op') {
      const op = makeOp(driver, replica, action.pick);
      if (op === undefined) continue;
      pool.push(op);
      assert.ok(deliver(driver, replica, op));
    } else if (pool.length > 0) {
      deliver(driver, replica, pool[action.k % pool.length] as SimOp<E>);
    }
  }
  for (let progress = true; progress;) {
    progress = false;
    for (const replica of replicas) for (const op of pool) progress = deliver(driver, replica, op) || progress;
  }
  return replicas.map((replica) => replica.state);
}

/** Asserts all final states show the same value (and encode to the same bytes, and round-trip). */
export function assertConverged<S, E>(driver: CrdtDriver<S, E>, states: readonly S[]): void {
  const first = states[0] as S;
  if (driver.encode && driver.decode) {
    const bytes = driver.encode(first);
    const copy = driver.decode(bytes);
    assert.deepEqual(driver.visible(copy), driver.visible(first), 'snapshot round trip changes the value');
    assert.ok(driver.encode(copy).equals(bytes), 'snapshot round trip changes the metadata');
  }
  for (const state of states.slice(1)) {
    assert.deepEqual(driver.visible(state), driver.visible(first));
    if (driver.encode) assert.ok(driver.encode(state).equals(driver.encode(first)), 'snapshots differ');
  }
}

/** Runs of each property: ≥ 1000 in CI (FC_RUNS overrides for local exploration). */
export const RUNS = Number(process.env.FC_RUNS ?? 1000);

/** A sequential context helper for deterministic tests: `ctxFor('a', 1, 10, {b: 2})`. */
export function ctxFor(origin: string, seq: number, hlc: number, deps: Record<string, number> = {}): OpContext {
  const vv: VersionVector = new Map(Object.entries(deps));
  if (seq > 1 && !vv.has(origin)) vv.set(origin, seq - 1);
  return { origin, seq, hlc, deps: vv };
}
