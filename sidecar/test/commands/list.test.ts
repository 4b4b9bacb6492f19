import assert from 'node:assert/strict';
import { BLOCKED } from '../../src/commands/client.js';
import { parseBlockingTimeout, registryOf } from '../../src/commands/blocking.js';
import { genericCommands } from '../../src/commands/generic.js';
import { listCommands } from '../../src/commands/list.js';
import type { Operation } from '../../src/store/effects.js';
import type { Reply } from '../../src/resp/reply.js';
import { ALL_SPECS, createHarness, plain, type Harness, type TestClient } from './harness.js';

/**
 * The list commands' effects (DESIGN.md §4: anchors, observed removes, LSET by element
 * id, key delete on emptying) and the blocking registry, at the handler level. Replies
 * themselves are proven against redis-server in differential/lists.test.ts.
 */

function setup(): { h: Harness; ops: Operation[] } {
  const h = createHarness({ specs: [...ALL_SPECS, ...genericCommands, ...listCommands] });
  const ops: Operation[] = [];
  h.server.engine.addSink({ onOperation: (op) => ops.push(op) });
  return { h, ops };
}

const values = (h: Harness, key = 'l'): unknown => plain(h.run(['lrange', key, '0', '-1']));
const effectsOf = (op: Operation | undefined): unknown[] => (op?.effects ?? []).map(({ key, effect }) => ({ key, ...effect }));
const buf = (text: string): Buffer => Buffer.from(text);
const id = (seq: number, idx = 0): { replica: string; seq: number; idx: number } => ({ replica: 'test', seq, idx });

describe('list commands: effects', () => {
  it('LPUSH inserts the values reversed as one chain after the head', () => {
    const { h, ops } = setup();
    assert.deepEqual(plain(h.run(['lpush', 'l', 'a', 'b', 'c'])), 3);
    assert.deepEqual(values(h), ['c', 'b', 'a']);
    assert.deepEqual(effectsOf(ops[0]), [{ key: 'l', type: 'list.insert', anchor: null, values: [buf('c'), buf('b'), buf('a')] }]);
  });

  it('RPUSH anchors on the current last element; LPUSHX on a missing key writes nothing', () => {
    const { h, ops } = setup();
    h.run(['rpush', 'l', 'a', 'b']);
    h.run(['rpush', 'l', 'c']);
    assert.deepEqual(effectsOf(ops[1]), [{ key: 'l', type: 'list.insert', anchor: id(1, 1), values: [buf('c')] }]);
    assert.deepEqual(plain(h.run(['lpushx', 'none', 'x'])), 0);
    assert.equal(ops.length, 2);
  });

  it('LINSERT BEFORE anchors on the pivot\'s predecessor (the head for the first), AFTER on the pivot', () => {
    const { h, ops } = setup();
    h.run(['rpush', 'l', 'a', 'b']);
    h.run(['linsert', 'l', 'before', 'b', 'x']);
    h.run(['linsert', 'l', 'before', 'a', 'y']);
    h.run(['linsert', 'l', 'after', 'b', 'z']);
    assert.deepEqual(values(h), ['y', 'a', 'x', 'b', 'z']);
    assert.deepEqual(ops.slice(1).map((op) => (op.effects[0]?.effect as { anchor: unknown }).anchor), [id(1, 0), null, id(1, 1)]);
  });

  it('pops, LREM and LTRIM remove exactly the element ids they observed', () => {
    const { h, ops } = setup();
    h.run(['rpush', 'l', 'a', 'b', 'a', 'c', 'a', 'd']);
    h.run(['lpop', 'l']);
    h.run(['rpop', 'l', '2']);
    h.run(['lrem', 'l', '0', 'a']);
    h.run(['ltrim', 'l', '1', '1']);
    const removed = ops.slice(1).map((op) => (op.effects[0]?.effect as { ids: unknown }).ids);
    assert.deepEqual(removed, [[id(1, 0)], [id(1, 5), id(1, 4)], [id(1, 2)], [id(1, 1)]]);
    assert.deepEqual(values(h), ['c']);
  });

  it('LSET writes the element id at that index; LMOVE is one operation over both keys', () => {
    const { h, ops } = setup();
    h.run(['rpush', 'l', 'a', 'b']);
    h.run(['lset', 'l', '-1', 'B']);
    assert.deepEqual(effectsOf(ops[1]), [{ key: 'l', type: 'list.set', id: id(1, 1), value: buf('B') }]);
    h.run(['lmove', 'l', 'm', 'left', 'right']);
    assert.deepEqual(effectsOf(ops[2]), [
      { key: 'l', type: 'list.remove', ids: [id(1, 0)] },
      { key: 'm', type: 'list.insert', anchor: null, values: [buf('a')] },
    ]);
  });

  it('emptying a list with a TTL deletes the key, so a new push has no TTL', () => {
    const { h, ops } = setup();
    h.run(['rpush', 'l', 'a']);
    h.run(['expire', 'l', '100']);
    h.run(['lpop', 'l']);
    assert.deepEqual(ops[2]?.effects.map((e) => e.effect.type), ['list.remove', 'key.del']);
    h.run(['rpush', 'l', 'b']);
    assert.deepEqual(plain(h.run(['ttl', 'l'])), -1);
    h.run(['rpop', 'l']);
    assert.deepEqual(ops[4]?.effects.map((e) => e.effect.type), ['list.remove'], 'no TTL: the empty list is already gone');
    assert.deepEqual(plain(h.run(['exists', 'l'])), 0);
  });

  it('a pop removes only what it observed: a concurrent remote insert survives', () => {
    const { h } = setup();
    h.run(['rpush', 'l', 'a']);
    const engine = h.server.engine;
    // peer-b had not seen our RPUSH: its insert is concurrent, at the head.
    const op: Operation = {
      ctx: { origin: 'peer-b', seq: 1, hlc: engine.lastHlc - 1, deps: new Map() },
      effects: [{ key: 'l', effect: { type: 'list.insert', anchor: null, values: [buf('b')] } }],
      atomicGroup: 0,
    };
    h.run(['ltrim', 'l', '1', '0']);
    assert.equal(engine.applyRemote(op), 'applied');
    assert.deepEqual(values(h), ['b']);
  });
});

