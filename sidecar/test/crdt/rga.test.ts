import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextHlc, observeHlc } from '../../src/crdt/hlc.js';
import {
  anchorForIndex, applyListEffect, createList, decodeListState, deleteListObserved, encodeListState, gcList, idAt, indexOfId, lastId,
  listAt, listElementOrder, listEntries, listLength, listValues,
  type ElementId, type ListEffect, type ListState,
} from '../../src/crdt/rga.js';
import { compareStamps, observed, type OpContext, type Stamp } from '../../src/crdt/stamp.js';

/**
 * Property tests of the RGA list (DESIGN.md §4), in the style of Yjs's testHelper: 3–5
 * simulated replicas create ops against their own state (deps = their version vector),
 * ops are delivered in random causal orders with duplicates (deduped by version vector,
 * as the store does), tombstones are collected at random safe points; then every replica
 * must hold the same content and order, and the content must match an order-free model.
 */

const RUNS = Number(process.env.RGA_RUNS ?? 1000);

type Action =
  | { readonly kind: 'lpush' | 'rpush'; readonly n: number }
  | { readonly kind: 'linsert' | 'lset' | 'lrem'; readonly at: number }
  | { readonly kind: 'pop'; readonly left: boolean; readonly count: number }
  | { readonly kind: 'trim'; readonly from: number; readonly to: number }
  | { readonly kind: 'del' };

type SimEffect = ListEffect | { readonly type: 'list.delete' };

interface SimOp {
  readonly ctx: OpContext;
  readonly effect: SimEffect;
}

interface Replica {
  readonly id: string;
  state: ListState;
  readonly vv: Map<string, number>;
  hlc: number;
}

const key = (id: ElementId): string => `${id.replica}.${id.seq}.${id.idx}`;

/**
 * The effect a list command would produce on `state` (Redis semantics), and the same
 * change on a plain array of values, or undefined when the command is a no-op.
 */
function plan(state: ListState, action: Action, tag: string): { effect: SimEffect; model: (xs: string[]) => void } | undefined {
  const length = listLength(state);
  const values = (n: number): string[] => Array.from({ length: n }, (_, i) => `${tag}.${i}`);
  const remove = (ids: ElementId[], model: (xs: string[]) => void) =>
    ids.length === 0 ? undefined : { effect: { type: 'list.remove', ids } as const, model };
  switch (action.kind) {
    case 'lpush': {
      const vs = values(action.n);
      // LPUSH a b c pushes one at a time: the list starts c b a, one chain after the head.
      return { effect: insert(null, [...vs].reverse()), model: (xs) => { for (const v of vs) xs.unshift(v); } };
    }
    case 'rpush': {
      const vs = values(action.n);
      return { effect: insert(lastId(state) ?? null, vs), model: (xs) => { xs.push(...vs); } };
    }
    case 'linsert': {
      const at = action.at % (length + 1);
      const [v] = values(1) as [string];
      return { effect: insert(anchorForIndex(state, at), [v]), model: (xs) => { xs.splice(at, 0, v); } };
    }
    case 'lset': {
      if (length === 0) return undefined;
      const at = action.at % length;
      const v = `${tag}.set`;
      return { effect: { type: 'list.set', id: idAt(state, at) as ElementId, value: Buffer.from(v) }, model: (xs) => { xs[at] = v; } };
    }
    case 'lrem': {
      if (length === 0) return undefined;
      const at = action.at % length;
      return remove([idAt(state, at) as ElementId], (xs) => { xs.splice(at, 1); });
    }
    case 'pop': {
      const count = Math.min(action.count, length);
      const ids = Array.from({ length: count }, (_, i) => idAt(state, action.left ? i : length - 1 - i) as ElementId);
      return remove(ids, (xs) => { xs.splice(action.left ? 0 : length - count, count); });
    }
    case 'trim': {
      const from = Math.min(action.from, length);
      const to = Math.min(from + action.to, length);
      const ids = [...listEntries(state)].filter((_, i) => i < from || i >= to).map((entry) => entry.id);
      return remove(ids, (xs) => { xs.splice(to); xs.splice(0, from); });
    }
    case 'del':
      return length === 0 ? undefined : { effect: { type: 'list.delete' }, model: (xs) => { xs.length = 0; } };
  }
}

