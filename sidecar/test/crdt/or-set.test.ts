import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSetState, encodeSetState } from '../../src/crdt/or-set-codec.js';
import {
  applySetEffect, createSet, deleteSetObserved, isSetEmpty, setHas, setMemberAt, setMembers, setScan, setSize,
  type OrSet, type SetEffect,
} from '../../src/crdt/or-set.js';
import type { OpContext } from '../../src/crdt/stamp.js';
import { actionsArb, assertConverged, ctxFor, RUNS, runSchedule, type CrdtDriver } from './or-set-replicas.js';

const POOL = ['a', 'b', 'c', '\x00', '\xff\x01', ''].map((m) => Buffer.from(m, 'latin1'));
const b = (text: string): Buffer => Buffer.from(text, 'latin1');

function sortedMembers(state: OrSet): string[] {
  return setMembers(state).map((m) => m.toString('latin1')).sort();
}

type SetOp = SetEffect | { readonly type: 'set.delete' };

function pickMembers(pick: readonly number[]): Buffer[] {
  const count = 1 + ((pick[1] ?? 0) % 3);
  return Array.from({ length: count }, (_, i) => POOL[(pick[2 + i] ?? 0) % POOL.length] as Buffer);
}

const driver: CrdtDriver<OrSet, SetOp> = {
  create: createSet,
  apply: (state, op) => (op.effect.type === 'set.delete' ? deleteSetObserved(state, op.ctx) : applySetEffect(state, op.effect, op.ctx)),
  generate: (_state, pick) => {
    const kind = (pick[0] ?? 0) % 7;
    if (kind === 6) return { type: 'set.delete' };
    return { type: kind < 4 ? 'set.add' : 'set.remove', members: pickMembers(pick) };
  },
  visible: sortedMembers,
  encode: encodeSetState,
  decode: decodeSetState,
};

