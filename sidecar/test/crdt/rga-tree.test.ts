import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  anchorForIndex, applyListEffect, collectList, createList, decodeListState, encodeListState, gcList, idAt, indexOfId,
  listAt, listEntriesReverse, listFind, listFirstMatch, listLength, listRange, listValues, SMALL_LIST, worthCollecting, type ListState,
} from '../../src/crdt/rga.js';
import type { OpContext } from '../../src/crdt/stamp.js';

/**
 * The order-statistic tree under lists large enough to split leaves and branches many
 * levels deep: every index read must agree with a plain array after thousands of
 * inserts and removes at random visible positions, bulk inserts, GC and a snapshot.
 */

const RUNS = Math.max(20, Math.floor(Number(process.env.RGA_RUNS ?? 1000) / 50));

function sequence(): { state: ListState; next: () => OpContext } {
  const state = createList();
  let seq = 0;
  return {
    state,
    next: () => {
      seq++;
      return { origin: 'solo', seq, hlc: seq, deps: new Map([['solo', seq - 1]]) };
    },
  };
}

function checkAgainst(state: ListState, model: readonly string[], probes: readonly number[]): void {
  assert.equal(listLength(state), model.length);
  for (const probe of probes) {
    if (model.length === 0) break;
    const at = probe % model.length;
    assert.equal(listAt(state, at)?.toString(), model[at]);
    assert.equal(listAt(state, at - model.length)?.toString(), model[at]);
    assert.equal(indexOfId(state, idAt(state, at) ?? { replica: '', seq: 0, idx: 0 }), at);
  }
}

const editArb = fc.record({ insert: fc.integer({ min: 0, max: 9 }), at: fc.nat(), n: fc.integer({ min: 1, max: 20 }) });

