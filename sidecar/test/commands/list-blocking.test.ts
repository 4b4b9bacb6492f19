import assert from 'node:assert/strict';
import { registryOf } from '../../src/commands/blocking.js';
import type { Operation } from '../../src/store/effects.js';
import { assertSameTranscripts, blockOn, text, useBlockingTargets, waitUntil, type Scenario } from '../support/blocking-targets.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';

/**
 * Blocking list commands over real TCP: each scenario runs against redis-server 7.0 and
 * the sidecar and their transcripts (reply bytes, in the order the test awaited them)
 * must be equal. Then sidecar-only cases: a push arriving by replication wakes BLPOP,
 * and a woken command is an ordinary operation.
 */

const SCENARIOS: Record<string, Scenario> = {
  'BLPOP is woken by another client\'s push': async (target, log) => {
    const [waiter, pusher] = [await target.connect(), await target.connect()];
    const reply = (await blockOn(target, waiter, ['blpop', 'none', 'l', '0'], 1)).reply;
    log(await pusher.call(['rpush', 'l', 'a', 'b']));
    log(await reply);
    log(await pusher.call(['lrange', 'l', '0', '-1']));
    waiter.close();
    pusher.close();
  },
  'several waiters are served in the order they blocked': async (target, log) => {
    const clients = [await target.connect(), await target.connect(), await target.connect()];
    const pusher = await target.connect();
    const replies: Promise<Buffer>[] = [];
    replies.push((await blockOn(target, clients[0] as RawClient, ['blpop', 'q', '0'], 1)).reply);
    replies.push((await blockOn(target, clients[1] as RawClient, ['brpop', 'q', 'other', '0'], 2)).reply);
    replies.push((await blockOn(target, clients[2] as RawClient, ['blmpop', '0', '2', 'other', 'q', 'right', 'count', '5'], 3)).reply);
    log(await pusher.call(['rpush', 'q', 'x', 'y']));
    log(await (replies[0] as Promise<Buffer>));
    log(await (replies[1] as Promise<Buffer>));
    assert.equal(await target.blocked(), 1);
    log(await pusher.call(['rpush', 'other', '1', '2', '3']));
    log(await (replies[2] as Promise<Buffer>));
    log(await pusher.call(['exists', 'q', 'other']));
    for (const client of [...clients, pusher]) client.close();
  },
  'BLMOVE and BRPOPLPUSH move the pushed element': async (target, log) => {
    const [a, b, pusher] = [await target.connect(), await target.connect(), await target.connect()];
    const moved = (await blockOn(target, a, ['blmove', 'src', 'dst', 'right', 'left', '0'], 1)).reply;
    const chained = (await blockOn(target, b, ['brpoplpush', 'dst', 'final', '0'], 2)).reply;
    log(await pusher.call(['lpush', 'src', 'v']));
    log(await moved);
    log(await chained);
    log(await pusher.call(['lrange', 'final', '0', '-1']));
    log(await pusher.call(['exists', 'src', 'dst']));
    for (const client of [a, b, pusher]) client.close();
  },
  'BLMOVE to a destination of another type answers WRONGTYPE when woken': async (target, log) => {
    const [a, pusher] = [await target.connect(), await target.connect()];
    log(await pusher.call(['set', 'dst', 'string']));
    const moved = (await blockOn(target, a, ['blmove', 'src', 'dst', 'left', 'left', '0'], 1)).reply;
    log(await pusher.call(['rpush', 'src', 'v']));
    log(await moved);
    log(await pusher.call(['lrange', 'src', '0', '-1']));
    a.close();
    pusher.close();
  },
  'a key set to another type does not wake the waiter; a later push does': async (target, log) => {
    const [a, other] = [await target.connect(), await target.connect()];
    const reply = (await blockOn(target, a, ['blpop', 'k', '0'], 1)).reply;
    log(await other.call(['set', 'k', 'v']));
    log(await other.call(['del', 'k']));
    assert.equal(await target.blocked(), 1);
    log(await other.call(['rpush', 'k', 'x']));
    log(await reply);
    a.close();
    other.close();
  },
  'a timeout answers a null array and pipelined commands then run': async (target, log) => {
    const a = await target.connect();
    const started = Date.now();
    const replies = await a.pipeline([['blpop', 'none', '0.2'], ['brpoplpush', 'none', 'x', '0.05'], ['ping']]);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 200, `timeouts took ${elapsed} ms`);
    for (const reply of replies) log(reply);
    a.close();
  },
  'a client that disconnects while blocked consumes nothing': async (target, log) => {
    const [a, pusher] = [await target.connect(), await target.connect()];
    void (await blockOn(target, a, ['blpop', 'l', '0'], 1)).reply.catch(() => undefined);
    a.close();
    await waitUntil('the blocked client to go', async () => (await target.blocked()) === 0);
    log(await pusher.call(['rpush', 'l', 'x']));
    log(await pusher.call(['llen', 'l']));
    pusher.close();
  },
  'a waiter is served right after the push, before the pusher\'s next pipelined command': async (target, log) => {
    const [a, pusher] = [await target.connect(), await target.connect()];
    const reply = (await blockOn(target, a, ['blpop', 'l', '0'], 1)).reply;
    for (const r of await pusher.pipeline([['rpush', 'l', 'x'], ['llen', 'l'], ['rpush', 'l', 'y'], ['lrange', 'l', '0', '-1']])) log(r);
    log(await reply);
    for (const r of await pusher.pipeline([['multi'], ['rpush', 'm', '1'], ['exec']])) log(r);
    a.close();
    pusher.close();
  },
  'a woken client then runs its pipelined commands': async (target, log) => {
    const [a, pusher] = [await target.connect(), await target.connect()];
    const replies = a.pipeline([['blpop', 'l', '0'], ['llen', 'l'], ['ping']]);
    await waitUntil('one blocked client', async () => (await target.blocked()) === 1);
    log(await pusher.call(['rpush', 'l', 'a', 'b']));
    for (const reply of await replies) log(reply);
    a.close();
    pusher.close();
  },
};