describe('OR-Set', () => {
  describe('concurrency rules (DESIGN.md §4)', () => {
    it('SADD x ∥ SREM x: the add wins', () => {
      const base = applySetEffect(createSet(), { type: 'set.add', members: [b('x')] }, ctxFor('a', 1, 1));
      const add: [SetEffect, OpContext] = [{ type: 'set.add', members: [b('x')] }, ctxFor('a', 2, 5, { a: 1 })];
      const rem: [SetEffect, OpContext] = [{ type: 'set.remove', members: [b('x')] }, ctxFor('b', 1, 6, { a: 1 })];
      const one = applySetEffect(applySetEffect(decodeSetState(encodeSetState(base)), ...add), ...rem);
      const two = applySetEffect(applySetEffect(decodeSetState(encodeSetState(base)), ...rem), ...add);
      assert.deepEqual(sortedMembers(one), ['x']);
      assert.deepEqual(sortedMembers(two), ['x']);
    });
    it('SREM removes only what it observed; a later remove removes everything', () => {
      let state = applySetEffect(createSet(), { type: 'set.add', members: [b('x'), b('y')] }, ctxFor('a', 1, 1));
      state = applySetEffect(state, { type: 'set.add', members: [b('x')] }, ctxFor('b', 1, 1));
      state = applySetEffect(state, { type: 'set.remove', members: [b('x')] }, ctxFor('a', 2, 2, { a: 1 }));
      assert.ok(setHas(state, b('x')), 'b\'s concurrent add survives');
      state = applySetEffect(state, { type: 'set.remove', members: [b('x')] }, ctxFor('a', 3, 3, { a: 2, b: 1 }));
      assert.deepEqual(sortedMembers(state), ['y']);
    });
    it('DEL ∥ SADD: the concurrent add survives the key delete', () => {
      let state = applySetEffect(createSet(), { type: 'set.add', members: [b('x'), b('y')] }, ctxFor('a', 1, 1));
      state = applySetEffect(state, { type: 'set.add', members: [b('z')] }, ctxFor('b', 1, 2, { a: 1 }));
      state = deleteSetObserved(state, ctxFor('a', 2, 3, { a: 1 }));
      assert.deepEqual(sortedMembers(state), ['z']);
      assert.equal(setSize(state), 1);
    });
    it('applying the same add twice is a no-op; lastWrite is the highest stamp', () => {
      const ctx = ctxFor('a', 1, 7);
      const state = applySetEffect(createSet(), { type: 'set.add', members: [b('x'), b('x')] }, ctx);
      applySetEffect(state, { type: 'set.add', members: [b('x')] }, ctx);
      assert.equal(setSize(state), 1);
      assert.deepEqual(state.lastWrite, { hlc: 7, replica: 'a' });
      assert.ok(!Array.isArray(state.dots[0]));
    });
  });

  it('picks members by index for SRANDMEMBER/SPOP and stays dense after removals', () => {
    let state = applySetEffect(createSet(), { type: 'set.add', members: ['a', 'b', 'c', 'd'].map(b) }, ctxFor('a', 1, 1));
    state = applySetEffect(state, { type: 'set.remove', members: [b('a')] }, ctxFor('a', 2, 2, { a: 1 }));
    const picked = [0, 1, 2].map((i) => setMemberAt(state, i)?.toString('latin1')).sort();
    assert.deepEqual(picked, ['b', 'c', 'd']);
    assert.equal(setMemberAt(state, 3), undefined);
    state = deleteSetObserved(state, ctxFor('a', 3, 3, { a: 2 }));
    assert.ok(isSetEmpty(state));
  });

  it('SSCAN never misses a member present for the whole scan, whatever is removed or added meanwhile', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(30), fc.boolean()), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (changes, count) => {
      const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const state = applySetEffect(createSet(), { type: 'set.add', members: names.map(b) }, ctxFor('a', 1, 1));
      const seen = new Set<string>();
      const touched = new Set<string>();
      let cursor = 0;
      let seq = 2;
      let step = 0;
      do {
        const page = setScan(state, cursor, count);
        page.members.forEach((m) => seen.add(m.toString('latin1')));
        cursor = page.cursor;
        const change = changes[step++];
        if (change === undefined) continue;
        const name = `m${change[0]}`;
        touched.add(name);
        const type = change[1] ? 'set.add' : 'set.remove';
        applySetEffect(state, { type, members: [b(name)] }, ctxFor('a', seq, seq, { a: seq - 1 }));
        seq += 1;
      } while (cursor !== 0);
      for (const name of names) if (!touched.has(name)) assert.ok(seen.has(name), `missed ${name}`);
    }), { numRuns: 300 });
  });

  it('snapshot codec round-trips members (binary-safe), dots and lastWrite', () => {
    let state = applySetEffect(createSet(), { type: 'set.add', members: POOL }, ctxFor('a', 1, 1));
    state = applySetEffect(state, { type: 'set.add', members: [b('a')] }, ctxFor('b', 9, 2));
    const copy = decodeSetState(encodeSetState(state));
    assert.deepEqual(sortedMembers(copy), sortedMembers(state));
    assert.deepEqual(copy.lastWrite, state.lastWrite);
    assert.ok(encodeSetState(copy).equals(encodeSetState(state)));
  });

  it(`converges on 3–5 replicas under any causal delivery order with duplicates (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }).chain((n) => fc.tuple(fc.constant(n), actionsArb(n))), ([n, actions]) => {
      assertConverged(driver, runSchedule(driver, n, actions));
    }), { numRuns: RUNS });
  });

  it(`equals a plain Set when ops are sequential (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 30 }), (picks) => {
      let state = createSet();
      const model = new Set<string>();
      const vv = new Map<string, number>();
      picks.forEach((pick, i) => {
        const effect = driver.generate(state, pick, 'r0', 0); // sets have no counters: the seq is unused
        if (effect === undefined) return;
        const origin = `r${(pick[5] ?? 0) % 3}`;
        const ctx = { origin, seq: (vv.get(origin) ?? 0) + 1, hlc: i + 1, deps: new Map(vv) };
        vv.set(origin, ctx.seq);
        state = driver.apply(state, { ctx, effect });
        if (effect.type === 'set.delete') model.clear();
        else for (const m of effect.members) (effect.type === 'set.add' ? model.add(m.toString('latin1')) : model.delete(m.toString('latin1')));
        assert.deepEqual(sortedMembers(state), [...model].sort());
        assert.equal(setSize(state), model.size);
      });
    }), { numRuns: RUNS });
  });
});
