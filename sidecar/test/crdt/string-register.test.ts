import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addContribution } from '../../src/crdt/contributions.js';
import { ldAdd, ldFormat, ldFromBigInt, ldParse } from '../../src/crdt/long-double.js';
import { parseInt64 } from '../../src/crdt/numeric.js';
import {
  applyStringEffect, deleteStringObserved, EMPTY_STRING_REGISTER, incrementStartsEpoch, integerValue, observedTotals, siblingValues, stringValue,
  type StringEffect, type StringRegister,
} from '../../src/crdt/string-register.js';
import { actionsArb, assertConverged, ctxFor, RUNS, runSchedule, type CrdtDriver } from './or-set-replicas.js';

type Op = StringEffect | { readonly type: 'del'; readonly counters: ReturnType<typeof observedTotals> };
const VALUES = ['a', '10', '-3', '2.5', 'x y', ''];
const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const show = (state: StringRegister): unknown => ({ value: stringValue(state)?.toString('latin1'), siblings: siblingValues(state).map((v) => v.toString('latin1')).sort() });

/** Builds the effect a command would make on `origin` from its own current state. */
function generate(state: StringRegister, pick: readonly number[], origin: string): Op | undefined {
  const kind = (pick[0] ?? 0) % 8;
  if (kind <= 1) return { type: 'str.set', value: b(VALUES[(pick[1] ?? 0) % VALUES.length] ?? ''), observed: observedTotals(state) };
  // As the commands decide it: a new epoch once a delete covered all this origin added.
  const epoch = incrementStartsEpoch(state, origin) ? { newEpoch: true } : {};
  if (kind <= 3) return { type: 'str.incr', delta: BigInt((pick[1] ?? 0) % 11) - 5n, ...epoch };
  if (kind <= 5) {
    const current = stringValue(state);
    const base = current === undefined ? ldFromBigInt(0n) : ldParse(current.toString('latin1'));
    if (base === undefined) return undefined; // INCRBYFLOAT would fail on a non-numeric value
    const delta = ['0.5', '-1.25', '3', '0.1'][(pick[1] ?? 0) % 4] ?? '1';
    const parsed = ldParse(delta);
    if (parsed === undefined) return undefined;
    const result = b(ldFormat(ldAdd(base, parsed)));
    return { type: 'str.incrfloat', delta, result, observed: addContribution(observedTotals(state), origin, 0n, parsed), ...epoch };
  }
  return { type: 'del', counters: state.totals };
}

const driver: CrdtDriver<StringRegister, Op> = {
  create: () => EMPTY_STRING_REGISTER,
  apply: (state, op) => (op.effect.type === 'del' ? deleteStringObserved(state, op.effect.counters, op.ctx) : applyStringEffect(state, op.effect, op.ctx)),
  generate,
  visible: show,
};

