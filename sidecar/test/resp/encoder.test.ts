import assert from 'node:assert/strict';
import { encodeReply, type Protocol } from '../../src/resp/encoder.js';
import { OutputBuffer } from '../../src/resp/output-buffer.js';
import * as R from '../../src/resp/reply.js';
import type { Reply } from '../../src/resp/reply.js';

function encode(reply: Reply, proto: Protocol): string {
  const out = new OutputBuffer();
  encodeReply(out, reply, proto);
  const data = out.take();
  if (data === null) return '';
  return (Buffer.isBuffer(data) ? data : Buffer.concat(data)).toString('latin1');
}

const map: Reply = { kind: 'map', entries: [[R.bulk('a'), R.integer(1)], [R.bulk('b'), R.NULL]] };

/** [name, reply, RESP2 bytes, RESP3 bytes]: the folding rules of Redis 7.0's networking.c. */
const GOLDEN: [string, Reply, string, string][] = [
  ['OK constant', R.OK, '+OK\r\n', '+OK\r\n'],
  ['simple', R.simple('FOO bar'), '+FOO bar\r\n', '+FOO bar\r\n'],
  ['simple with newline sanitised', R.simple('a\r\nb'), '+a  b\r\n', '+a  b\r\n'],
  ['error', R.error('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
  ['error with newline sanitised', R.error('ERR a\nb'), '-ERR a b\r\n', '-ERR a b\r\n'],
  ['integer 0', R.ZERO, ':0\r\n', ':0\r\n'],
  ['integer 1', R.ONE, ':1\r\n', ':1\r\n'],
  ['integer', R.integer(1234567890), ':1234567890\r\n', ':1234567890\r\n'],
  ['negative integer', R.integer(-42), ':-42\r\n', ':-42\r\n'],
  ['max safe integer', R.integer(Number.MAX_SAFE_INTEGER), ':9007199254740991\r\n', ':9007199254740991\r\n'],
  ['bigint', R.integer(-9223372036854775808n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
  ['bulk string', R.bulk('hello'), '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
  ['bulk latin1 string', R.bulk('\xff\x00'), '$2\r\n\xff\x00\r\n', '$2\r\n\xff\x00\r\n'],
  ['bulk buffer', R.bulk(Buffer.from([0, 13, 10, 255])), '$4\r\n\x00\r\n\xff\r\n', '$4\r\n\x00\r\n\xff\r\n'],
  ['empty bulk', R.bulk(''), '$0\r\n\r\n', '$0\r\n\r\n'],
  ['null', R.NULL, '$-1\r\n', '_\r\n'],
  ['null array', R.NULL_ARRAY, '*-1\r\n', '_\r\n'],
  ['empty array', R.EMPTY_ARRAY, '*0\r\n', '*0\r\n'],
  ['nested array', R.array([R.bulk('a'), R.array([R.integer(2)]), R.NULL]), '*3\r\n$1\r\na\r\n*1\r\n:2\r\n$-1\r\n', '*3\r\n$1\r\na\r\n*1\r\n:2\r\n_\r\n'],
  ['map', map, '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n'],
  ['set', { kind: 'set', items: [R.bulk('x')] }, '*1\r\n$1\r\nx\r\n', '~1\r\n$1\r\nx\r\n'],
  ['double', { kind: 'double', value: 1.5, text: '1.5' }, '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['double inf', { kind: 'double', value: Infinity, text: 'inf' }, '$3\r\ninf\r\n', ',inf\r\n'],
  ['boolean true', { kind: 'boolean', value: true }, ':1\r\n', '#t\r\n'],
  ['boolean false', { kind: 'boolean', value: false }, ':0\r\n', '#f\r\n'],
  ['verbatim', { kind: 'verbatim', format: 'txt', value: 'Some string' }, '$11\r\nSome string\r\n', '=15\r\ntxt:Some string\r\n'],
  ['push', { kind: 'push', items: [R.bulk('message'), R.bulk('ch'), R.bulk('hi')] }, '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'],
];

describe('resp/encoder: golden bytes', () => {
  for (const [name, reply, resp2, resp3] of GOLDEN) {
    it(`${name} (RESP2 and RESP3)`, () => {
      assert.equal(encode(reply, 2), resp2, 'RESP2');
      assert.equal(encode(reply, 3), resp3, 'RESP3');
    });
  }
});

describe('resp/output-buffer', () => {
  it('batches many replies into one Buffer and starts fresh after take', () => {
    const out = new OutputBuffer();
    for (let i = 0; i < 10_000; i++) encodeReply(out, R.integer(i), 2);
    const first = out.take();
    assert.ok(Buffer.isBuffer(first), 'one Buffer for the whole batch');
    assert.ok(first.toString('latin1').startsWith(':0\r\n:1\r\n:2\r\n'));
    assert.ok(first.toString('latin1').endsWith(':9999\r\n'));
    assert.equal(out.take(), null);
    encodeReply(out, R.OK, 2);
    assert.equal(String(out.take()), '+OK\r\n');
    assert.ok(first.toString('latin1').endsWith(':9999\r\n'), 'earlier batch untouched');
  });

  it('passes large values by reference, in order', () => {
    const big = Buffer.alloc(100_000, 97);
    const out = new OutputBuffer();
    encodeReply(out, R.OK, 2);
    encodeReply(out, R.bulk(big), 2);
    encodeReply(out, R.ONE, 2);
    assert.equal(out.size, 5 + 9 + 100_000 + 2 + 4);
    const data = out.take();
    assert.ok(Array.isArray(data));
    assert.ok(data.includes(big), 'the value itself, not a copy');
    assert.equal(Buffer.concat(data).toString('latin1'), `+OK\r\n$100000\r\n${'a'.repeat(100_000)}\r\n:1\r\n`);
  });
});
