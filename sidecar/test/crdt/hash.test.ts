import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeHashState, encodeHashState } from '../../src/crdt/hash-codec.js';
import { isRegister } from '../../src/crdt/hash-field.js';
import {
  applyHashEffect, fieldIncrementStartsEpoch, createHash, deleteHashObserved, hashEntries, hashFieldAt, hashGet, hashIncrFloatObserved, hashLength,
  hashObservedPerField, hashObservedTotals, isHashEmpty, type HashEffect, type HashState,
} from '../../src/crdt/hash.js';
import { ldAdd, ldFormat, ldFromBigInt, ldParse } from '../../src/crdt/long-double.js';
import { parseInt64 } from '../../src/crdt/numeric.js';
import { actionsArb, assertConverged, ctxFor, RUNS, runSchedule, type CrdtDriver } from './or-set-replicas.js';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const FIELDS = ['f', 'g', '\x00\xff'];
const VALUES = ['10', '-3', 'abc', '1.5', ''];
const FLOATS = ['0.1', '2.5', '-1', '1e3'];

type HashOp = HashEffect | { readonly type: 'hash.delete'; readonly observed: ReadonlyMap<string, ReturnType<typeof hashObservedTotals>> };

function visible(state: HashState): [string, string][] {
  return [...hashEntries(state)].map(([f, v]): [string, string] => [f.toString('latin1'), v.toString('latin1')]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

/** What Redis's HINCRBYFLOAT would store, or undefined when it errors. */
function incrFloatResult(current: Buffer | undefined, delta: string): string | undefined {
  const base = current === undefined ? ldFromBigInt(0n) : ldParse(current.toString('latin1'));
  const add = ldParse(delta);
  if (base === undefined || add === undefined) return undefined;
  return ldFormat(ldAdd(base, add));
}

/** Generates the effect a command on this replica would make; `origin` is needed by HINCRBYFLOAT's observed. */
function generate(state: HashState, pick: readonly number[], origin: string): HashOp | undefined {
  const field = b(FIELDS[(pick[1] ?? 0) % FIELDS.length] as string);
  const other = b(FIELDS[(pick[2] ?? 0) % FIELDS.length] as string);
  switch ((pick[0] ?? 0) % 8) {
    case 0: case 1: {
      const fields = [field, other].slice(0, 1 + ((pick[4] ?? 0) % 2));
      const entries = fields.map((f, i): [Buffer, Buffer] => [f, b(VALUES[((pick[3] ?? 0) + i) % VALUES.length] as string)]);
      return { type: 'hash.set', fields: entries, observed: fields.map((f) => hashObservedTotals(state, f)) };
    }
    case 2: case 3: {
      const current = hashGet(state, field);
      if (current !== undefined && parseInt64(current) === undefined) return undefined; // Redis: not an integer
      // As HINCRBY decides it: a new epoch once a delete covered all this origin added.
      return { type: 'hash.incr', field, delta: BigInt(((pick[3] ?? 0) % 11) - 5), ...(fieldIncrementStartsEpoch(state, field, origin) ? { newEpoch: true } : {}) };
    }
    case 4: {
      const delta = FLOATS[(pick[3] ?? 0) % FLOATS.length] as string;
      const result = incrFloatResult(hashGet(state, field), delta);
      if (result === undefined) return undefined;
      const observed = hashIncrFloatObserved(state, field, origin, ldParse(delta) ?? ldFromBigInt(0n));
      return { type: 'hash.incrfloat', field, delta, result: b(result), observed, ...(fieldIncrementStartsEpoch(state, field, origin) ? { newEpoch: true } : {}) };
    }
    case 5: case 6: {
      const fields = [field, other].slice(0, 1 + ((pick[4] ?? 0) % 2));
      return { type: 'hash.del', fields, observed: fields.map((f) => hashObservedTotals(state, f)) };
    }
    default:
      return { type: 'hash.delete', observed: hashObservedPerField(state) };
  }
}

const driver: CrdtDriver<HashState, HashOp> = {
  create: createHash,
  apply: (state, op) => (op.effect.type === 'hash.delete'
    ? deleteHashObserved(state, op.ctx, op.effect.observed)
    : applyHashEffect(state, op.effect, op.ctx)),
  generate,
  visible,
  encode: encodeHashState,
  decode: decodeHashState,
};

/** Applies effects in order, each with a context. */
function run(state: HashState, ...steps: [HashEffect, ReturnType<typeof ctxFor>][]): HashState {
  for (const [effect, ctx] of steps) applyHashEffect(state, effect, ctx);
  return state;
}

function fork(state: HashState): HashState {
  return decodeHashState(encodeHashState(state));
}

describe('hash', () => {
  describe('concurrency rules (DESIGN.md §4)', () => {
    const set = (field: string, value: string, state?: HashState): HashEffect =>
      ({ type: 'hash.set', fields: [[b(field), b(value)]], observed: [hashObservedTotals(state, field)] });
    it('HDEL f ∥ HINCRBY f 2 (f was 10) → 2', () => {
      const base = run(createHash(), [set('f', '10'), ctxFor('a', 1, 1)]);
      const del: HashEffect = { type: 'hash.del', fields: [b('f')], observed: [hashObservedTotals(base, 'f')] };
      const incr: HashEffect = { type: 'hash.incr', field: b('f'), delta: 2n };
      const one = run(fork(base), [del, ctxFor('a', 2, 2, { a: 1 })], [incr, ctxFor('b', 1, 2, { a: 1 })]);
      const two = run(fork(base), [incr, ctxFor('b', 1, 2, { a: 1 })], [del, ctxFor('a', 2, 2, { a: 1 })]);
      assert.equal(hashGet(one, 'f')?.toString(), '2');
      assert.equal(hashGet(two, 'f')?.toString(), '2');
      assert.ok(encodeHashState(one).equals(encodeHashState(two)));
    });
    it('HSET f 10 ∥ HINCRBY f 1 (f was 5) → 11, whichever stamp is later', () => {
      const base = run(createHash(), [set('f', '5'), ctxFor('a', 1, 1)]);
      const incr: HashEffect = { type: 'hash.incr', field: b('f'), delta: 1n };
      for (const hlc of [2, 9]) {
        const one = run(fork(base), [set('f', '10', base), ctxFor('a', 2, 5, { a: 1 })], [incr, ctxFor('b', 1, hlc, { a: 1 })]);
        const two = run(fork(base), [incr, ctxFor('b', 1, hlc, { a: 1 })], [set('f', '10', base), ctxFor('a', 2, 5, { a: 1 })]);
        assert.equal(hashGet(one, 'f')?.toString(), '11');
        assert.equal(hashGet(two, 'f')?.toString(), '11');
      }
    });
    it('HINCRBY 7 ∥ HINCRBY 3 → 10; a later HDEL removes both; a non-numeric HSET wins over increments', () => {
      const incr = (delta: bigint): HashEffect => ({ type: 'hash.incr', field: b('f'), delta });
      let state = run(createHash(), [incr(7n), ctxFor('a', 1, 1)], [incr(3n), ctxFor('b', 1, 1)]);
      assert.equal(hashGet(state, 'f')?.toString(), '10');
      state = run(state, [{ type: 'hash.set', fields: [[b('f'), b('x')]], observed: [new Map()] }, ctxFor('c', 1, 5)]);
      assert.equal(hashGet(state, 'f')?.toString(), 'x');
      state = run(state, [{ type: 'hash.del', fields: [b('f')], observed: [hashObservedTotals(state, 'f')] }, ctxFor('a', 2, 6, { a: 1, b: 1, c: 1 })]);
      assert.equal(hashGet(state, 'f'), undefined);
      assert.equal(hashLength(state), 0);
      assert.ok(isHashEmpty(state));
    });
    it('an HDEL that observed an older epoch, arriving after the origin started a new one, leaves the same state as the other order', () => {
      // Found by the convergence property (seed -1805539681): the late HDEL's floor of the old
      // epoch stayed on one replica only; it covers nothing, but the states differed.
      const incr = (newEpoch: boolean): HashEffect => ({ type: 'hash.incr', field: b('f'), delta: -5n, ...(newEpoch ? { newEpoch: true } : {}) });
      const first = run(createHash(), [incr(true), ctxFor('a', 1, 1)]);
      const del = (): HashEffect => ({ type: 'hash.del', fields: [b('f')], observed: [hashObservedTotals(first, 'f')] });
      const delByB = del();
      const delByA = del();
      const one = run(fork(first), [delByA, ctxFor('a', 2, 2, { a: 1 })], [incr(true), ctxFor('a', 3, 3, { a: 2 })], [delByB, ctxFor('b', 1, 2, { a: 1 })]);
      const two = run(fork(first), [delByB, ctxFor('b', 1, 2, { a: 1 })], [delByA, ctxFor('a', 2, 2, { a: 1 })], [incr(true), ctxFor('a', 3, 3, { a: 2 })]);
      assert.equal(hashGet(one, 'f')?.toString(), '-5');
      assert.equal(hashGet(two, 'f')?.toString(), '-5');
      assert.ok(encodeHashState(one).equals(encodeHashState(two)), 'same state whatever the order');
    });
    it('DEL ∥ HSET g: the concurrent field survives the key delete', () => {
      const base = run(createHash(), [set('f', '1'), ctxFor('a', 1, 1)]);
      run(base, [set('g', '2'), ctxFor('b', 1, 2, { a: 1 })]);
      deleteHashObserved(base, ctxFor('a', 2, 3, { a: 1 }), hashObservedPerField(base));
      assert.deepEqual(visible(base), [['g', '2']]);
    });
    it('concurrent HSETs keep the LWW winner (lower replica id wins a tie); plain fields stay compact', () => {
      const state = run(createHash(), [set('f', 'A'), ctxFor('b', 1, 3)], [set('f', 'B'), ctxFor('a', 1, 3)]);
      assert.equal(hashGet(state, 'f')?.toString(), 'B');
      run(state, [set('f', 'C'), ctxFor('a', 2, 4, { a: 1, b: 1 })]);
      assert.ok(!isRegister(state.fields.get('f') as never));
      assert.equal(hashGet(state, 'f')?.toString(), 'C');
    });
  });

  it(`converges on 3–5 replicas under any causal delivery order with duplicates (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }).chain((n) => fc.tuple(fc.constant(n), actionsArb(n))), ([n, actions]) => {
      assertConverged(driver, runSchedule(driver, n, actions));
    }), { numRuns: RUNS });
  });

  it(`equals a plain Map under sequential HSET/HINCRBY/HINCRBYFLOAT/HDEL/DEL (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 30 }), (picks) => {
      const state = createHash();
      const model = new Map<string, string>();
      const vv = new Map<string, number>();
      picks.forEach((pick, i) => {
        const origin = `r${(pick[5] ?? 0) % 3}`;
        const op = generate(state, pick, origin);
        if (op === undefined) return;
        const ctx = { origin, seq: (vv.get(origin) ?? 0) + 1, hlc: i + 1, deps: new Map(vv) };
        vv.set(origin, ctx.seq);
        applyModel(model, op);
        driver.apply(state, { ctx, effect: op });
        assert.deepEqual(visible(state), [...model].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
        assert.equal(hashLength(state), model.size);
        const picked = Array.from({ length: model.size + 1 }, (_, k) => hashFieldAt(state, k)?.[0].toString('latin1'));
        assert.deepEqual(picked.slice(0, model.size).sort(), [...model.keys()].sort(), 'HRANDFIELD picks by index');
        assert.equal(picked[model.size], undefined);
      });
    }), { numRuns: RUNS });
  });
});

/** Redis's sequential semantics for the same effects. */
function applyModel(model: Map<string, string>, op: HashOp): void {
  switch (op.type) {
    case 'hash.set': for (const [f, v] of op.fields) model.set(f.toString('latin1'), v.toString('latin1')); break;
    case 'hash.incr': {
      const name = op.field.toString('latin1');
      model.set(name, ((parseInt64(model.get(name) ?? '0') ?? 0n) + op.delta).toString());
      break;
    }
    case 'hash.incrfloat': model.set(op.field.toString('latin1'), op.result.toString('latin1')); break;
    case 'hash.del': for (const f of op.fields) model.delete(f.toString('latin1')); break;
    case 'hash.delete': model.clear(); break;
  }
}
