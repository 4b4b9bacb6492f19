import assert from 'node:assert/strict';
import { decodeChunks, splittings, b, type DecodeOptions, type Decoded } from './chunking.js';

interface Case {
  readonly name: string;
  readonly input: string;
  readonly commands: string[][];
  readonly error?: string;
  readonly opts?: DecodeOptions;
}

/**
 * Every case runs as one chunk, byte by byte and in random splits: the result must
 * not depend on how TCP cut the stream. Expected errors and behaviours were
 * recorded against redis-server 7.0.15.
 */
const CASES: Case[] = [
  { name: 'multibulk', input: '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', commands: [['GET', 'k']] },
  {
    name: 'pipelined multibulk',
    input: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n',
    commands: [['SET', 'k', 'v'], ['GET', 'k'], ['PING']],
  },
  { name: 'empty bulk', input: '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n', commands: [['ECHO', '']] },
  {
    name: 'binary bulk with CR, LF, NUL and high bytes',
    input: '*2\r\n$4\r\nECHO\r\n$6\r\na\r\n\x00\xff\x80\r\n',
    commands: [['ECHO', 'a\r\n\x00\xff\x80']],
  },
  { name: 'inline with CRLF', input: 'PING\r\n', commands: [['PING']] },
  { name: 'inline with bare LF', input: 'PING\nPING\n', commands: [['PING'], ['PING']] },
  { name: 'inline whitespace', input: '  set \t a   b \r\n', commands: [['set', 'a', 'b']] },
  { name: 'empty lines are skipped', input: '\r\n\r\n  \r\nPING\r\n', commands: [['PING']] },
  { name: '*0 and *-1 are skipped', input: '*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n', commands: [['PING']] },
  { name: 'inline then multibulk', input: 'PING\r\n*1\r\n$4\r\nPING\r\n', commands: [['PING'], ['PING']] },
  {
    name: 'bulk terminator is skipped unchecked, as Redis does',
    input: '*2\r\n$4\r\nECHOxx$1\r\nayyPING\r\n',
    commands: [['ECHO', 'a'], ['PING']],
  },
  { name: 'count line needs one byte after CR', input: '*1\r', commands: [] },
  { name: 'incomplete bulk waits', input: '*2\r\n$4\r\nECHO\r\n$5\r\nab', commands: [] },
  { name: 'inline double quotes', input: 'set "a b" "c\\"d"\r\n', commands: [['set', 'a b', 'c"d']] },
  { name: 'inline hex escapes', input: 'echo "\\x41\\x4g\\n"\r\n', commands: [['echo', 'Ax4g\n']] },
  {
    name: 'inline C escapes',
    input: 'echo "\\q\\n\\r\\t\\b\\a\\\\\\""\r\n',
    commands: [['echo', 'q\n\r\t\b\x07\\"']],
  },
  { name: 'inline short hex is literal', input: 'echo "\\x4"\r\n', commands: [['echo', 'x4']] },
  { name: 'inline single quotes', input: "echo 'a\\'b' '\\x41\\n'\r\n", commands: [['echo', "a'b", '\\x41\\n']] },
  { name: 'inline empty quoted arg', input: 'echo ""\r\n', commands: [['echo', '']] },
  { name: 'inline quote inside a word', input: 'echo a"b c"\r\n', commands: [['echo', 'ab c']] },
  { name: 'inline quote then tab', input: 'echo "abc"\t\r\n', commands: [['echo', 'abc']] },
  // Redis finds line ends with strchr, which stops at NUL: the request stalls.
  { name: 'inline NUL stalls the line', input: 'echo a\x00b c\r\nPING\r\n', commands: [] },
  { name: 'count line NUL stalls', input: '*1\x00\r\n$4\r\nPING\r\n', commands: [] },
  { name: 'inline NUL then 64 KB', input: 'echo a\x00' + 'x'.repeat(65536), commands: [], error: 'too big inline request' },
  { name: 'unbalanced double quote', input: 'PING\r\necho "abc\r\nPING\r\n', commands: [['PING']], error: 'unbalanced quotes in request' },
  { name: 'closing quote followed by text', input: 'echo "a"b\r\n', commands: [], error: 'unbalanced quotes in request' },
  { name: 'closing single quote followed by text', input: "echo 'a'b\r\n", commands: [], error: 'unbalanced quotes in request' },
  { name: 'adjacent quoted args', input: 'echo "a""b"\r\n', commands: [], error: 'unbalanced quotes in request' },
  { name: 'invalid multibulk length: letters', input: '*a\r\n', commands: [], error: 'invalid multibulk length' },
  { name: 'invalid multibulk length: empty', input: '*\r\n', commands: [], error: 'invalid multibulk length' },
  { name: 'invalid multibulk length: plus sign', input: '*+5\r\nx', commands: [], error: 'invalid multibulk length' },
  { name: 'invalid multibulk length: leading zero', input: '*01\r\n', commands: [], error: 'invalid multibulk length' },
  { name: 'invalid multibulk length: space', input: '*1 \r\n', commands: [], error: 'invalid multibulk length' },
  { name: 'invalid multibulk length: > INT_MAX', input: '*2147483648\r\n', commands: [], error: 'invalid multibulk length' },
  { name: 'multibulk length INT_MAX is accepted (Redis 7.0)', input: '*2147483647\r\n$4\r\nPING\r\n', commands: [] },
  { name: 'invalid bulk length: negative', input: '*1\r\n$-1\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'invalid bulk length: letters', input: '*1\r\n$a\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'invalid bulk length: empty', input: '*1\r\n$\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'invalid bulk length: leading zero', input: '*1\r\n$01\r\nx\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'invalid bulk length: space', input: '*1\r\n$ 4\r\nPING\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'invalid bulk length: over 512 MB', input: '*1\r\n$536870913\r\n', commands: [], error: 'invalid bulk length' },
  { name: 'bulk length 512 MB is accepted', input: '*1\r\n$536870912\r\n', commands: [] },
  { name: 'invalid bulk length: int64 overflow', input: '*1\r\n$99999999999999999999\r\n', commands: [], error: 'invalid bulk length' },
  { name: "expected '$'", input: '*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', commands: [], error: "expected '$', got 'f'" },
  { name: "expected '$' shows CR as a space", input: '*1\r\n\r\n', commands: [], error: "expected '$', got ' '" },
  { name: "expected '$' shows LF as a space", input: '*1\r\n\n\r\n', commands: [], error: "expected '$', got ' '" },
  { name: "expected '$' with a high byte", input: '*1\r\n\xff\r\n', commands: [], error: "expected '$', got '\xff'" },
  {
    name: 'replies before an error are kept',
    input: '*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n',
    commands: [['PING']],
    error: 'invalid multibulk length',
  },
  {
    name: 'unauthenticated: 10 args allowed',
    input: '*10\r\n' + '$1\r\na\r\n'.repeat(10),
    commands: [Array<string>(10).fill('a')],
    opts: { unauthenticated: true },
  },
  { name: 'unauthenticated: 11 args', input: '*11\r\n', commands: [], error: 'unauthenticated multibulk length', opts: { unauthenticated: true } },
  { name: 'unauthenticated: bulk 16384 allowed', input: '*1\r\n$16384\r\n', commands: [], opts: { unauthenticated: true } },
  { name: 'unauthenticated: bulk 16385', input: '*1\r\n$16385\r\n', commands: [], error: 'unauthenticated bulk length', opts: { unauthenticated: true } },
  { name: 'authenticated: 11 args fine', input: '*11\r\n', commands: [] },
  { name: 'inline of 64 KB without newline waits', input: 'x'.repeat(65536), commands: [] },
  { name: 'too big inline request', input: 'x'.repeat(65537), commands: [], error: 'too big inline request' },
  { name: 'too big inline after a command', input: '*1\r\n$4\r\nPING\r\n' + 'x'.repeat(70000), commands: [['PING']], error: 'too big inline request' },
  { name: 'PING then 64 KB of pending inline', input: 'PING\r\n' + 'x'.repeat(65536), commands: [['PING']] },
  { name: 'too big mbulk count string', input: '*' + '1'.repeat(70000), commands: [], error: 'too big mbulk count string' },
  { name: 'too big bulk count string (digits)', input: '*1\r\n$' + '1'.repeat(70000), commands: [], error: 'too big bulk count string' },
  { name: 'too big bulk count string (no CR)', input: '*1\r\n' + 'x'.repeat(70000), commands: [], error: 'too big bulk count string' },
  { name: 'configured proto-max-bulk-len', input: '*1\r\n$11\r\n', commands: [], error: 'invalid bulk length', opts: { limits: { maxBulkLen: 10 } } },
  { name: 'configured multibulk limit', input: '*4\r\n', commands: [], error: 'invalid multibulk length', opts: { limits: { maxMultibulkLen: 3 } } },
  { name: 'query buffer limit closes without reply', input: '*1\r\n$100\r\n' + 'x'.repeat(60), commands: [], error: '(close)', opts: { limits: { maxQueryBuffer: 50 } } },
];

const expected = (c: Case): Decoded => ({
  commands: c.commands,
  error: c.error === undefined ? null : c.error === '(close)' ? '(close)' : `ERR Protocol error: ${c.error}`,
});

describe('resp/decoder: request cases (each whole, byte by byte, random splits)', () => {
  CASES.forEach((c, i) => {
    it(c.name, () => {
      for (const { name, chunks } of splittings(b(c.input), 1000 + i)) {
        assert.deepEqual(decodeChunks(chunks, c.opts), expected(c), name);
      }
    });
  });
});
