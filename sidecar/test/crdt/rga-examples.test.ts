import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  anchorForIndex, applyListEffect, createList, deleteListObserved, gcList, idAt, indexOfId, isListEmpty,
  listAt, listElementOrder, listEntriesReverse, listLength, listRange, listTombstones, listValues,
  type ElementId, type ListEffect, type ListState,
} from '../../src/crdt/rga.js';
import type { OpContext } from '../../src/crdt/stamp.js';

/** Hand-written cases of DESIGN.md §4's list rules, each delivered in both orders. */

const b = (text: string): Buffer => Buffer.from(text);
const text = (state: ListState): string[] => listValues(state).map((value) => value.toString());

function ctx(origin: string, seq: number, hlc: number, deps: Record<string, number> = {}): OpContext {
  return { origin, seq, hlc, deps: new Map(Object.entries(deps)) };
}

type Op = readonly [ListEffect, OpContext];

function replay(ops: readonly Op[]): ListState {
  const state = createList();
  for (const [effect, context] of ops) applyListEffect(state, effect, context);
  return state;
}

const push = (anchor: ElementId | null, ...values: string[]): ListEffect => ({ type: 'list.insert', anchor, values: values.map(b) });
const id = (replica: string, seq: number, idx = 0): ElementId => ({ replica, seq, idx });

