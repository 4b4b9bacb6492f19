import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { OpContext } from '../../src/crdt/stamp.js';
import { decodeZsetState, encodeZsetState } from '../../src/crdt/sorted-set-codec.js';
import {
  isZsetEmpty, zsetCount, zsetItems, zsetLexCount, zsetRangeByLex, zsetRangeByRank, zsetRangeByScore, zsetRank, zsetScore, zsetSize,
  type LexBound, type ScoreRange,
} from '../../src/crdt/sorted-set-range.js';
import type { ScoreTotals } from '../../src/crdt/sorted-set-score.js';
import {
  applyZsetEffect, createZset, deadMemberNames, deleteZsetObserved, forgetDeadMembers, isDeletedCounterZset, zsetAddEffect, zsetIncrEffect,
  zsetObservedPerMember, zsetRemoveEffect, type ZsetEffect, type ZsetState,
} from '../../src/crdt/sorted-set.js';
import { actionsArb, assertConverged, ctxFor, RUNS, runSchedule, type CrdtDriver } from './or-set-replicas.js';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const MEMBERS = ['a', 'b', 'c', '\x00', '\xff'];
const SCORES = [0, 1, -2.5, 10, 0.1, 3, Infinity, -Infinity];
const DELTAS = [1, 0.1, 0.2, -5, 2.5, 1e-17, Infinity];

type ZsetOp = ZsetEffect | { readonly type: 'zset.delete'; readonly observed: ReadonlyMap<string, ScoreTotals> };

function visible(state: ZsetState): [string, number][] {
  return zsetItems(state).map((i): [string, number] => [i.member.toString('latin1'), i.score]);
}

/**
 * `seq`: the op's seq. Two ops in three start counter epochs where ZINCRBY would (the
 * rest write as a replica with epochs off), so both kinds, and a replica moving from
 * one to the other, are covered.
 */
function generate(state: ZsetState, pick: readonly number[], origin: string, seq: number): ZsetOp | undefined {
  const member = b(MEMBERS[(pick[1] ?? 0) % MEMBERS.length] as string);
  const other = b(MEMBERS[(pick[2] ?? 0) % MEMBERS.length] as string);
  const members = (pick[4] ?? 0) % 2 === 0 || member.equals(other) ? [member] : [member, other];
  switch ((pick[0] ?? 0) % 7) {
    case 0: case 1:
      return zsetAddEffect(state, members.map((m, i): [Buffer, number] => [m, SCORES[((pick[3] ?? 0) + i) % SCORES.length] as number]));
    case 2: case 3: {
      const epochSeq = (pick[4] ?? 0) % 3 === 0 ? undefined : seq;
      const effect = zsetIncrEffect(state, member, DELTAS[(pick[3] ?? 0) % DELTAS.length] as number, origin, epochSeq);
      return Number.isNaN(effect.result) ? undefined : effect; // Redis: "resulting score is not a number (NaN)"
    }
    case 4: case 5:
      return zsetRemoveEffect(state, members);
    default:
      return { type: 'zset.delete', observed: zsetObservedPerMember(state) };
  }
}

const driver: CrdtDriver<ZsetState, ZsetOp> = {
  create: createZset,
  apply: (state, op) => (op.effect.type === 'zset.delete' ? deleteZsetObserved(state, op.ctx, op.effect.observed) : applyZsetEffect(state, op.effect, op.ctx)),
  generate,
  visible,
  encode: encodeZsetState,
  decode: decodeZsetState,
};

function run(state: ZsetState, ...steps: [ZsetEffect, OpContext][]): ZsetState {
  for (const [effect, ctx] of steps) applyZsetEffect(state, effect, ctx);
  return state;
}

const fork = (state: ZsetState): ZsetState => decodeZsetState(encodeZsetState(state));

