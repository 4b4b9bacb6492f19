import assert from 'node:assert/strict';
import { CommandFlags } from '../../src/mirror/command-flags.js';
import { CommandWriter, commandHead } from '../../src/mirror/command-writer.js';
import { formatScore } from '../../src/mirror/materialise-collections.js';
import { parseMirrorUrl } from '../../src/mirror/mirror-url.js';
import { isErrorReply, replyEnd } from '../../src/mirror/reply-scanner.js';

const REPLIES = [
  '+OK\r\n', '-ERR bad\r\n', ':42\r\n', '$5\r\nhello\r\n', '$-1\r\n', '$0\r\n\r\n', '*-1\r\n', '*0\r\n',
  '*3\r\n:1\r\n$2\r\nab\r\n*1\r\n+x\r\n', '_\r\n', '#t\r\n', ',1.5\r\n', '(123\r\n', '=8\r\ntxt:abcd\r\n',
  '%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n', '~2\r\n+a\r\n+b\r\n', '!5\r\nERR x\r\n', '|1\r\n+k\r\n+v\r\n:7\r\n',
];

describe('mirror units', () => {
  describe('replyEnd', () => {
    it('finds the end of every reply type, all at once', () => {
      const all = Buffer.from(REPLIES.join(''), 'latin1');
      let at = 0;
      for (const reply of REPLIES) {
        const end = replyEnd(all, at);
        assert.equal(all.toString('latin1', at, end), reply);
        at = end;
      }
      assert.equal(at, all.length);
    });

    it('answers -1 for every proper prefix (byte by byte), the full length at the end', () => {
      for (const reply of REPLIES) {
        const bytes = Buffer.from(reply, 'latin1');
        for (let n = 0; n < bytes.length; n++) assert.equal(replyEnd(bytes.subarray(0, n), 0), -1, `${JSON.stringify(reply)} cut at ${n}`);
        assert.equal(replyEnd(bytes, 0), bytes.length);
      }
    });

    it('tells errors apart', () => {
      assert.equal(isErrorReply(Buffer.from('-ERR x\r\n'), 0), true);
      assert.equal(isErrorReply(Buffer.from('!3\r\nERR\r\n'), 0), true);
      assert.equal(isErrorReply(Buffer.from('+OK\r\n'), 0), false);
    });
  });

  describe('parseMirrorUrl', () => {
    it('reads host, port, password, user, db and TLS, and masks the password', () => {
      const t = parseMirrorUrl('rediss://user:s%40cret@mirror.local:6380/3');
      assert.deepEqual({ ...t }, { host: 'mirror.local', port: 6380, username: 'user', password: 's@cret', db: 3, tls: true, display: 'rediss://user:***@mirror.local:6380/3' });
      const d = parseMirrorUrl('redis://127.0.0.1');
      assert.equal(d.port, 6379);
      assert.equal(d.db, 0);
      assert.equal(d.password, undefined);
      assert.throws(() => parseMirrorUrl('redis://h:1/x'), /database/);
    });
  });

  describe('CommandFlags', () => {
    const flags = CommandFlags.parse([
      ['get', 2, ['readonly', 'fast'], 1, 1, 1, [], [], [], []],
      ['xread', -4, ['readonly', 'blocking', 'movablekeys'], 0, 0, 0, [], [], [], []],
      ['xadd', -5, ['write', 'denyoom', 'fast'], 1, 1, 1, [], [], [], []],
      ['object', -2, [], 0, 0, 0, [], [], [], [
        ['object|encoding', 3, ['readonly'], 2, 2, 1, [], [], [], []],
        ['object|help', 2, ['loading', 'stale'], 0, 0, 0, [], [], [], []],
      ]],
      ['config', -2, [], 0, 0, 0, [], [], [], [['config|set', -4, ['admin', 'noscript'], 0, 0, 0, [], [], [], []]]],
    ]);
    const verdict = (...args: string[]): string => flags.classify(args.map((a) => Buffer.from(a)));

    it('forwards read-only commands, not blocking, write or admin ones', () => {
      assert.equal(verdict('GET', 'k'), 'read');
      assert.equal(verdict('xread', 'BLOCK', '0', 'STREAMS', 's', '$'), 'write');
      assert.equal(verdict('XADD', 's', '*'), 'write');
      assert.equal(verdict('config', 'set', 'a', 'b'), 'write');
      assert.equal(verdict('nosuch'), 'unknown');
    });

    it('judges containers by their subcommand; unknown subcommands and HELP go to the mirror for its error text', () => {
      assert.equal(verdict('OBJECT', 'ENCODING', 'k'), 'read');
      assert.equal(verdict('OBJECT', 'HELP'), 'read');
      assert.equal(verdict('OBJECT', 'nosuch'), 'read');
      assert.equal(verdict('OBJECT'), 'read');
    });
  });

  describe('CommandWriter', () => {
    it('encodes commands as RESP arrays of bulk strings', () => {
      const writer = new CommandWriter();
      writer.begin(commandHead('SET', 3));
      writer.latin1('k\xff');
      writer.bytes(Buffer.from('v'));
      writer.command(['PEXPIREAT', 'k', Buffer.from('12')]);
      writer.beginVariable(Buffer.from('$4\r\nSADD\r\n'), 3);
      writer.latin1('s');
      writer.integer(-5);
      assert.equal(writer.commands, 3);
      const chunks = writer.take();
      const text = Buffer.isBuffer(chunks) ? chunks.toString('latin1') : '';
      assert.equal(text, '*3\r\n$3\r\nSET\r\n$2\r\nk\xff\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$2\r\n12\r\n*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$2\r\n-5\r\n');
    });

    it('groups consecutive plain SETs into one MSET, closed by any other command or take, in order', () => {
      const writer = new CommandWriter();
      const pair = (key: string, value: string): number => {
        const started = writer.beginPair();
        writer.latin1(key);
        writer.bytes(Buffer.from(value, 'latin1'));
        return started;
      };
      assert.deepEqual([pair('a', '1'), pair('b', ''), pair('a', '2')], [1, 0, 0]);
      writer.command(['DEL', 'b']);
      assert.equal(pair('c', 'x'), 1);
      assert.equal(writer.commands, 3);
      const chunks = writer.take();
      const text = Buffer.isBuffer(chunks) ? chunks.toString('latin1') : '';
      assert.equal(text, '*7\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$0\r\n\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n*3\r\n$4\r\nMSET\r\n$1\r\nc\r\n$1\r\nx\r\n');
      assert.equal(writer.take(), null);
    });

    it('starts a new MSET after 1024 pairs', () => {
      const writer = new CommandWriter();
      let started = 0;
      for (let i = 0; i < 2049; i++) {
        started += writer.beginPair();
        writer.latin1(`k${i}`);
        writer.bytes(Buffer.from('v'));
      }
      assert.equal(started, 3);
      const chunks = writer.take();
      const text = Buffer.isBuffer(chunks) ? chunks.toString('latin1') : Buffer.concat(chunks ?? []).toString('latin1');
      assert.deepEqual(text.match(/\*\d+\r\n\$4\r\nMSET/g), ['*2049\r\n$4\r\nMSET', '*2049\r\n$4\r\nMSET', '*3\r\n$4\r\nMSET']);
    });

    it('formats scores as Redis parses them back', () => {
      assert.equal(formatScore(Infinity), 'inf');
      assert.equal(formatScore(-Infinity), '-inf');
      assert.equal(Number(formatScore(0.1 + 0.2)), 0.1 + 0.2);
      assert.equal(Number(formatScore(1e300)), 1e300);
    });
  });
});
