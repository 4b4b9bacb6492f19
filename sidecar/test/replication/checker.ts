import assert from 'node:assert/strict';
import { eventually } from './cluster.js';
import type { Ledger } from './ledger.js';
import { dumpState, firstDifference, type StateDump } from './state-dump.js';
import type { Target } from './typed-workload.js';

/**
 * The convergence checker's verdict after healing: waits until every replica's full dump
 * (every key, type, value and expiry, read over RESP) and `CRDT.DIGEST` are the same, then
 * asserts the ledger (acknowledged increments counted once, acknowledged adds present, no
 * resurrection) on that state. `context` (the seed) goes into every failure message.
 */
export async function assertConvergedState(targets: readonly Target[], ledger: Ledger, context: string, timeoutMs = 60000): Promise<StateDump> {
  let dumps: StateDump[] = [];
  let digests: string[] = [];
  try {
    await eventually(`identical state on every replica (${context})`, async () => {
      digests = await Promise.all(targets.map(async (t) => String(await t.client.call('crdt.digest'))));
      dumps = await Promise.all(targets.map((t) => dumpState(t.client)));
      return new Set(digests).size === 1 && dumps.every((d) => firstDifference(d, dumps[0]!) === undefined);
    }, timeoutMs);
  } catch (error) {
    const differences = dumps.map((d, i) => `${targets[i]!.id}: ${firstDifference(d, dumps[0]!) ?? 'same as the first'}`);
    throw new Error(`${(error as Error).message}\ndigests ${digests.join(' ')}\n${differences.join('\n')}`);
  }
  assert.deepEqual(ledger.unexpected, [], `error replies to writes that cannot fail (${context})`);
  const violations = ledger.violations(dumps[0]!, Date.now());
  assert.deepEqual(violations, [], `ledger violated (${context})`);
  const types = new Set([...dumps[0]!.values()].map((entry) => entry.type));
  assert.deepEqual([...types].sort(), ['hash', 'list', 'set', 'string', 'zset'], `the converged state holds every type (${context})`);
  return dumps[0]!;
}