/** Applies two concurrent effects in both orders and returns both results (they must agree). */
function bothOrders(base: ZsetState, x: [ZsetEffect, OpContext], y: [ZsetEffect, OpContext]): ZsetState {
  const one = run(fork(base), x, y);
  const two = run(fork(base), y, x);
  assert.deepEqual(visible(one), visible(two));
  assert.ok(encodeZsetState(one).equals(encodeZsetState(two)));
  return one;
}

describe('sorted set', () => {
  describe('concurrency rules (DESIGN.md §4)', () => {
    it('ZADD 10 ∥ ZINCRBY 5 (was 1) → 15, whichever stamp is later', () => {
      const base = run(createZset(), [zsetAddEffect(undefined, [[b('m'), 1]]), ctxFor('a', 1, 1)]);
      for (const hlc of [2, 9]) {
        const state = bothOrders(base, [zsetAddEffect(base, [[b('m'), 10]]), ctxFor('a', 2, 5, { a: 1 })],
          [zsetIncrEffect(base, b('m'), 5, 'b'), ctxFor('b', 1, hlc, { a: 1 })]);
        assert.equal(zsetScore(state, 'm'), 15);
      }
    });
    it('ZREM ∥ ZINCRBY 2 (was 4.1 = ZADD 4 + ZINCRBY 0.1) → 2', () => {
      let base = run(createZset(), [zsetAddEffect(undefined, [[b('m'), 4]]), ctxFor('a', 1, 1)]);
      base = run(base, [zsetIncrEffect(base, b('m'), 0.1, 'a'), ctxFor('a', 2, 2, { a: 1 })]);
      assert.equal(zsetScore(base, 'm'), 4.1);
      const state = bothOrders(base, [zsetRemoveEffect(base, [b('m')]), ctxFor('a', 3, 3, { a: 2 })],
        [zsetIncrEffect(base, b('m'), 2, 'b'), ctxFor('b', 1, 3, { a: 2 })]);
      assert.equal(zsetScore(state, 'm'), 2);
      assert.deepEqual(zsetRangeByRank(state, 0, -1, false).map((i) => i.score), [2]);
    });
    it('ZADD x ∥ ZREM x: the add wins with its score; DEL ∥ ZADD y keeps y', () => {
      const base = run(createZset(), [zsetAddEffect(undefined, [[b('x'), 1], [b('z'), 2]]), ctxFor('a', 1, 1)]);
      const state = bothOrders(base, [zsetAddEffect(base, [[b('x'), 7]]), ctxFor('b', 1, 2, { a: 1 })],
        [zsetRemoveEffect(base, [b('x')]), ctxFor('a', 2, 2, { a: 1 })]);
      assert.deepEqual(visible(state), [['x', 7], ['z', 2]].sort((p, q) => (p[1] as number) - (q[1] as number)));
      deleteZsetObserved(state, ctxFor('a', 3, 4, { a: 2 }), zsetObservedPerMember(state));
      assert.deepEqual(visible(state), [['x', 7]]);
    });
    it('concurrent ZADDs: LWW by (hlc, lower replica wins a tie); concurrent ZINCRBYs add up', () => {
      const tie = bothOrders(createZset(), [zsetAddEffect(undefined, [[b('m'), 1]]), ctxFor('b', 1, 5)],
        [zsetAddEffect(undefined, [[b('m'), 2]]), ctxFor('a', 1, 5)]);
      assert.equal(zsetScore(tie, 'm'), 2);
      const sum = bothOrders(tie, [zsetIncrEffect(tie, b('m'), 3, 'a'), ctxFor('a', 2, 6, { a: 1, b: 1 })],
        [zsetIncrEffect(tie, b('m'), 4, 'b'), ctxFor('b', 2, 6, { a: 1, b: 1 })]);
      assert.equal(zsetScore(sum, 'm'), 9);
    });
    it('sequential ZINCRBYs give Redis\'s exact doubles: (1 + 0.1) + 0.2', () => {
      let state = run(createZset(), [zsetAddEffect(undefined, [[b('m'), 1]]), ctxFor('a', 1, 1)]);
      state = run(state, [zsetIncrEffect(state, b('m'), 0.1, 'a'), ctxFor('a', 2, 2, { a: 1 })]);
      state = run(state, [zsetIncrEffect(state, b('m'), 0.2, 'b'), ctxFor('b', 1, 3, { a: 2 })]);
      assert.equal(zsetScore(state, 'm'), (1 + 0.1) + 0.2);
    });
    describe('counter epochs', () => {
      /** o: ZINCRBY m 1; p (having seen it): ZREM m. Both replicas then hold this state. */
      function removedCounter(): ZsetState {
        let state = run(createZset(), [zsetIncrEffect(undefined, b('m'), 1, 'o', 1), ctxFor('o', 1, 1)]);
        state = run(state, [zsetRemoveEffect(state, [b('m')]), ctxFor('p', 1, 2, { o: 1 })]);
        assert.equal(zsetScore(state, 'm'), undefined);
        return state;
      }
      it('ZREM then ZINCRBY on the remover and the counter\'s origin at once: both increments count, in either order', () => {
        const base = removedCounter();
        const restart = zsetIncrEffect(base, b('m'), 10, 'o', 2);
        assert.equal(restart.newEpoch, true, 'the ZREM covered all o had added: its count restarts');
        // p's own first increment of m starts an epoch too. Its exact result (5) was computed
        // on o's old epoch: a cache keyed by counts alone (o:1, p:1) would match o's new
        // epoch in one order and show 5 instead of 15.
        const state = bothOrders(base, [restart, ctxFor('o', 2, 3, { p: 1 })], [zsetIncrEffect(base, b('m'), 5, 'p', 2), ctxFor('p', 2, 3, { o: 1 })]);
        assert.equal(zsetScore(state, 'm'), 15);
      });
      it('a ZREM that observed an old epoch, concurrent with the increment that starts a new one, leaves the same state in either order', () => {
        const base = removedCounter();
        // q removed m having seen only o's first increment: concurrent with o's restart.
        const seenByQ = run(createZset(), [zsetIncrEffect(undefined, b('m'), 1, 'o', 1), ctxFor('o', 1, 1)]);
        const stale = zsetRemoveEffect(seenByQ, [b('m')]);
        const state = bothOrders(base, [zsetIncrEffect(base, b('m'), 10, 'o', 2), ctxFor('o', 2, 3, { p: 1 })], [stale, ctxFor('q', 1, 4, { o: 1 })]);
        assert.equal(zsetScore(state, 'm'), 10);
        assert.equal(state.entries.get('m')?.counters?.floor.size, 0, 'an observation of the old epoch covers nothing: not kept');
      });
      it('a removed member is dead (forgettable once stable) only when its counts carry epochs', () => {
        assert.deepEqual(deadMemberNames(removedCounter()), ['m']);
        assert.equal(isDeletedCounterZset(removedCounter()), true);
        let old = run(createZset(), [zsetIncrEffect(undefined, b('m'), 1, 'o'), ctxFor('o', 1, 1)]);
        old = run(old, [zsetRemoveEffect(old, [b('m')]), ctxFor('p', 1, 2, { o: 1 })]);
        assert.deepEqual(deadMemberNames(old), [], 'epoch-0 counts: a replica without epochs would go on counting them');
        const state = removedCounter();
        assert.equal(forgetDeadMembers(state, ['m']), 1);
        assert.equal(state.entries.size, 0);
      });
      it('snapshots keep epochs (and a state without them encodes as before)', () => {
        const state = removedCounter();
        assert.deepEqual(encodeZsetState(fork(state)), encodeZsetState(state));
        const total = fork(state).entries.get('m')?.counters?.totals.get('o');
        assert.deepEqual(total, { epoch: 1, count: 1, sum: 1 });
        const plain = run(createZset(), [zsetIncrEffect(undefined, b('m'), 1, 'o'), ctxFor('o', 1, 1)]);
        assert.equal(encodeZsetState(plain)[1], 3, 'kind 3: the layout without epochs');
        assert.equal(encodeZsetState(state)[1], 4, 'kind 4: totals carry epochs');
      });
    });
    it('refuses NaN scores (the command layer must reject them first)', () => {
      assert.throws(() => run(createZset(), [zsetAddEffect(undefined, [[b('m'), NaN]]), ctxFor('a', 1, 1)]), /NaN/);
    });
  });

  describe('range reads', () => {
    const state = run(createZset(), [zsetAddEffect(undefined, [['a', 1], ['b', 2], ['c', 2], ['d', 3], ['e', Infinity]].map(([m, s]) => [b(m as string), s as number])), ctxFor('a', 1, 1)]);
    const names = (items: { member: Buffer }[]): string => items.map((i) => i.member.toString()).join('');
    it('ranks and rank ranges with negative indexes and REV', () => {
      assert.equal(zsetRank(state, 'c', false), 2);
      assert.equal(zsetRank(state, 'c', true), 2);
      assert.equal(zsetRank(state, 'zz', false), undefined);
      assert.equal(names(zsetRangeByRank(state, 1, -2, false)), 'bcd');
      assert.equal(names(zsetRangeByRank(state, 0, 1, true)), 'ed');
      assert.equal(names(zsetRangeByRank(state, -100, 100, false)), 'abcde');
      assert.equal(names(zsetRangeByRank(state, 3, 1, false)), '');
    });
    it('score ranges: inclusive, exclusive, ±inf, LIMIT, REV', () => {
      const r = (min: number, max: number, minExclusive = false, maxExclusive = false): ScoreRange => ({ min, max, minExclusive, maxExclusive });
      assert.equal(names(zsetRangeByScore(state, r(2, 3), false)), 'bcd');
      assert.equal(names(zsetRangeByScore(state, r(2, 3, true), false)), 'd');
      assert.equal(names(zsetRangeByScore(state, r(-Infinity, Infinity, false, true), false)), 'abcd');
      assert.equal(names(zsetRangeByScore(state, r(1, Infinity), true, { offset: 1, count: 2 })), 'dc');
      assert.equal(names(zsetRangeByScore(state, r(1, Infinity), false, { offset: 1, count: 2 })), 'bc');
      assert.equal(zsetCount(state, r(2, 2)), 2);
      assert.equal(zsetCount(state, r(3, 1)), 0);
    });
    it('lex ranges on equal scores', () => {
      const lex = run(createZset(), [zsetAddEffect(undefined, ['a', 'b', 'c', 'd'].map((m): [Buffer, number] => [b(m), 0])), ctxFor('a', 1, 1)]);
      const bound = (value: string, exclusive = false): LexBound => ({ value: b(value), exclusive });
      assert.equal(names(zsetRangeByLex(lex, { min: '-', max: bound('c', true) }, false)), 'ab');
      assert.equal(names(zsetRangeByLex(lex, { min: bound('b'), max: '+' }, true, { offset: 0, count: 2 })), 'dc');
      assert.equal(zsetLexCount(lex, { min: bound('a', true), max: bound('c') }), 2);
      assert.equal(zsetLexCount(lex, { min: '+', max: '-' }), 0);
    });
  });

  it('lex ranges and counts equal a filter of the sorted members (equal scores, random bounds)', () => {
    const bound = fc.oneof(fc.constant('-' as const), fc.constant('+' as const),
      fc.record({ value: fc.string({ unit: 'binary-ascii', maxLength: 3 }).map((v) => b(v)), exclusive: fc.boolean() }));
    fc.assert(fc.property(fc.uniqueArray(fc.string({ unit: 'binary-ascii', maxLength: 3 })), bound, bound, fc.boolean(), (names, min, max, reverse) => {
      const state = run(createZset(), [zsetAddEffect(undefined, names.map((n): [Buffer, number] => [b(n), 0])), ctxFor('a', 1, 1)]);
      const above = (n: string, bd: LexBound): boolean => bd === '-' || (bd !== '+' && (bd.exclusive ? n > bd.value.toString('latin1') : n >= bd.value.toString('latin1')));
      const below = (n: string, bd: LexBound): boolean => bd === '+' || (bd !== '-' && (bd.exclusive ? n < bd.value.toString('latin1') : n <= bd.value.toString('latin1')));
      const expected = [...names].sort().filter((n) => above(n, min) && below(n, max));
      const got = zsetRangeByLex(state, { min, max }, reverse).map((i) => i.member.toString('latin1'));
      assert.deepEqual(got, reverse ? expected.reverse() : expected);
      assert.equal(zsetLexCount(state, { min, max }), got.length);
    }), { numRuns: 300 });
  });

  it(`converges on 3–5 replicas under any causal delivery order with duplicates (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }).chain((n) => fc.tuple(fc.constant(n), actionsArb(n))), ([n, actions]) => {
      assertConverged(driver, runSchedule(driver, n, actions));
    }), { numRuns: RUNS });
  });

  it(`equals a sorted array of (score, member) under sequential ops, reads included (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 30 }), (picks) => {
      const state = createZset();
      const model = new Map<string, number>();
      const vv = new Map<string, number>();
      picks.forEach((pick, i) => {
        const origin = `r${(pick[5] ?? 0) % 3}`;
        const seq = (vv.get(origin) ?? 0) + 1;
        const op = generate(state, pick, origin, seq);
        if (op === undefined) return;
        const ctx = { origin, seq, hlc: i + 1, deps: new Map(vv) };
        vv.set(origin, ctx.seq);
        applyModel(model, op);
        driver.apply(state, { ctx, effect: op });
        checkAgainstModel(state, model, pick);
      });
    }), { numRuns: RUNS });
  });
});