function insert(anchor: ElementId | null, values: string[]): ListEffect {
  return { type: 'list.insert', anchor, values: values.map((v) => Buffer.from(v)) };
}

function apply(state: ListState, op: SimOp): void {
  if (op.effect.type === 'list.delete') deleteListObserved(state, op.ctx);
  else applyListEffect(state, op.effect, op.ctx);
}

class Simulation {
  readonly replicas: Replica[];
  readonly log: SimOp[] = [];
  /** Order of every stored element at the creator right after each local op. */
  readonly snapshots: string[][] = [];
  collected = 0;

  constructor(count: number) {
    this.replicas = Array.from({ length: count }, (_, i) => ({ id: `r${i}`, state: createList(), vv: new Map(), hlc: 0 }));
  }

  /** Creates and applies locally the op for `action` at replica `at`; returns its model change. */
  local(at: number, action: Action, clockMs: number): ((xs: string[]) => void) | undefined {
    const replica = this.replicas[at % this.replicas.length] as Replica;
    const seq = (replica.vv.get(replica.id) ?? 0) + 1;
    const planned = plan(replica.state, action, `${replica.id}.${seq}`);
    if (planned === undefined) return undefined;
    replica.hlc = nextHlc(replica.hlc, clockMs);
    const op: SimOp = { ctx: { origin: replica.id, seq, hlc: replica.hlc, deps: new Map(replica.vv) }, effect: planned.effect };
    apply(replica.state, op);
    replica.vv.set(replica.id, seq);
    this.log.push(op);
    this.snapshots.push(listElementOrder(replica.state).map(key));
    return planned.model;
  }

  private ready(replica: Replica, op: SimOp): boolean {
    if ((replica.vv.get(op.ctx.origin) ?? 0) !== op.ctx.seq - 1) return false;
    for (const [origin, seq] of op.ctx.deps) if ((replica.vv.get(origin) ?? 0) < seq) return false;
    return true;
  }

  private applied(replica: Replica, op: SimOp): boolean {
    return (replica.vv.get(op.ctx.origin) ?? 0) >= op.ctx.seq;
  }

  private receive(replica: Replica, op: SimOp): void {
    if (this.applied(replica, op)) return; // duplicate: dedupe by version vector
    apply(replica.state, op);
    replica.vv.set(op.ctx.origin, op.ctx.seq);
    replica.hlc = observeHlc(replica.hlc, op.ctx.hlc);
  }

  /** Delivers one op to replica `at`: the `pick`-th among those ready or already applied (duplicates). */
  deliver(at: number, pick: number): void {
    const replica = this.replicas[at % this.replicas.length] as Replica;
    const candidates = this.log.filter((op) => this.applied(replica, op) || this.ready(replica, op));
    const op = candidates[pick % Math.max(1, candidates.length)];
    if (op !== undefined) this.receive(replica, op);
  }

  /** Delivers everything everywhere (the log is in creation order, hence causal order). */
  syncAll(): void {
    for (const replica of this.replicas) for (const op of this.log) this.receive(replica, op);
  }

  /**
   * GC at replica `at` with the largest safe stable vector: what every replica has
   * applied, lowered to the deps of every op this replica has not applied yet.
   */
  gc(at: number): void {
    const replica = this.replicas[at % this.replicas.length] as Replica;
    const stable = new Map<string, number>();
    for (const { id } of this.replicas) stable.set(id, Math.min(...this.replicas.map((r) => r.vv.get(id) ?? 0)));
    for (const op of this.log) {
      if (this.applied(replica, op)) continue;
      for (const [id, seq] of stable) stable.set(id, Math.min(seq, op.ctx.deps.get(id) ?? 0));
    }
    this.collected += gcList(replica.state, stable);
  }
}