describe('blocking registry', () => {
  const execute = (h: Harness, args: string[], client: TestClient = h.client): Reply | typeof BLOCKED =>
    h.dispatcher.execute(client, args.map((arg) => Buffer.from(arg)));
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('parses timeouts like Redis 7.0 getTimeoutFromObjectOrReply (seconds as a long double)', () => {
    const cases: [string, number | string][] = [
      ['0', 0], ['0.01', 10], ['1.5', 1500], ['0.0001', 0], ['-0.0001', 0], ['0x10', 16000], ['1e-400', 0],
      ['-1', 'ERR timeout is negative'], ['inf', 'ERR timeout is negative'], ['1e100', 'ERR timeout is negative'],
      ['abc', 'ERR timeout is not a float or out of range'], [' 1', 'ERR timeout is not a float or out of range'],
      ['nan', 'ERR timeout is not a float or out of range'], ['1e5000', 'ERR timeout is not a float or out of range'], ['', 'ERR timeout is not a float or out of range'],
    ];
    for (const [text, expected] of cases) {
      const parsed = parseBlockingTimeout(Buffer.from(text));
      assert.deepEqual(typeof parsed === 'number' ? parsed : plain(parsed), typeof expected === 'number' ? expected : { error: expected }, text);
    }
  });

  it('wakes the waiter right after the pushing command, as its own operation', () => {
    const { h, ops } = setup();
    const waiter = h.connect();
    assert.equal(execute(h, ['blpop', 'a', 'b', '0'], waiter), BLOCKED);
    assert.equal(registryOf(h.server).size, 1);
    h.run(['rpush', 'b', 'x', 'y']);
    // Served as soon as the pushing command is done (before its client's next command), as its own op.
    assert.deepEqual(waiter.pushes.map(plain), [['b', 'x']]);
    assert.equal(ops.length, 2);
    assert.deepEqual(ops[0]?.effects.map((e) => e.effect.type), ['list.insert']);
    assert.deepEqual(ops[1]?.effects.map((e) => e.effect.type), ['list.remove']);
    assert.equal(registryOf(h.server).size, 0);
  });

  it('does not block inside MULTI, and forgets a client that disconnects', async () => {
    const { h } = setup();
    h.run(['multi']);
    h.run(['blpop', 'l', '0']);
    h.run(['blmove', 'l', 'm', 'left', 'left', '0']);
    assert.deepEqual(h.run(['exec']), { kind: 'array', items: [{ kind: 'nullArray' }, { kind: 'null' }] });
    const waiter = h.connect();
    assert.equal(execute(h, ['brpop', 'l', '0'], waiter), BLOCKED);
    waiter.close();
    assert.equal(registryOf(h.server).size, 0);
    h.run(['rpush', 'l', 'x']);
    await tick();
    assert.deepEqual(plain(h.run(['llen', 'l'])), 1);
  });

  it('CLIENT UNBLOCK support: ends a wait as a timeout or with the UNBLOCKED error', () => {
    const { h } = setup();
    const [a, b] = [h.connect(), h.connect()];
    assert.equal(execute(h, ['blpop', 'l', '0'], a), BLOCKED);
    assert.equal(execute(h, ['blmove', 'l', 'm', 'left', 'left', '0'], b), BLOCKED);
    const registry = registryOf(h.server);
    assert.equal(registry.unblock(a, false), true);
    assert.equal(registry.unblock(b, true), true);
    assert.equal(registry.unblock(b, true), false);
    assert.deepEqual(a.pushes, [{ kind: 'nullArray' }]);
    assert.deepEqual(plain(b.pushes[0] as Reply), { error: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
    assert.equal(registry.size, 0);
  });

  it('times out with a null array', async () => {
    const { h } = setup();
    const waiter = h.connect();
    assert.equal(execute(h, ['blpop', 'l', '0.02'], waiter), BLOCKED);
    const deadline = Date.now() + 20000;
    while (waiter.pushes.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(waiter.pushes, [{ kind: 'nullArray' }]);
    assert.equal(registryOf(h.server).size, 0);
  });
});
