import assert from 'node:assert/strict';
import { aclCategories } from '../../src/commands/command-docs.js';
import type { ExecContext } from '../../src/commands/exec-context.js';
import { command, NO_KEYS } from '../../src/commands/spec.js';
import { OK } from '../../src/resp/reply.js';
import { ALL_SPECS, createHarness, plain, wire } from './harness.js';

describe('COMMAND', () => {
  it('INFO answers Redis 7.0\'s ten-element entry, with a key spec from the key triple', () => {
    const h = createHarness();
    const get = h.run(['command', 'info', 'get']);
    assert.equal(wire(get), [
      '*1', '*10', '$3', 'get', ':2', '*2', '+readonly', '+fast', ':1', ':1', ':1', '*3', '+@read', '+@string', '+@fast', '*0',
      '*1', '*6', '$5', 'flags', '*2', '+RO', '+access', '$12', 'begin_search', '*4', '$4', 'type', '$5', 'index', '$4', 'spec',
      '*2', '$5', 'index', ':1', '$9', 'find_keys', '*4', '$4', 'type', '$5', 'range', '$4', 'spec', '*6', '$7', 'lastkey', ':0',
      '$7', 'keystep', ':1', '$5', 'limit', ':0', '*0', '',
    ].join('\r\n'));
    assert.match(wire(get, 3), /^\*1\r\n\*10\r\n\$3\r\nget\r\n:2\r\n~2\r\n\+readonly\r\n\+fast\r\n/);
  });

  it('INFO matches Redis for connection, server and transaction commands', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['command', 'info', 'ping', 'auth', 'flushall', 'watch', 'publish', 'NOSUCH'])), [
      ['ping', -1, ['fast'], 0, 0, 0, ['@fast', '@connection'], ['request_policy:all_shards', 'response_policy:all_succeeded'], [], []],
      ['auth', -2, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], 0, 0, 0, ['@fast', '@connection'], [], [], []],
      ['flushall', -1, ['write'], 0, 0, 0, ['@keyspace', '@write', '@slow', '@dangerous'], ['request_policy:all_shards', 'response_policy:all_succeeded'], [], []],
      ['watch', -2, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 1, -1, 1, ['@fast', '@transaction'], [],
        [{ flags: ['RO'], begin_search: { type: 'index', spec: { index: 1 } }, find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } } }], []],
      ['publish', 3, ['pubsub', 'loading', 'stale', 'fast'], 0, 0, 0, ['@pubsub', '@fast'], [], [], []],
      null,
    ]);
  });

  it('INFO of a container lists its subcommands with their own arity; `container|sub` names work', () => {
    const h = createHarness();
    const [config] = plain(h.run(['command', 'info', 'config'])) as [unknown[]];
    assert.deepEqual(config.slice(0, 7), ['config', -2, [], 0, 0, 0, ['@slow']]);
    const subs = config[9] as unknown[][];
    assert.deepEqual(subs.map((s) => [s[0], s[1]]), [['config|get', -3], ['config|set', -4], ['config|resetstat', 2], ['config|help', 2]]);
    assert.deepEqual(subs[0]?.[6], ['@admin', '@slow', '@dangerous']);
    const [clientList] = plain(h.run(['command', 'info', 'CLIENT|LIST'])) as [unknown[]];
    assert.deepEqual(clientList.slice(0, 7), ['client|list', -2, ['admin', 'noscript', 'loading', 'stale'], 0, 0, 0, ['@admin', '@slow', '@dangerous', '@connection']]);
    assert.deepEqual(plain(h.run(['command', 'info', 'config|nosuch', 'a|b|c'])), [null, null]);
  });

  it('COUNT counts top-level commands; INFO without names and COMMAND list them all', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['command', 'count'])), h.server.table.size);
    assert.equal((plain(h.run(['command', 'info'])) as unknown[]).length, h.server.table.size);
    // The dispatcher does not yet run a container without a subcommand; call the handler directly.
    const spec = h.server.table.get('command');
    const ctx: ExecContext = { server: h.server, client: h.client, now: h.clock.now };
    const all = spec?.handler(ctx, [Buffer.from('command')]);
    assert.ok(all !== undefined && typeof all === 'object' && all.kind === 'array');
    assert.equal(all.items.length, h.server.table.size);
  });

  it('DOCS answers Redis\'s own docs for Redis commands (arguments included), the table\'s for others, skipping unknown names', () => {
    const ours = command('crdt.example', 2, ['readonly'], NO_KEYS, 'server', 'An example of a command Redis does not have', () => OK, '0.1.0');
    const h = createHarness({ specs: [...ALL_SPECS, ours] });
    const docs = plain(h.run(['command', 'docs', 'get', 'nosuch', 'pubsub', 'crdt.example']));
    assert.deepEqual(Object.keys(docs as object), ['get', 'pubsub', 'crdt.example']);
    assert.deepEqual((docs as Record<string, unknown>)['get'], {
      summary: 'Get the value of a key', since: '1.0.0', group: 'string', complexity: 'O(1)',
      arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    });
    const pubsub = (docs as Record<string, { subcommands: Record<string, { summary: string }> }>)['pubsub'];
    assert.deepEqual(Object.keys(pubsub?.subcommands ?? {}), ['pubsub|channels', 'pubsub|numsub', 'pubsub|numpat', 'pubsub|help']);
    assert.equal(pubsub?.subcommands['pubsub|channels']?.summary, 'List active channels');
    assert.deepEqual((docs as Record<string, unknown>)['crdt.example'], { summary: 'An example of a command Redis does not have', since: '0.1.0', group: 'server' });
    assert.match(wire(h.run(['command', 'docs', 'ping']), 3), /^%1\r\n\$4\r\nping\r\n%5\r\n\$7\r\nsummary\r\n/);
    assert.deepEqual(plain(h.run(['command', 'docs', 'nosuch'])), {});
  });

  it('LIST names every command and subcommand, with FILTERBY ACLCAT, PATTERN and MODULE', () => {
    const h = createHarness();
    const all = plain(h.run(['command', 'list'])) as string[];
    assert.ok(all.includes('client') && all.includes('client|kill') && all.includes('ping'));
    assert.deepEqual(plain(h.run(['command', 'list', 'filterby', 'pattern', 'CONFIG*'])), ['config', 'config|get', 'config|set', 'config|resetstat', 'config|help']);
    const transaction = plain(h.run(['command', 'list', 'FILTERBY', 'aclcat', 'Transaction'])) as string[];
    assert.deepEqual([...transaction].sort(), ['discard', 'exec', 'multi', 'unwatch', 'watch']);
    assert.deepEqual(plain(h.run(['command', 'list', 'filterby', 'aclcat', 'nosuch'])), []);
    assert.deepEqual(plain(h.run(['command', 'list', 'filterby', 'module', 'x'])), []);
    assert.deepEqual(plain(h.run(['command', 'list', 'filterby', 'foo', 'x'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['command', 'list', 'x'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['command', 'list', 'filterby', 'pattern'])), { error: 'ERR syntax error' });
  });

  it('GETKEYS extracts keys and answers Redis\'s errors', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'set', 'a', 'b'])), ['a']);
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'watch', 'a', 'b', 'c'])), ['a', 'b', 'c']);
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'nosuch', 'a'])), { error: 'ERR Invalid command specified' });
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'config', 'get', 'x'])), { error: 'ERR The command has no key arguments' });
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'get', 'a', 'b'])), { error: 'ERR Invalid number of arguments specified for command' });
    assert.deepEqual(plain(h.run(['command', 'getkeys', 'ping'])), { error: "ERR wrong number of arguments for 'command|getkeys' command" });
  });

  it('derives ACL categories the way Redis does for every spec of this group', () => {
    const expected = new Map<string, string[]>([
      ['ping', ['fast', 'connection']], ['echo', ['fast', 'connection']], ['select', ['fast', 'connection']],
      ['dbsize', ['keyspace', 'read', 'fast']], ['time', ['fast']], ['info', ['slow', 'dangerous']],
      ['multi', ['fast', 'transaction']], ['exec', ['slow', 'transaction']], ['subscribe', ['pubsub', 'slow']],
      ['pubsub', ['slow']], ['client', ['slow']], ['command', ['slow', 'connection']], ['flushdb', ['keyspace', 'write', 'slow', 'dangerous']],
    ]);
    for (const spec of ALL_SPECS) {
      const want = expected.get(spec.name);
      if (want !== undefined) assert.deepEqual(aclCategories(spec), want, spec.name);
    }
  });
});
