import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/util/duration.js';
import { parseQuantity } from '../../src/util/quantity.js';

describe('util/duration and quantity', () => {
  it('parses Go durations', () => {
    assert.deepEqual(parseDuration('1h30m'), { ok: true, value: 5_400_000 });
    assert.deepEqual(parseDuration('2160h'), { ok: true, value: 2160 * 3_600_000 });
    assert.deepEqual(parseDuration('1.5s'), { ok: true, value: 1500 });
    assert.deepEqual(parseDuration('250ms'), { ok: true, value: 250 });
    for (const bad of ['', '7d', '-1h', '1h ', 'h']) assert.equal(parseDuration(bad).ok, false, bad);
  });

  it('formats what it parses (round trip)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 11 }), (ms) => {
      const back = parseDuration(formatDuration(ms));
      return back.ok && back.value === ms;
    }));
  });

  it('parses storage quantities to bytes', () => {
    assert.deepEqual(parseQuantity('1Gi'), { ok: true, value: 2 ** 30 });
    assert.deepEqual(parseQuantity('500M'), { ok: true, value: 5e8 });
    assert.deepEqual(parseQuantity('1.5Ki'), { ok: true, value: 1536 });
    for (const bad of ['1GB', 'Gi', '-1Gi', '1 Gi']) assert.equal(parseQuantity(bad).ok, false, bad);
  });
});