describe('RGA list: order-statistic tree at scale', function () {
  this.timeout(120_000);

  it('matches an array through thousands of random inserts and removes, GC and a snapshot', () => {
    fc.assert(fc.property(fc.array(editArb, { minLength: 300, maxLength: 800 }), fc.array(fc.nat(), { maxLength: 20 }), (edits, probes) => {
      const { state, next } = sequence();
      const model: string[] = [];
      for (const [i, edit] of edits.entries()) {
        if (edit.insert > 2 || model.length === 0) {
          const at = edit.at % (model.length + 1);
          const values = Array.from({ length: edit.n }, (_, k) => `${i}.${k}`);
          applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, at), values: values.map((v) => Buffer.from(v)) }, next());
          model.splice(at, 0, ...values);
        } else {
          const at = edit.at % model.length;
          const count = Math.min(edit.n, model.length - at);
          const ids = Array.from({ length: count }, (_, k) => idAt(state, at + k)).filter((id) => id !== undefined);
          applyListEffect(state, { type: 'list.remove', ids }, next());
          model.splice(at, count);
        }
      }
      checkAgainst(state, model, probes);
      assert.deepEqual(listValues(state).map(String), model);
      assert.deepEqual([...listEntriesReverse(state)].map((entry) => entry.value.toString()), [...model].reverse());
      assert.deepEqual(listRange(state, 7, 27).map(String), model.slice(7, 28));
      const decoded = decodeListState(encodeListState(state));
      checkAgainst(decoded, model, probes);
      collectList(state, new Map([['solo', edits.length]]));
      assert.equal(state.tombstones, 0, 'a single writer leaves no tombstone that anchors anything concurrent');
      checkAgainst(state, model, probes);
      assert.deepEqual(listValues(state).map(String), model);
    }), { numRuns: RUNS });
  });

  it('handles LPUSH/RPUSH/LPOP queues of 100,000 elements', () => {
    const { state, next } = sequence();
    for (let i = 0; i < 100_000; i++) {
      const anchor = i % 2 === 0 ? anchorForIndex(state, listLength(state)) : null;
      applyListEffect(state, { type: 'list.insert', anchor, values: [Buffer.from(String(i))] }, next());
    }
    assert.equal(listAt(state, 0)?.toString(), '99999');
    assert.equal(listAt(state, -1)?.toString(), '99998');
    for (let i = 0; i < 50_000; i++) {
      applyListEffect(state, { type: 'list.remove', ids: [idAt(state, 0) ?? { replica: '', seq: 0, idx: 0 }] }, next());
    }
    assert.equal(listLength(state), 50_000);
    assert.equal(listAt(state, 0)?.toString(), '0');
    assert.equal(gcList(state, new Map([['solo', 150_000]])), 50_000);
    assert.equal(listAt(state, 0)?.toString(), '0');
  });

  it('walks a big list only once its tombstones are half of what it stores (a small one whenever it has one)', () => {
    const { state, next } = sequence();
    const stable = (): Map<string, number> => new Map([['solo', 1_000_000]]);
    for (let i = 0; i < 10_000; i++) applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, listLength(state)), values: [Buffer.from(String(i))] }, next());
    const popHead = (count: number): void => {
      for (let i = 0; i < count; i++) applyListEffect(state, { type: 'list.remove', ids: [idAt(state, 0) ?? { replica: '', seq: 0, idx: 0 }] }, next());
    };
    popHead(4_999);
    assert.equal(worthCollecting(state), false);
    assert.equal(gcList(state, stable()), 0, '4,999 tombstones of 10,000 stored: not yet');
    popHead(1);
    assert.equal(worthCollecting(state), true);
    assert.equal(gcList(state, stable()), 5_000);
    assert.equal(listAt(state, 0)?.toString(), '5000');
    // 5,000 stored now: above SMALL_LIST, so one tombstone waits; at 4,096 or fewer it would not.
    popHead(1);
    assert.equal(gcList(state, stable()), 0);
    assert.equal(collectList(state, stable()), 1, 'the rule itself collects what is stable, whatever the cost');
    popHead(4_999 - SMALL_LIST);
    collectList(state, stable());
    assert.equal(state.tree.size, SMALL_LIST);
    popHead(1);
    assert.equal(gcList(state, stable()), 1, 'a list of at most SMALL_LIST elements is collected for one tombstone');
  });
});

describe('RGA list: search by value', () => {
  it('finds every match from any start, forwards and backwards, like a scan of the array', () => {
    const listArb = fc.array(fc.constantFrom('a', 'b', 'c', 'x'.repeat(5000)), { maxLength: 300 });
    const probeArb = fc.constantFrom('a', 'b', 'x'.repeat(5000));
    fc.assert(fc.property(listArb, fc.integer({ min: -320, max: 320 }), fc.boolean(), probeArb, fc.nat(400), (values, from, reverse, probe, maxScan) => {
      const { state, next } = sequence();
      // One op per value, alternating head and tail inserts, so leaves and chains mix.
      const model: string[] = [];
      for (const value of values) {
        const atHead = model.length % 3 === 0;
        applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, atHead ? 0 : model.length), values: [Buffer.from(value)] }, next());
        if (atHead) model.unshift(value); else model.push(value);
      }
      const start = from < 0 ? from + model.length : from;
      const expected: number[] = [];
      if (start >= 0 && start < model.length) {
        for (let i = start; i >= 0 && i < model.length && Math.abs(i - start) < maxScan; i += reverse ? -1 : 1) {
          if (model[i] === probe) expected.push(i);
        }
      }
      const found = [...listFind(state, Buffer.from(probe), from, reverse, maxScan)];
      assert.deepEqual(found.map((match) => match.index), expected);
      for (const match of found) assert.equal(indexOfId(state, match.id), match.index);
      assert.equal(listFirstMatch(state, Buffer.from(probe))?.index, model.indexOf(probe) < 0 ? undefined : model.indexOf(probe));
    }), { numRuns: RUNS * 5 });
  });
});
