import assert from 'node:assert/strict';
import { createHarness, plain, textOf, wire } from './harness.js';

const NOAUTH_HELLO = 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
const WRONGPASS = { error: 'WRONGPASS invalid username-password pair or user is disabled.' };

describe('connection commands', () => {
  describe('PING and ECHO', () => {
    it('answers +PONG, or the message as a bulk string', () => {
      const h = createHarness();
      assert.equal(wire(h.run(['ping'])), '+PONG\r\n');
      assert.equal(wire(h.run(['PING', 'hi'])), '$2\r\nhi\r\n');
    });

    it('refuses more than one argument with the arity error', () => {
      const h = createHarness();
      assert.deepEqual(plain(h.run(['ping', 'a', 'b'])), { error: "ERR wrong number of arguments for 'ping' command" });
    });

    it('answers the pong array in a RESP2 subscribed context, and +PONG in RESP3', () => {
      const h = createHarness();
      h.run(['subscribe', 'ch']);
      assert.equal(wire(h.run(['ping'])), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      assert.equal(wire(h.run(['ping', 'm'])), '*2\r\n$4\r\npong\r\n$1\r\nm\r\n');
      const h3 = createHarness();
      h3.run(['hello', '3']);
      h3.run(['subscribe', 'ch']);
      assert.equal(wire(h3.run(['ping']), 3), '+PONG\r\n');
    });

    it('echoes binary bytes exactly', () => {
      const h = createHarness();
      const bytes = Buffer.from([0, 255, 13, 10, 128]);
      assert.equal(wire(h.run(['echo', bytes])), `$5\r\n${bytes.toString('latin1')}\r\n`);
      assert.deepEqual(plain(h.run(['echo'])), { error: "ERR wrong number of arguments for 'echo' command" });
    });
  });

  describe('HELLO', () => {
    it('switches to RESP3 and replies the server map', () => {
      const h = createHarness();
      const reply = h.run(['hello', '3']);
      assert.equal(h.client.protocol, 3);
      assert.deepEqual(plain(reply), {
        server: 'redis', version: '7.0.15', proto: 3, id: h.client.id, mode: 'standalone', role: 'master', modules: [],
      });
      assert.equal(wire(reply, 3), `%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:${h.client.id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`);
    });

    it('answers a flat 14-element array in RESP2 and keeps the protocol without a version', () => {
      const h = createHarness();
      assert.match(wire(h.run(['hello'])), /^\*14\r\n\$6\r\nserver\r\n/);
      assert.equal(h.client.protocol, 2);
      h.run(['hello', '3']);
      h.run(['hello', '2']);
      assert.equal(h.client.protocol, 2);
    });

    it('rejects bad versions and options with Redis\'s errors', () => {
      const h = createHarness();
      assert.deepEqual(plain(h.run(['hello', '4'])), { error: 'NOPROTO unsupported protocol version' });
      assert.deepEqual(plain(h.run(['hello', '1'])), { error: 'NOPROTO unsupported protocol version' });
      assert.deepEqual(plain(h.run(['hello', 'abc'])), { error: 'ERR Protocol version is not an integer or out of range' });
      assert.deepEqual(plain(h.run(['hello', '3', 'setname'])), { error: "ERR Syntax error in HELLO option 'setname'" });
      assert.deepEqual(plain(h.run(['hello', '3', 'setname', 'a', 'b'])), { error: "ERR Syntax error in HELLO option 'b'" });
      assert.deepEqual(plain(h.run(['hello', '3', 'AUTH', 'default'])), { error: "ERR Syntax error in HELLO option 'AUTH'" });
      assert.deepEqual(plain(h.run(['hello', '3', 'setname', 'has space'])), { error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
      assert.equal(h.client.protocol, 2);
    });

    it('sets the client name with SETNAME', () => {
      const h = createHarness();
      h.run(['hello', '2', 'setname', 'worker-1']);
      assert.equal(h.client.name, 'worker-1');
    });

    it('requires authentication, which HELLO AUTH can provide', () => {
      const h = createHarness({ requirepass: 'secret' });
      assert.deepEqual(plain(h.run(['hello', '3'])), { error: NOAUTH_HELLO });
      assert.deepEqual(plain(h.run(['hello', '3', 'auth', 'default', 'wrong'])), WRONGPASS);
      assert.equal(h.client.protocol, 2);
      const reply = plain(h.run(['hello', '3', 'auth', 'default', 'secret', 'setname', 'n']));
      assert.equal((reply as { proto: number }).proto, 3);
      assert.equal(h.client.authenticated, true);
      assert.equal(h.client.name, 'n');
    });
  });

  describe('AUTH', () => {
    it('without a configured password: the one-argument form errors, default user accepts anything', () => {
      const h = createHarness();
      assert.deepEqual(plain(h.run(['auth', 'x'])), {
        error: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      });
      assert.deepEqual(plain(h.run(['auth', 'default', 'anything'])), 'OK');
      assert.deepEqual(plain(h.run(['auth', 'someone', 'x'])), WRONGPASS);
      assert.deepEqual(plain(h.run(['auth', 'a', 'b', 'c'])), { error: 'ERR syntax error' });
    });

    it('with requirepass: NOAUTH until AUTH succeeds; failures keep the state', () => {
      const h = createHarness({ requirepass: 'secret' });
      assert.deepEqual(plain(h.run(['ping'])), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(plain(h.run(['auth', 'wrong'])), WRONGPASS);
      assert.deepEqual(plain(h.run(['auth', 'other', 'secret'])), WRONGPASS);
      assert.deepEqual(plain(h.run(['auth', 'default', 'wrong'])), WRONGPASS);
      assert.deepEqual(plain(h.run(['auth', 'secret'])), 'OK');
      assert.deepEqual(plain(h.run(['ping'])), 'PONG');
      assert.deepEqual(plain(h.run(['auth', 'wrong'])), WRONGPASS);
      assert.deepEqual(plain(h.run(['ping'])), 'PONG');
      const other = h.connect();
      assert.deepEqual(plain(h.run(['auth', 'default', 'secret'], other)), 'OK');
    });
  });

  describe('SELECT', () => {
    it('accepts 0 and explains that other databases do not exist', () => {
      const h = createHarness();
      assert.deepEqual(plain(h.run(['select', '0'])), 'OK');
      assert.deepEqual(plain(h.run(['select', '1'])), { error: 'ERR SELECT is not allowed in active-active mode: only database 0 exists' });
      assert.deepEqual(plain(h.run(['select', '-1'])), { error: 'ERR DB index is out of range' });
      assert.deepEqual(plain(h.run(['select', 'abc'])), { error: 'ERR value is not an integer or out of range' });
      assert.deepEqual(plain(h.run(['select', '99999999999'])), { error: 'ERR value is out of range, value must between -2147483648 and 2147483647' });
      assert.deepEqual(plain(h.run(['select', '99999999999999999999'])), { error: 'ERR value is not an integer or out of range' });
    });
  });

  describe('QUIT and RESET', () => {
    it('QUIT answers OK and closes after the reply', () => {
      const h = createHarness();
      assert.deepEqual(plain(h.run(['quit', 'extra'])), 'OK');
      assert.equal(h.client.closing, true);
    });

    it('RESET leaves MULTI, unwatches, unsubscribes silently, back to RESP2 without a name', () => {
      const h = createHarness();
      h.run(['hello', '3', 'setname', 'n']);
      h.run(['client', 'no-evict', 'on']);
      h.run(['watch', 'k']);
      h.run(['subscribe', 'a', 'b']);
      h.run(['psubscribe', 'p*']);
      h.run(['multi']);
      const pushes = h.client.pushes.length;
      assert.equal(wire(h.run(['reset'])), '+RESET\r\n');
      assert.equal(h.client.pushes.length, pushes);
      assert.equal(h.client.protocol, 2);
      assert.equal(h.client.name, '');
      assert.deepEqual(plain(h.run(['exec'])), { error: 'ERR EXEC without MULTI' });
      assert.equal(h.server.pubsub.channels.size + h.server.pubsub.patterns.size, 0);
      assert.match(textOf(h.run(['client', 'info'])), / flags=N .* sub=0 psub=0 /);
      assert.deepEqual(plain(h.run(['get', 'k'])), null);
    });

    it('RESET deauthenticates when a password is required', () => {
      const h = createHarness({ requirepass: 'secret' });
      h.run(['auth', 'secret']);
      assert.deepEqual(plain(h.run(['reset'])), 'RESET');
      assert.deepEqual(plain(h.run(['ping'])), { error: 'NOAUTH Authentication required.' });
    });
  });
});