describe('RGA list: examples', () => {
  it('keeps per-origin order: RPUSH a1 a2 ∥ RPUSH b1 b2 (both orders, ties on the clock)', () => {
    const base: Op = [push(null, 'x'), ctx('c', 1, 10)];
    const a1: Op = [push(id('c', 1), 'a1'), ctx('a', 1, 20, { c: 1 })];
    const a2: Op = [push(id('a', 1), 'a2'), ctx('a', 2, 21, { c: 1, a: 1 })];
    const b1: Op = [push(id('c', 1), 'b1'), ctx('b', 1, 20, { c: 1 })];
    const b2: Op = [push(id('b', 1), 'b2'), ctx('b', 2, 21, { c: 1, b: 1 })];
    const one = replay([base, a1, a2, b1, b2]);
    const two = replay([base, b1, a1, b2, a2]);
    assert.deepEqual(text(one), text(two));
    // Equal hlc: the lower replica id wins the tie, so a's run comes first.
    assert.deepEqual(text(one), ['x', 'a1', 'a2', 'b1', 'b2']);
  });

  it('inserts one op of many values as a contiguous chain, LPUSH-style reversed by the caller', () => {
    const state = replay([[push(null, 'c', 'b', 'a'), ctx('r', 1, 5)]]);
    assert.deepEqual(text(state), ['c', 'b', 'a']);
    assert.deepEqual(idAt(state, 2), id('r', 1, 2));
  });

  it('removal wins over a concurrent LSET in either order', () => {
    const base: Op = [push(null, 'x', 'y'), ctx('a', 1, 10)];
    const remove: Op = [{ type: 'list.remove', ids: [id('a', 1, 1)] }, ctx('a', 2, 20, { a: 1 })];
    const set: Op = [{ type: 'list.set', id: id('a', 1, 1), value: b('Y') }, ctx('b', 1, 30, { a: 1 })];
    assert.deepEqual(text(replay([base, remove, set])), ['x']);
    assert.deepEqual(text(replay([base, set, remove])), ['x']);
    assert.equal(replay([base, set, remove]).lastWrite.hlc, replay([base, remove, set]).lastWrite.hlc);
  });

  it('LSET is LWW by (hlc, replica)', () => {
    const base: Op = [push(null, 'x'), ctx('a', 1, 10)];
    const early: Op = [{ type: 'list.set', id: id('a', 1), value: b('early') }, ctx('b', 1, 20, { a: 1 })];
    const late: Op = [{ type: 'list.set', id: id('a', 1), value: b('late') }, ctx('c', 1, 30, { a: 1 })];
    assert.deepEqual(text(replay([base, early, late])), ['late']);
    assert.deepEqual(text(replay([base, late, early])), ['late']);
  });

  it('a key delete removes only what it observed: DEL ∥ RPUSH keeps the push', () => {
    const state = replay([[push(null, 'x'), ctx('a', 1, 10)], [push(id('a', 1), 'y'), ctx('b', 1, 20, { a: 1 })]]);
    deleteListObserved(state, ctx('a', 2, 30, { a: 1 }));
    assert.deepEqual(text(state), ['y']);
    assert.equal(listTombstones(state), 1);
  });

  it('reads by index like Redis (negative indexes, LRANGE clamping)', () => {
    const state = replay([[push(null, 'a', 'b', 'c', 'd'), ctx('r', 1, 1)]]);
    assert.equal(listAt(state, -1)?.toString(), 'd');
    assert.equal(listAt(state, 4), undefined);
    assert.equal(listAt(state, -5), undefined);
    assert.deepEqual(listRange(state, -100, 100).map(String), ['a', 'b', 'c', 'd']);
    assert.deepEqual(listRange(state, 1, -2).map(String), ['b', 'c']);
    assert.deepEqual(listRange(state, 3, 1), []);
    assert.deepEqual([...listEntriesReverse(state, -2)].map((entry) => entry.value.toString()), ['c', 'b', 'a']);
    assert.equal(indexOfId(state, id('r', 1, 2)), 2);
    assert.deepEqual(anchorForIndex(state, 0), null);
    assert.deepEqual(anchorForIndex(state, 4), id('r', 1, 3));
  });

  it('collects stable tombstones without changing content, and keeps converging afterwards', () => {
    const state = replay([[push(null, 'a', 'b', 'c'), ctx('r', 1, 1)]]);
    applyListEffect(state, { type: 'list.remove', ids: [id('r', 1, 1), id('r', 1, 2)] }, ctx('r', 2, 2, { r: 1 }));
    assert.equal(gcList(state, new Map([['r', 1]])), 0, 'removal not yet stable');
    assert.equal(gcList(state, new Map([['r', 2]])), 2);
    assert.deepEqual(listElementOrder(state), [id('r', 1, 0)]);
    applyListEffect(state, push(id('r', 1, 0), 'z'), ctx('s', 1, 3, { r: 2 }));
    assert.deepEqual(text(state), ['a', 'z']);
    applyListEffect(state, { type: 'list.remove', ids: [id('r', 1, 0), id('s', 1)] }, ctx('s', 2, 4, { r: 2, s: 1 }));
    assert.ok(isListEmpty(state));
    assert.equal(listLength(state), 0);
  });

  it('keeps a removed element that still anchors a concurrent insert', () => {
    const state = replay([
      [push(null, 'a'), ctx('r', 1, 1)],
      [{ type: 'list.remove', ids: [id('r', 1)] }, ctx('r', 2, 2, { r: 1 })],
      [push(id('r', 1), 'child'), ctx('s', 1, 5, { r: 1 })],
    ]);
    assert.equal(gcList(state, new Map([['r', 2]])), 0, 'the child may be concurrent with a future op');
    assert.equal(gcList(state, new Map([['r', 2], ['s', 1]])), 1, 'every future op has seen the child');
    assert.deepEqual(text(state), ['child']);
  });

  it('does not collect a stable tombstone whose RGA child may be concurrent with a future op', () => {
    // t is removed (q:1) while i inserts e1 after it; j then inserts e2 after a having seen
    // the removal but not e1. RGA order: a's children by stamp desc are e2 (8), t (5), so
    // a e2 t e1. Collecting t (e1 hangs off it) would let the scan skip e1: a e1 e2.
    const history: Op[] = [
      [push(null, 'a'), ctx('r', 1, 1)],
      [push(id('r', 1), 't'), ctx('r', 2, 5, { r: 1 })],
      [{ type: 'list.remove', ids: [id('r', 2)] }, ctx('q', 1, 6, { r: 2 })],
      [push(id('r', 2), 'e1'), ctx('i', 1, 10, { r: 2 })],
    ];
    const late: Op = [push(id('r', 1), 'e2'), ctx('j', 1, 8, { r: 2, q: 1 })];
    const collected = replay(history);
    // e2 had not seen i:1, so the stable vector cannot cover it: t must stay.
    assert.equal(gcList(collected, new Map([['r', 2], ['q', 1]])), 0);
    applyListEffect(collected, ...late);
    assert.deepEqual(text(collected), ['a', 'e2', 'e1']);
    assert.deepEqual(text(replay([...history, late])), ['a', 'e2', 'e1']);
  });

  it('GC of a removed element with a concurrent child never moves a later insert (randomised)', () => {
    // The pattern above with random sizes, positions and clocks: r writes n values, q
    // removes one (t), i concurrently inserts after t, j (saw the removal, not i's
    // insert) inserts anywhere. A replica that collects what is stable before j's op
    // arrives must end exactly like one that never collects.
    const caseArb = fc.record({
      n: fc.integer({ min: 1, max: 6 }), t: fc.nat(5), at: fc.nat(6), m: fc.integer({ min: 1, max: 3 }),
      hq: fc.integer({ min: 2, max: 9 }), hi: fc.integer({ min: 2, max: 9 }), hj: fc.integer({ min: 0, max: 9 }),
    });
    fc.assert(fc.property(caseArb, ({ n, t, at, m, hq, hi, hj }) => {
      const values = Array.from({ length: n }, (_, k) => `v${k}`);
      const victim = id('r', 1, t % n);
      const base: Op = [push(null, ...values), ctx('r', 1, 1)];
      const removal: Op = [{ type: 'list.remove', ids: [victim] }, ctx('q', 1, hq, { r: 1 })];
      const child: Op = [push(victim, ...Array.from({ length: m }, (_, k) => `i${k}`)), ctx('i', 1, hi, { r: 1 })];
      const seenByJ = replay([base, removal]);
      const late: Op = [push(anchorForIndex(seenByJ, at % n), 'late'), ctx('j', 1, hq + 1 + hj, { r: 1, q: 1 })];
      const collected = replay([base, removal, child]);
      gcList(collected, new Map([['r', 1], ['q', 1]]));
      applyListEffect(collected, ...late);
      assert.deepEqual(text(collected), text(replay([base, removal, child, late])));
      assert.deepEqual(text(replay([base, child, removal, late])), text(collected));
    }), { numRuns: Number(process.env.RGA_RUNS ?? 1000) });
  });

  it('applies a duplicate insert once', () => {
    const op: Op = [push(null, 'x'), ctx('a', 1, 1)];
    assert.deepEqual(text(replay([op, op])), ['x']);
  });
});
