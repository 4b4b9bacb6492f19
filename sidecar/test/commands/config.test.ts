import assert from 'node:assert/strict';
import { createHarness, plain, textOf, wire } from './harness.js';

describe('CONFIG', () => {
  it('GET returns one parameter as a map (flat array in RESP2)', () => {
    const h = createHarness();
    const reply = h.run(['config', 'get', 'port']);
    assert.equal(wire(reply, 2), '*2\r\n$4\r\nport\r\n$4\r\n6379\r\n');
    assert.equal(wire(reply, 3), '%1\r\n$4\r\nport\r\n$4\r\n6379\r\n');
  });

  it('GET matches glob patterns case-insensitively, several patterns, each parameter once', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['config', 'get', 'MAX*'])), { maxclients: '10000', maxmemory: '0', 'maxmemory-policy': 'noeviction' });
    assert.deepEqual(plain(h.run(['config', 'get', 'port', 'p*', 'bind'])), { port: '6379', bind: '127.0.0.1', 'proto-max-bulk-len': '536870912' });
    assert.deepEqual(plain(h.run(['config', 'get', 'nosuch'])), {});
  });

  it('GET reports the sidecar\'s settings', () => {
    const h = createHarness({ requirepass: 'secret' });
    h.run(['auth', 'secret']);
    assert.deepEqual(plain(h.run(['config', 'get', '*'])), {
      port: '6379', bind: '127.0.0.1', requirepass: 'secret', appendonly: 'yes', appendfsync: 'everysec', save: '',
      databases: '1', maxclients: '10000', maxmemory: '0', 'maxmemory-policy': 'noeviction',
      'proto-max-bulk-len': '536870912', timeout: '0', 'notify-keyspace-events': '', dir: '/tmp/redis-crdt-test', 'replica-id': 'test',
    });
    assert.deepEqual(plain(createHarness().run(['config', 'get', 'requirepass'])), { requirepass: '' });
  });

  it('SET refuses: unknown options, odd pairs, duplicates, and runtime changes', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['config', 'set', 'foo', 'bar'])), { error: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'" });
    assert.deepEqual(plain(h.run(['config', 'set', 'a', 'b', 'c'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['config', 'set', 'port', '1', 'PORT', '2'])), { error: "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter" });
    assert.match(String((plain(h.run(['config', 'set', 'maxmemory', '10'])) as { error: string }).error), /^ERR CONFIG SET failed \(possibly related to argument 'maxmemory'\) - redis-crdt cannot change it at runtime/);
    assert.deepEqual(plain(h.run(['config', 'set', 'port'])), { error: "ERR wrong number of arguments for 'config|set' command" });
    assert.deepEqual(plain(h.run(['config', 'get'])), { error: "ERR wrong number of arguments for 'config|get' command" });
  });

  it('RESETSTAT clears the counters INFO reports', () => {
    const h = createHarness();
    h.run(['ping']);
    h.run(['get', 'k']);
    assert.deepEqual(plain(h.run(['config', 'resetstat'])), 'OK');
    const stats = textOf(h.run(['info', 'stats', 'commandstats']));
    assert.match(stats, /\r\nkeyspace_misses:0\r\n/);
    // As in Redis, the RESETSTAT call itself is counted after the reset.
    assert.match(stats, /\r\ntotal_commands_processed:1\r\n/);
    assert.doesNotMatch(stats, /cmdstat_ping/);
    assert.match(stats, /cmdstat_config\|resetstat:calls=1,/);
  });

  it('HELP and unknown subcommands', () => {
    const h = createHarness();
    assert.equal((plain(h.run(['config', 'help'])) as string[])[0], 'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(plain(h.run(['config', 'rewrite'])), { error: "ERR unknown subcommand 'rewrite'. Try CONFIG HELP." });
  });
});
