import assert from 'node:assert/strict';
import { listLength, listValues } from '../../src/crdt/rga.js';
import { loadTrace, replayIntoArray, replayIntoRga, TRACE_DIR } from '../../../bench/editing-trace-replay.js';

/**
 * A real editing history (automerge-paper, see its README) replayed into the RGA by
 * visible index, against the same patches on a plain array. A prefix keeps the unit
 * suite fast; bench/editing-trace.ts replays all 259,778 patches against endContent.
 */
describe('RGA list: real editing trace', function () {
  this.timeout(60_000);

  it('replays the first 20,000 patches of automerge-paper exactly like a plain array', () => {
    const { patches } = loadTrace(`${TRACE_DIR}/automerge-paper.json.gz`);
    const prefix = patches.slice(0, 20_000);
    const state = replayIntoRga(prefix);
    const expected = replayIntoArray(prefix);
    assert.equal(listLength(state), Array.from(expected).length);
    assert.equal(Buffer.concat(listValues(state)).toString('utf8'), expected);
  });
});