describe('string register (LWW + counter + MV siblings)', () => {
  it('converges under any causal delivery order with duplicates (3–5 replicas)', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }), actionsArb(5, 40), (count, actions) => {
      const usable = actions.map((a) => ({ ...a, r: a.r % count }));
      assertConverged(driver, runSchedule(driver, count, usable));
    }), { numRuns: RUNS });
  });

  it('integerValue (INCR\'s shortcut) is exactly parseInt64 of the value, on every replica of any schedule', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }), actionsArb(5, 40), (count, actions) => {
      const states = runSchedule(driver, count, actions.map((a) => ({ ...a, r: a.r % count })));
      for (const state of states) assert.equal(integerValue(state), parseInt64(stringValue(state) ?? b('')));
    }), { numRuns: RUNS });
  });

  it('integerValue: concurrent increments past the int64 range are not an integer, as the formatted value is not', () => {
    const max = 9223372036854775807n;
    const base = applyStringEffect(EMPTY_STRING_REGISTER, { type: 'str.set', value: b(String(max - 1n)), observed: new Map() }, ctxFor('a', 1, 1));
    const once = applyStringEffect(base, { type: 'str.incr', delta: 1n }, ctxFor('a', 2, 2, { a: 1 }));
    assert.equal(integerValue(once), max);
    const twice = applyStringEffect(once, { type: 'str.incr', delta: 1n }, ctxFor('b', 1, 3, { a: 1 }));
    assert.equal(stringValue(twice)?.toString(), '9223372036854775808');
    assert.equal(integerValue(twice), undefined);
  });

  it('behaves like a sequential Redis string when ops are not concurrent', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 30 }), (picks) => {
      let state: StringRegister = EMPTY_STRING_REGISTER;
      let model: string | undefined;
      picks.forEach((pick, index) => {
        const op = generate(state, pick, 'a');
        if (op === undefined) return;
        const ctx = ctxFor('a', index + 1, index + 1, { a: index });
        if (op.type === 'del') {
          state = deleteStringObserved(state, state.totals, ctx);
          model = undefined;
          return;
        }
        if (op.type === 'str.incr') {
          const base = model === undefined ? 0n : parseInt64(model);
          if (base === undefined) return; // INCR would reply an error and emit nothing
          model = (base + op.delta).toString();
        } else if (op.type === 'str.set') model = op.value.toString('latin1');
        else model = op.result.toString('latin1');
        state = applyStringEffect(state, op, ctx);
      });
      assert.equal(stringValue(state)?.toString('latin1'), model);
    }), { numRuns: RUNS });
  });

  it('SET 10 ∥ INCR (was 5) → 11', () => {
    const base = applyStringEffect(EMPTY_STRING_REGISTER, { type: 'str.set', value: b('5'), observed: new Map() }, ctxFor('a', 1, 1));
    const set = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.set', value: b('10'), observed: base.totals }, ctxFor('a', 2, 5, { a: 1 }));
    const incr = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.incr', delta: 1n }, ctxFor('b', 1, 6, { a: 1 }));
    assert.equal(stringValue(incr(set(base)))?.toString(), '11');
    assert.equal(stringValue(set(incr(base)))?.toString(), '11');
  });

  it('INCRBY 7 ∥ INCRBY 3 → both count', () => {
    const a = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.incr', delta: 7n }, ctxFor('a', 1, 5));
    const c = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.incr', delta: 3n }, ctxFor('b', 1, 5));
    assert.equal(stringValue(a(c(EMPTY_STRING_REGISTER)))?.toString(), '10');
    assert.equal(stringValue(c(a(EMPTY_STRING_REGISTER)))?.toString(), '10');
  });

  it('DEL ∥ INCRBY 3 → 3', () => {
    const base = applyStringEffect(EMPTY_STRING_REGISTER, { type: 'str.incr', delta: 10n }, ctxFor('a', 1, 1));
    const del = (s: StringRegister): StringRegister => deleteStringObserved(s, base.totals, ctxFor('a', 2, 5, { a: 1 }));
    const incr = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.incr', delta: 3n }, ctxFor('b', 1, 6, { a: 1 }));
    assert.equal(stringValue(incr(del(base)))?.toString(), '3');
    assert.equal(stringValue(del(incr(base)))?.toString(), '3');
  });

  it('SET v1 ∥ SET v2: the LWW winner is read, both are siblings until a later write', () => {
    const one = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.set', value: b('v1'), observed: new Map() }, ctxFor('a', 1, 5));
    const two = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.set', value: b('v2'), observed: new Map() }, ctxFor('b', 1, 7));
    const merged = one(two(EMPTY_STRING_REGISTER));
    assert.equal(stringValue(merged)?.toString(), 'v2');
    assert.deepEqual(siblingValues(merged).map(String), ['v2', 'v1']);
    const later = applyStringEffect(merged, { type: 'str.set', value: b('v3'), observed: new Map() }, ctxFor('a', 2, 9, { a: 1, b: 1 }));
    assert.deepEqual(siblingValues(later).map(String), ['v3']);
  });

  it('an exact HLC tie is won by the lower replica id', () => {
    const one = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.set', value: b('from-a'), observed: new Map() }, ctxFor('a', 1, 5));
    const two = (s: StringRegister): StringRegister => applyStringEffect(s, { type: 'str.set', value: b('from-b'), observed: new Map() }, ctxFor('b', 1, 5));
    assert.equal(stringValue(one(two(EMPTY_STRING_REGISTER)))?.toString(), 'from-a');
    assert.equal(stringValue(two(one(EMPTY_STRING_REGISTER)))?.toString(), 'from-a');
  });
});

describe('x87 long double emulation (Redis INCRBYFLOAT)', () => {
  const sum = (a: string, c: string): string => {
    const x = ldParse(a);
    const y = ldParse(c);
    assert.ok(x !== undefined && y !== undefined);
    return ldFormat(ldAdd(x, y));
  };
  it('prints what Redis prints for sums a double gets wrong', () => {
    assert.equal(sum('0.1', '0.2'), '0.3');
    assert.equal(sum('10.5', '0.1'), '10.6');
    assert.equal(sum('1.1', '2.2'), '3.3');
    assert.equal(sum('5.0e3', '0'), '5000');
    assert.equal(sum('-1.5', '1.5'), '0');
  });
  it('prints long-double rounding noise for values beyond its precision, like Redis', () => {
    // Verified against redis-server 7.0: INCRBYFLOAT h 123456789.123456789 on a missing key.
    assert.equal(sum('123456789.123456789', '0'), '123456789.12345678899873747');
  });
  it('rejects what Redis rejects', () => {
    for (const bad of ['', ' 1', '1 ', 'abc', '1e', 'nan', '--1', '1e99999']) assert.equal(ldParse(bad), undefined, bad);
  });
  it('integers round-trip exactly', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      assert.equal(ldFormat(ldFromBigInt(n)), n.toString());
    }), { numRuns: RUNS });
  });
});
