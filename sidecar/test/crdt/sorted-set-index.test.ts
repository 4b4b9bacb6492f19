import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compareRanked, createOrderTree, treeAt, treeCountBefore, treeEntries, treeInsert, treeRank, treeRemove, treeSize, treeSlice,
  type Ranked,
} from '../../src/crdt/sorted-set-index.js';

describe('sorted-set index (counted B+tree)', () => {
  it('matches a sorted array under random inserts and removes (rank, at, slice, bounds)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 20 })), { maxLength: 600 }), (ops) => {
      const tree = createOrderTree<Ranked>();
      const live = new Map<string, Ranked>();
      for (const [add, id, score] of ops) {
        const member = `m${id}`;
        const existing = live.get(member);
        if (add && existing === undefined) {
          const entry = { member, score };
          live.set(member, entry);
          treeInsert(tree, entry);
        } else if (!add && existing !== undefined) {
          assert.ok(treeRemove(tree, existing));
          live.delete(member);
        }
      }
      const model = [...live.values()].sort(compareRanked);
      assert.deepEqual(treeEntries(tree), model);
      assert.equal(treeSize(tree), model.length);
      model.forEach((entry, rank) => {
        assert.equal(treeRank(tree, entry), rank);
        assert.equal(treeAt(tree, rank), entry);
      });
      for (const s of [-1, 0, 5, 10, 20, 21]) {
        assert.equal(treeCountBefore(tree, (score) => score >= s), model.filter((e) => e.score < s).length);
      }
      assert.deepEqual(treeSlice(tree, 3, 50), model.slice(3, 53));
      assert.equal(treeRemove(tree, { member: 'absent', score: 1 }), false);
    }), { numRuns: 200 });
  });

  it('keeps 30,000 entries consistent through mass removal (merges)', () => {
    const tree = createOrderTree<Ranked>();
    const entries = Array.from({ length: 30_000 }, (_, i) => ({ member: `m${i}`, score: (i * 7919) % 1000 }));
    for (const entry of entries) treeInsert(tree, entry);
    for (let i = 0; i < entries.length; i += 1) if (i % 10 !== 0) treeRemove(tree, entries[i] as Ranked);
    const model = entries.filter((_, i) => i % 10 === 0).sort(compareRanked);
    assert.deepEqual(treeEntries(tree), model);
    assert.equal(treeRank(tree, model[1000] as Ranked), 1000);
  });
});