type Step =
  | { readonly kind: 'op'; readonly replica: number; readonly clock: number; readonly action: Action }
  | { readonly kind: 'deliver'; readonly replica: number; readonly pick: number }
  | { readonly kind: 'gc'; readonly replica: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('lpush' as const, 'rpush' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('linsert' as const, 'lset' as const, 'lrem' as const), at: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pop' as const), left: fc.boolean(), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const), from: fc.nat(3), to: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('del' as const) }) },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(4), clock: fc.nat(3), action: actionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), replica: fc.nat(4), pick: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gc' as const), replica: fc.nat(4) }) },
);

const scriptArb = fc.record({ replicas: fc.integer({ min: 3, max: 5 }), steps: fc.array(stepArb, { maxLength: 60 }) });

/** Few replicas, one shared millisecond (stamps decided by HLC counters and ids), frequent GC. */
const gcHeavyStepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('op' as const), replica: fc.nat(2), clock: fc.constant(0), action: actionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), replica: fc.nat(2), pick: fc.nat(100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('gc' as const), replica: fc.nat(2) }) },
);
const gcHeavyScriptArb = fc.record({ replicas: fc.constant(3), steps: fc.array(gcHeavyStepArb, { maxLength: 80 }) });

function run(script: { replicas: number; steps: readonly Step[] }, sync = true): Simulation {
  const sim = new Simulation(script.replicas);
  let clock = 0;
  for (const step of script.steps) {
    if (step.kind === 'op') sim.local(step.replica, step.action, (clock += step.clock));
    else if (step.kind === 'deliver') sim.deliver(step.replica, step.pick);
    else sim.gc(step.replica);
  }
  if (sync) sim.syncAll();
  return sim;
}

/** The content every replica must reach, computed without any ordering: ids and LWW values. */
function expectedContent(log: readonly SimOp[]): Map<string, string> {
  const values = new Map<string, { value: string; stamp: Stamp; dot: { replica: string; seq: number } }>();
  for (const { ctx, effect } of log) {
    if (effect.type !== 'list.insert') continue;
    effect.values.forEach((value, idx) => values.set(key({ replica: ctx.origin, seq: ctx.seq, idx }),
      { value: value.toString(), stamp: { hlc: ctx.hlc, replica: ctx.origin }, dot: { replica: ctx.origin, seq: ctx.seq } }));
  }
  const removed = new Set<string>();
  for (const { ctx, effect } of log) {
    if (effect.type === 'list.remove') for (const id of effect.ids) removed.add(key(id));
    if (effect.type === 'list.delete') for (const [k, v] of values) if (observed(ctx, v.dot)) removed.add(k);
    if (effect.type === 'list.set') {
      const target = values.get(key(effect.id));
      const stamp = { hlc: ctx.hlc, replica: ctx.origin };
      if (target !== undefined && compareStamps(stamp, target.stamp) > 0) Object.assign(target, { value: effect.value.toString(), stamp });
    }
  }
  return new Map([...values].filter(([k]) => !removed.has(k)).map(([k, v]) => [k, v.value]));
}

function restrict(order: readonly string[], to: ReadonlySet<string>): string[] {
  return order.filter((k) => to.has(k));
}

/** Index reads agree with a full scan (the tree's weights are right). */
function checkIndexes(state: ListState): void {
  const entries = [...listEntries(state)];
  assert.equal(listLength(state), entries.length);
  entries.forEach((entry, i) => {
    assert.deepEqual(listAt(state, i), entry.value);
    assert.equal(indexOfId(state, entry.id), i);
  });
}