/** Redis's sequential semantics (double arithmetic as in t_zset.c). */
function applyModel(model: Map<string, number>, op: ZsetOp): void {
  switch (op.type) {
    case 'zset.add': for (const [m, s] of op.entries) model.set(m.toString('latin1'), s); break;
    case 'zset.incr': {
      const name = op.member.toString('latin1');
      model.set(name, (model.get(name) ?? 0) + op.delta);
      break;
    }
    case 'zset.remove': for (const m of op.members) model.delete(m.toString('latin1')); break;
    case 'zset.delete': model.clear(); break;
  }
}

function checkAgainstModel(state: ZsetState, model: Map<string, number>, pick: readonly number[]): void {
  const sorted = [...model].sort((x, y) => (x[1] !== y[1] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  assert.deepEqual(visible(state), sorted);
  assert.equal(zsetSize(state), model.size);
  assert.equal(isZsetEmpty(state), model.size === 0);
  sorted.forEach(([member], rank) => assert.equal(zsetRank(state, member, false), rank));
  const [lo, hi] = [SCORES[(pick[1] ?? 0) % SCORES.length] as number, SCORES[(pick[2] ?? 0) % SCORES.length] as number];
  const minExclusive = (pick[3] ?? 0) % 2 === 1;
  const maxExclusive = (pick[4] ?? 0) % 2 === 1;
  const expected = sorted.filter(([, s]) => (minExclusive ? s > lo : s >= lo) && (maxExclusive ? s < hi : s <= hi)).map(([m]) => m);
  const range = { min: lo, max: hi, minExclusive, maxExclusive };
  assert.deepEqual(zsetRangeByScore(state, range, false).map((i) => i.member.toString('latin1')), expected);
  assert.deepEqual(zsetRangeByScore(state, range, true).map((i) => i.member.toString('latin1')), [...expected].reverse());
  assert.equal(zsetCount(state, range), expected.length);
}
