import assert from 'node:assert/strict';
import { deliverPublish, setPublishForwarder } from '../../src/commands/pubsub.js';
import { createHarness, plain, textOf, wire } from './harness.js';

describe('pub/sub', () => {
  it('confirms each channel in order: all but the last as pushes, the last as the reply', () => {
    const h = createHarness();
    const replies = h.exchange(['subscribe', 'a', 'b', 'c']);
    assert.deepEqual(replies.map(plain), [['subscribe', 'a', 1], ['subscribe', 'b', 2], ['subscribe', 'c', 3]]);
    // RESP2: plain arrays; RESP3: push frames, exactly as Redis sends them.
    assert.equal(wire(replies[0] ?? { kind: 'null' }, 2), '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
    assert.equal(wire(replies[0] ?? { kind: 'null' }, 3), '>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
  });

  it('counts channels and patterns together, and a repeated subscription once', () => {
    const h = createHarness();
    h.run(['subscribe', 'a']);
    assert.deepEqual(plain(h.run(['psubscribe', 'p*'])), ['psubscribe', 'p*', 2]);
    assert.deepEqual(plain(h.run(['subscribe', 'a'])), ['subscribe', 'a', 2]);
  });

  it('UNSUBSCRIBE without arguments leaves every channel; with none it confirms once with a null', () => {
    const h = createHarness();
    h.run(['subscribe', 'a', 'b']);
    h.run(['psubscribe', 'p*']);
    assert.deepEqual(h.exchange(['unsubscribe']).map(plain), [['unsubscribe', 'a', 2], ['unsubscribe', 'b', 1]]);
    assert.equal(wire(h.run(['unsubscribe'])), '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n');
    assert.deepEqual(plain(h.run(['punsubscribe'])), ['punsubscribe', 'p*', 0]);
    assert.equal(wire(h.run(['punsubscribe']), 3), '>3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n');
    assert.deepEqual(h.exchange(['punsubscribe', 'x', 'y']).map(plain), [['punsubscribe', 'x', 0], ['punsubscribe', 'y', 0]]);
  });

  it('restricts a RESP2 subscriber to the pub/sub commands until it unsubscribes from everything', () => {
    const h = createHarness();
    h.run(['subscribe', 'a']);
    assert.deepEqual(plain(h.run(['get', 'k'])), {
      error: "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    });
    h.run(['unsubscribe', 'a']);
    assert.deepEqual(plain(h.run(['get', 'k'])), null);
  });

  it('PUBLISH delivers message and pmessage pushes and returns the number of receivers', () => {
    const h = createHarness();
    const direct = h.connect();
    const pattern = h.connect();
    const both = h.connect();
    h.run(['subscribe', 'news'], direct);
    h.run(['psubscribe', 'n*'], pattern);
    h.run(['subscribe', 'news'], both);
    h.run(['psubscribe', '*'], both);
    for (const c of [direct, pattern, both]) c.pushes.length = 0;
    assert.deepEqual(plain(h.run(['publish', 'news', 'hello'])), 4);
    assert.deepEqual(direct.pushes.map(plain), [['message', 'news', 'hello']]);
    assert.deepEqual(pattern.pushes.map(plain), [['pmessage', 'n*', 'news', 'hello']]);
    assert.deepEqual(both.pushes.map(plain), [['message', 'news', 'hello'], ['pmessage', '*', 'news', 'hello']]);
    assert.deepEqual(plain(h.run(['publish', 'other', 'x'])), 1);
    assert.deepEqual(plain(h.run(['publish', 'zzz', 'x'])), 1);
  });

  it('a RESP3 client publishing to its own channel gets the message before the PUBLISH reply', () => {
    const h = createHarness();
    h.run(['hello', '3']);
    h.run(['subscribe', 'ch']);
    const replies = h.exchange(['publish', 'ch', 'self']);
    assert.deepEqual(replies.map((r) => wire(r, 3)), ['>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nself\r\n', ':1\r\n']);
  });

  it('keeps channel names and payloads binary-exact', () => {
    const h = createHarness();
    const sub = h.connect();
    const name = Buffer.from([0xff, 0x00, 0x80]);
    const payload = Buffer.from([0x0d, 0x0a, 0xfe]);
    h.run(['subscribe', name], sub);
    sub.pushes.length = 0;
    assert.deepEqual(plain(h.run(['publish', name, payload])), 1);
    assert.equal(wire(sub.pushes[0] ?? { kind: 'null' }), `*3\r\n$7\r\nmessage\r\n$3\r\n${name.toString('latin1')}\r\n$3\r\n${payload.toString('latin1')}\r\n`);
  });

  it('drops subscriptions of a disconnected client', () => {
    const h = createHarness();
    const sub = h.connect();
    h.run(['subscribe', 'a'], sub);
    h.run(['psubscribe', 'a*'], sub);
    sub.close();
    assert.deepEqual(plain(h.run(['publish', 'a', 'x'])), 0);
    assert.deepEqual(plain(h.run(['pubsub', 'numpat'])), 0);
  });

  it('PUBSUB CHANNELS, NUMSUB, NUMPAT and HELP', () => {
    const h = createHarness();
    const one = h.connect();
    const two = h.connect();
    h.run(['subscribe', 'news.a', 'news.b', 'sport'], one);
    h.run(['subscribe', 'news.a'], two);
    h.run(['psubscribe', 'x*', 'y*'], one);
    h.run(['psubscribe', 'x*'], two);
    assert.deepEqual(plain(h.run(['pubsub', 'channels'])), ['news.a', 'news.b', 'sport']);
    assert.deepEqual(plain(h.run(['pubsub', 'channels', 'news.*'])), ['news.a', 'news.b']);
    assert.deepEqual(plain(h.run(['pubsub', 'numsub', 'news.a', 'sport', 'none'])), ['news.a', 2, 'sport', 1, 'none', 0]);
    assert.deepEqual(plain(h.run(['pubsub', 'numsub'])), []);
    assert.deepEqual(plain(h.run(['pubsub', 'numpat'])), 2);
    assert.deepEqual(plain(h.run(['pubsub', 'channels', 'a', 'b'])), {
      error: "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.",
    });
    assert.deepEqual(plain(h.run(['pubsub', 'numpat', 'x'])), { error: "ERR wrong number of arguments for 'pubsub|numpat' command" });
    assert.deepEqual(plain(h.run(['pubsub', 'foo'])), { error: "ERR unknown subcommand 'foo'. Try PUBSUB HELP." });
    assert.deepEqual(plain(h.run(['pubsub'])), { error: "ERR wrong number of arguments for 'pubsub' command" });
    const help = plain(h.run(['pubsub', 'help'])) as string[];
    assert.equal(help[0], 'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help[help.length - 1], '    Prints this help.');
  });

  it('deliverPublish delivers replicated messages locally; the forwarder sees local ones', () => {
    const h = createHarness();
    const sub = h.connect();
    h.run(['subscribe', 'ch'], sub);
    sub.pushes.length = 0;
    assert.equal(deliverPublish(h.server, 'ch', Buffer.from('remote')), 1);
    const forwarded: string[] = [];
    setPublishForwarder(h.server, (channel, message) => forwarded.push(`${channel}:${message.toString()}`));
    h.run(['publish', 'ch', 'local']);
    setPublishForwarder(h.server, undefined);
    h.run(['publish', 'ch', 'after']);
    assert.deepEqual(forwarded, ['ch:local']);
    assert.deepEqual(sub.pushes.map(plain), [['message', 'ch', 'remote'], ['message', 'ch', 'local'], ['message', 'ch', 'after']]);
  });

  it('shows subscriptions in CLIENT LIST (flags P, sub, psub) and INFO', () => {
    const h = createHarness();
    h.run(['subscribe', 'a', 'b']);
    h.run(['psubscribe', 'c*']);
    const info = h.connect();
    assert.match(textOf(h.run(['client', 'list', 'type', 'pubsub'], info)), new RegExp(`^id=${h.client.id} .* flags=P .* sub=2 psub=1 ssub=0 `));
    assert.match(textOf(h.run(['info', 'stats'], info)), /\r\npubsub_channels:2\r\npubsub_patterns:1\r\n/);
  });
});