describe('RGA list: properties', function () {
  this.timeout(120_000);

  it('converges: same content and order everywhere, matching the order-free model, after random delivery with duplicates and GC', () => {
    fc.assert(fc.property(scriptArb, (script) => {
      const sim = run(script);
      const [first, ...rest] = sim.replicas as [Replica, ...Replica[]];
      const content = [...listEntries(first.state)].map((entry) => [key(entry.id), entry.value.toString()] as const);
      assert.deepEqual(new Map(content), expectedContent(sim.log));
      const firstOrder = listElementOrder(first.state).map(key);
      for (const other of rest) {
        assert.deepEqual(listValues(other.state), listValues(first.state));
        const order = listElementOrder(other.state).map(key);
        const common = new Set(order.filter((k) => firstOrder.includes(k)));
        assert.deepEqual(restrict(order, common), restrict(firstOrder, common));
      }
      for (const replica of sim.replicas) checkIndexes(replica.state);
    }), { numRuns: RUNS });
  });

  it('never reorders two elements once a replica has seen both (per-origin order kept)', () => {
    fc.assert(fc.property(scriptArb, (script) => {
      const sim = run(script);
      for (const replica of sim.replicas) {
        const final = listElementOrder(replica.state).map(key);
        const present = new Set(final);
        for (const snapshot of sim.snapshots) {
          const seen = new Set(snapshot.filter((k) => present.has(k)));
          assert.deepEqual(restrict(final, seen), restrict(snapshot, seen));
        }
      }
    }), { numRuns: RUNS });
  });

  it('gives exactly what Redis gives when no two ops are concurrent (each op synced before the next)', () => {
    const sequential = fc.array(fc.record({ replica: fc.nat(2), action: actionArb, gc: fc.boolean() }), { maxLength: 40 });
    fc.assert(fc.property(sequential, (steps) => {
      const sim = new Simulation(3);
      const model: string[] = [];
      for (const [i, step] of steps.entries()) {
        sim.local(step.replica, step.action, i)?.(model);
        sim.syncAll();
        if (step.gc) sim.gc(step.replica);
        for (const replica of sim.replicas) assert.deepEqual(listValues(replica.state).map(String), model);
      }
      for (const replica of sim.replicas) checkIndexes(replica.state);
    }), { numRuns: RUNS });
  });

  it('GC after stability changes no content and later ops still converge', () => {
    fc.assert(fc.property(scriptArb, scriptArb, (before, after) => {
      const sim = run(before);
      const content = sim.replicas.map((replica) => listValues(replica.state));
      sim.replicas.forEach((_, i) => sim.gc(i));
      assert.deepEqual(sim.replicas.map((replica) => listValues(replica.state)), content);
      continueAndCheck(sim, after);
    }), { numRuns: RUNS });
  });

  it('GC is invisible: the same script with and without GC gives the same content and order', () => {
    fc.assert(fc.property(gcHeavyScriptArb, (script) => {
      const collected = run(script);
      const plain = run({ ...script, steps: script.steps.filter((step) => step.kind !== 'gc') });
      for (const [i, replica] of collected.replicas.entries()) {
        const reference = plain.replicas[i] as Replica;
        assert.deepEqual(listValues(replica.state), listValues(reference.state));
        const kept = new Set(listElementOrder(replica.state).map(key));
        assert.deepEqual(listElementOrder(replica.state).map(key), restrict(listElementOrder(reference.state).map(key), kept));
      }
    }), { numRuns: RUNS });
  });

  it('a decoded snapshot is the same state: same bytes again, same order, and it keeps converging', () => {
    fc.assert(fc.property(scriptArb, scriptArb, (before, after) => {
      const sim = run(before, false);
      for (const replica of sim.replicas) {
        const bytes = encodeListState(replica.state);
        const decoded = decodeListState(bytes);
        assert.deepEqual(encodeListState(decoded), bytes);
        assert.deepEqual(listElementOrder(decoded), listElementOrder(replica.state));
        assert.deepEqual(decoded.lastWrite, replica.state.lastWrite);
        assert.equal(decoded.tombstones, replica.state.tombstones);
        checkIndexes(decoded);
        replica.state = decoded;
      }
      continueAndCheck(sim, after);
    }), { numRuns: RUNS });
  });
});

/** Runs `after` on top of `sim` (clocks moved on), syncs, and checks convergence against the model. */
function continueAndCheck(sim: Simulation, after: { steps: readonly Step[] }): void {
  let clock = 1000;
  for (const step of after.steps) {
    if (step.kind === 'op') sim.local(step.replica, step.action, (clock += step.clock));
    else if (step.kind === 'deliver') sim.deliver(step.replica, step.pick);
    else sim.gc(step.replica);
  }
  sim.syncAll();
  const values = sim.replicas.map((replica) => listValues(replica.state).map(String));
  for (const other of values) assert.deepEqual(other, values[0]);
  assert.deepEqual(new Set(values[0]), new Set(expectedContent(sim.log).values()));
}