describe('blocking list commands: sidecar against a real redis-server', function () {
  this.timeout(120000);
  const targets = useBlockingTargets();
  const { servers } = targets;

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, () => assertSameTranscripts(targets, scenario));
  }

  it('a push arriving by replication wakes BLPOP, and the pop is an ordinary local operation', async () => {
    const client = await RawClient.connect(servers.sidecar.resp.port);
    await client.call(['flushall']);
    const reply = (await blockOn(targets.sidecar, client, ['blpop', 'replicated', '0'], 1)).reply;
    const engine = servers.sidecar.engine;
    const originated = engine.opsOriginated;
    const op: Operation = {
      ctx: { origin: 'peer-b', seq: (engine.vv.get('peer-b') ?? 0) + 1, hlc: engine.lastHlc + 1, deps: new Map(engine.vv) },
      effects: [{ key: 'replicated', effect: { type: 'list.insert', anchor: null, values: [Buffer.from('from-b')] } }],
      atomicGroup: 0,
    };
    assert.equal(engine.applyRemote(op), 'applied');
    assert.equal(text(await reply), '*2\r\n$10\r\nreplicated\r\n$6\r\nfrom-b\r\n');
    assert.equal(engine.opsOriginated, originated + 1);
    assert.equal(text(await client.call(['exists', 'replicated'])), ':0\r\n');
    client.close();
  });

  it('under appendfsync always, a woken client\'s reply waits for the group commit of its pop', async () => {
    const durable = await startSidecar(['--appendfsync', 'always']);
    try {
      // Slow disk, injected: every commit completes 300 ms late.
      const log = durable.log;
      const commit = log.commit.bind(log);
      let commits = 0;
      log.commit = (done) => commit((error) => setTimeout(() => { commits += 1; done(error); }, 300));
      const [waiter, pusher] = [await RawClient.connect(durable.resp.port), await RawClient.connect(durable.resp.port)];
      const reply = waiter.call(['blpop', 'l', '0']);
      await waitUntil('the waiter to block', () => Promise.resolve(registryOf(durable.server).size === 1));
      const before = commits;
      const pushed = pusher.call(['rpush', 'l', 'x']);
      const popped = await reply;
      assert.ok(commits > before, 'the popped element was answered before its op was durable');
      assert.equal(text(popped), '*2\r\n$1\r\nl\r\n$1\r\nx\r\n');
      assert.equal(text(await pushed), ':1\r\n');
      waiter.close();
      pusher.close();
    } finally {
      await durable.stop();
    }
  });
});
