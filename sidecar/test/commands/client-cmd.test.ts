import assert from 'node:assert/strict';
import { REPLY_OFF, REPLY_ON, REPLY_SKIP, REPLY_SKIP_NEXT } from '../../src/commands/reply-flags.js';
import { createHarness, plain, textOf, wire } from './harness.js';

/** Parses one CLIENT LIST line into its fields, in order. */
function fields(line: string): [string, string][] {
  return line.split(' ').map((pair) => {
    const eq = pair.indexOf('=');
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

const FIELD_ORDER = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
  'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user',
  'redir', 'resp', 'lib-name', 'lib-ver',
];

describe('CLIENT', () => {
  it('SETNAME / GETNAME, with Redis\'s name validation', () => {
    const h = createHarness();
    assert.equal(wire(h.run(['client', 'getname'])), '$-1\r\n');
    assert.deepEqual(plain(h.run(['client', 'setname', 'worker'])), 'OK');
    assert.deepEqual(plain(h.run(['client', 'getname'])), 'worker');
    assert.deepEqual(plain(h.run(['client', 'setname', 'a b'])), { error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    assert.deepEqual(plain(h.run(['client', 'setname', 'caf\xe9'])), { error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    assert.deepEqual(plain(h.run(['client', 'setname', ''])), 'OK');
    assert.equal(wire(h.run(['client', 'getname'])), '$-1\r\n');
    assert.deepEqual(plain(h.run(['client', 'setname'])), { error: "ERR wrong number of arguments for 'client|setname' command" });
  });

  it('ID and unknown subcommands', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['client', 'id'])), h.client.id);
    assert.deepEqual(plain(h.run(['client', 'nope'])), { error: "ERR unknown subcommand 'nope'. Try CLIENT HELP." });
    assert.deepEqual(plain(h.run(['client'])), { error: "ERR wrong number of arguments for 'client' command" });
  });

  it('INFO is one line in Redis\'s field order, ending with a newline, verbatim in RESP3', () => {
    const h = createHarness();
    h.clock.now += 5000;
    h.run(['client', 'setname', 'me']);
    h.run(['client', 'setinfo', 'lib-name', 'ioredis']);
    h.run(['client', 'setinfo', 'LIB-VER', '5.4.1']);
    const reply = h.run(['client', 'info']);
    const text = textOf(reply);
    assert.ok(text.endsWith('\n'));
    const parsed = fields(text.slice(0, -1));
    assert.deepEqual(parsed.map(([k]) => k), FIELD_ORDER);
    const map = new Map(parsed);
    assert.equal(map.get('id'), String(h.client.id));
    assert.equal(map.get('addr'), h.client.remoteAddress);
    assert.equal(map.get('name'), 'me');
    assert.equal(map.get('age'), '5');
    assert.equal(map.get('flags'), 'N');
    assert.equal(map.get('multi'), '-1');
    assert.equal(map.get('cmd'), 'client|info');
    assert.equal(map.get('user'), 'default');
    assert.equal(map.get('resp'), '2');
    assert.equal(map.get('lib-name'), 'ioredis');
    assert.equal(map.get('lib-ver'), '5.4.1');
    assert.match(wire(reply, 3), /^=\d+\r\ntxt:id=/);
  });

  it('LIST shows every client, filters by TYPE and ID, and rejects bad options', () => {
    const h = createHarness();
    const sub = h.connect();
    const third = h.connect();
    h.run(['subscribe', 'ch'], sub);
    const all = textOf(h.run(['client', 'list'])).split('\n').filter((l) => l !== '');
    assert.deepEqual(all.map((line) => new Map(fields(line)).get('id')), [h.client.id, sub.id, third.id].map(String));
    const pubsub = textOf(h.run(['client', 'list', 'TYPE', 'pubsub']));
    assert.match(pubsub, new RegExp(`^id=${sub.id} .*\\n$`));
    assert.equal(textOf(h.run(['client', 'list', 'type', 'normal'])).split('\n').length, 3);
    assert.deepEqual(plain(h.run(['client', 'list', 'type', 'replica'])), '');
    const byId = textOf(h.run(['client', 'list', 'id', String(third.id), '999', String(h.client.id)]));
    assert.deepEqual(byId.split('\n').filter((l) => l !== '').map((line) => new Map(fields(line)).get('id')), [third.id, h.client.id].map(String));
    assert.deepEqual(plain(h.run(['client', 'list', 'type', 'foo'])), { error: "ERR Unknown client type 'foo'" });
    assert.deepEqual(plain(h.run(['client', 'list', 'id', 'abc'])), { error: 'ERR Invalid client ID' });
    assert.deepEqual(plain(h.run(['client', 'list', 'foo'])), { error: 'ERR syntax error' });
  });

  it('NO-EVICT sets the e flag; other values are syntax errors', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['client', 'no-evict', 'ON'])), 'OK');
    assert.match(textOf(h.run(['client', 'info'])), / flags=e /);
    assert.deepEqual(plain(h.run(['client', 'no-evict', 'off'])), 'OK');
    assert.match(textOf(h.run(['client', 'info'])), / flags=N /);
    assert.deepEqual(plain(h.run(['client', 'no-evict', 'maybe'])), { error: 'ERR syntax error' });
  });

  it('REPLY sets the flags the connection applies; RESET clears OFF and SKIP_NEXT, not SKIP', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['client', 'reply', 'OFF'])), 'OK');
    assert.equal(h.client.replyFlags, REPLY_OFF);
    assert.deepEqual(plain(h.run(['client', 'reply', 'skip'])), 'OK');
    assert.equal(h.client.replyFlags, REPLY_OFF, 'SKIP is ignored while OFF');
    assert.deepEqual(plain(h.run(['client', 'reply', 'on'])), 'OK');
    assert.equal(h.client.replyFlags, REPLY_ON);
    h.run(['client', 'reply', 'skip']);
    assert.equal(h.client.replyFlags, REPLY_SKIP | REPLY_SKIP_NEXT, 'SKIP drops its own reply and the next');
    h.run(['reset']);
    assert.equal(h.client.replyFlags, REPLY_SKIP);
    assert.deepEqual(plain(h.run(['client', 'reply', 'maybe'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['client', 'reply'])), { error: "ERR wrong number of arguments for 'client|reply' command" });
  });

  it('SETINFO validates the attribute and its value', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['client', 'setinfo', 'lib-foo', 'x'])), { error: "ERR Unrecognized option 'lib-foo'" });
    assert.deepEqual(plain(h.run(['client', 'setinfo', 'lib-name', 'a b'])), { error: 'ERR lib-name cannot contain spaces, newlines or special characters.' });
    assert.deepEqual(plain(h.run(['client', 'setinfo', 'lib-name'])), { error: "ERR wrong number of arguments for 'client|setinfo' command" });
  });

  it('KILL by address (old form): OK, or "No such client"', () => {
    const h = createHarness();
    const victim = h.connect();
    assert.deepEqual(plain(h.run(['client', 'kill', victim.remoteAddress])), 'OK');
    assert.equal(victim.closed, true);
    assert.equal(h.server.clients.has(victim), false);
    assert.deepEqual(plain(h.run(['client', 'kill', '1.2.3.4:5'])), { error: 'ERR No such client' });
  });

  it('KILL with filters: counts, skips the caller unless SKIPME no, closes the caller after its reply', () => {
    const h = createHarness();
    const a = h.connect();
    const b = h.connect();
    assert.deepEqual(plain(h.run(['client', 'kill', 'id', String(a.id)])), 1);
    assert.equal(a.closed, true);
    assert.deepEqual(plain(h.run(['client', 'kill', 'id', '99999'])), 0);
    assert.deepEqual(plain(h.run(['client', 'kill', 'laddr', '127.0.0.1:6379', 'user', 'default'])), 1);
    assert.equal(b.closed, true);
    assert.equal(h.client.closed, false);
    assert.deepEqual(plain(h.run(['client', 'kill', 'type', 'normal', 'skipme', 'no'])), 1);
    assert.equal(h.client.closing, true);
  });

  it('KILL rejects bad filters with Redis\'s errors', () => {
    const h = createHarness();
    assert.deepEqual(plain(h.run(['client', 'kill', 'id', 'abc'])), { error: 'ERR client-id should be greater than 0' });
    assert.deepEqual(plain(h.run(['client', 'kill', 'id', '0'])), { error: 'ERR client-id should be greater than 0' });
    assert.deepEqual(plain(h.run(['client', 'kill', 'type', 'foo'])), { error: "ERR Unknown client type 'foo'" });
    assert.deepEqual(plain(h.run(['client', 'kill', 'user', 'bob'])), { error: "ERR No such user 'bob'" });
    assert.deepEqual(plain(h.run(['client', 'kill', 'foo', 'bar'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['client', 'kill', 'a', 'b', 'c'])), { error: 'ERR syntax error' });
    assert.deepEqual(plain(h.run(['client', 'kill', 'skipme', 'maybe'])), { error: 'ERR syntax error' });
  });

  it('HELP lists the subcommands in Redis\'s format', () => {
    const h = createHarness();
    const help = plain(h.run(['client', 'help'])) as string[];
    assert.equal(help[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(help.includes('SETNAME <name>'));
    assert.ok(help.includes('REPLY (ON|OFF|SKIP)'));
  });
});
