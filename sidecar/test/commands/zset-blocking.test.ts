import assert from 'node:assert/strict';
import { registryOf } from '../../src/commands/blocking.js';
import { zsetAddEffect } from '../../src/crdt/sorted-set.js';
import type { Operation } from '../../src/store/effects.js';
import { assertSameTranscripts, blockOn, text, useBlockingTargets, waitUntil, type Scenario } from '../support/blocking-targets.js';
import { RawClient } from '../support/raw-client.js';

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP over real TCP: each scenario runs against redis-server
 * 7.0 and the sidecar, and their transcripts (reply bytes in the order the test awaited
 * them) must be equal. Then a sidecar-only case: a ZADD arriving by replication wakes
 * BZPOPMIN. Waits poll for a condition with a generous deadline, never a fixed sleep.
 */

const SCENARIOS: Record<string, Scenario> = {
  'BZPOPMIN is woken by another client\'s ZADD': async (target, log) => {
    const [waiter, writer] = [await target.connect(), await target.connect()];
    const { reply } = await blockOn(target, waiter, ['bzpopmin', 'none', 'z', '0'], 1);
    log(await writer.call(['zadd', 'z', '2', 'b', '1', 'a']));
    log(await reply);
    log(await writer.call(['zrange', 'z', '0', '-1', 'withscores']));
    waiter.close();
    writer.close();
  },
  'BZPOPMAX and BZMPOP waiters are served in the order they blocked': async (target, log) => {
    const [first, second, writer] = [await target.connect(), await target.connect(), await target.connect()];
    const a = await blockOn(target, first, ['bzpopmax', 'z', '0'], 1);
    const b = await blockOn(target, second, ['bzmpop', '0', '2', 'other', 'z', 'min', 'count', '5'], 2);
    log(await writer.call(['zadd', 'z', '1', 'a', '2', 'b', '3', 'c']));
    log(await a.reply);
    log(await b.reply);
    log(await writer.call(['exists', 'z']));
    for (const client of [first, second, writer]) client.close();
  },
  'a string written to the key does not wake the waiter; a timeout answers a null array': async (target, log) => {
    const [waiter, writer] = [await target.connect(), await target.connect()];
    const { reply } = await blockOn(target, waiter, ['bzpopmin', 'k', '0.3'], 1);
    log(await writer.call(['set', 'k', 'v']));
    log(await reply);
    log(await writer.call(['get', 'k']));
    waiter.close();
    writer.close();
  },
  'a woken client then runs its pipelined commands': async (target, log) => {
    const [waiter, writer] = [await target.connect(), await target.connect()];
    const replies = waiter.pipeline([['bzpopmin', 'z', '0'], ['zcard', 'z'], ['ping']]);
    await waitUntil('one blocked client', async () => (await target.blocked()) === 1);
    log(await writer.call(['zadd', 'z', '5', 'x', '6', 'y']));
    for (const reply of await replies) log(reply);
    waiter.close();
    writer.close();
  },
};

describe('blocking sorted-set commands: sidecar against a real redis-server', function () {
  this.timeout(120000);
  const targets = useBlockingTargets();
  const { servers } = targets;

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, () => assertSameTranscripts(targets, scenario));
  }

  it('a ZADD arriving by replication wakes BZPOPMIN, and the pop is an ordinary local operation', async () => {
    const client = await RawClient.connect(servers.sidecar.resp.port);
    await client.call(['flushall']);
    await waitUntil('no blocked clients', () => Promise.resolve(registryOf(servers.sidecar.server).size === 0));
    const { reply } = await blockOn(targets.sidecar, client, ['bzpopmin', 'replicated', '0'], 1);
    const engine = servers.sidecar.engine;
    const originated = engine.opsOriginated;
    const op: Operation = {
      ctx: { origin: 'peer-b', seq: (engine.vv.get('peer-b') ?? 0) + 1, hlc: engine.lastHlc + 1, deps: new Map(engine.vv) },
      effects: [{ key: 'replicated', effect: zsetAddEffect(undefined, [[Buffer.from('m'), 1.5]]) }],
      atomicGroup: 0,
    };
    assert.equal(engine.applyRemote(op), 'applied');
    assert.equal(text(await reply), '*3\r\n$10\r\nreplicated\r\n$1\r\nm\r\n$3\r\n1.5\r\n');
    assert.equal(engine.opsOriginated, originated + 1);
    assert.equal(text(await client.call(['exists', 'replicated'])), ':0\r\n');
    client.close();
  });
});
