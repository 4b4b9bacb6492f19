import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestDecoder } from '../../src/resp/decoder.js';
import { DEFAULT_LIMITS } from '../../src/resp/limits.js';
import type { ProtocolError } from '../../src/resp/protocol-errors.js';
import { decodeChunks, splittings } from './chunking.js';

function multibulk(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

const errorOf = (d: RequestDecoder): ProtocolError | null => d.error;

describe('resp/decoder: buffers and ownership', () => {
  it('hands out a large argument as a slice of the chunk (no copy)', () => {
    const value = Buffer.alloc(100_000, 7);
    const input = multibulk([Buffer.from('SET'), Buffer.from('k'), value]);
    const d = new RequestDecoder();
    d.push(input);
    const args = d.next();
    assert.ok(args !== null);
    assert.equal(args[2]?.buffer, input.buffer, 'large arg shares the input memory');
    assert.notEqual(args[1]?.buffer, input.buffer, 'small arg is copied out');
    assert.deepEqual(args[2], value);
  });

  it('a large value received in 64 KB chunks ends up in one exact buffer', () => {
    const value = Buffer.alloc(3_000_000, 1);
    value[12345] = 9;
    const input = multibulk([Buffer.from('SET'), Buffer.from('k'), value]);
    const d = new RequestDecoder();
    let args: Buffer[] | null = null;
    for (let i = 0; i < input.length; i += 65536) {
      d.push(input.subarray(i, i + 65536));
      args = d.next() ?? args;
    }
    assert.ok(args !== null);
    assert.deepEqual(args[2], value);
    assert.ok((args[2]?.buffer.byteLength ?? 0) <= value.length + 65536 * 2, 'no 2x overallocation left behind');
    assert.equal(d.midRequest, false);
  });

  it('counts buffered bytes and reports a command in progress', () => {
    const d = new RequestDecoder();
    d.push(Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nab'));
    assert.equal(d.next(), null);
    assert.equal(d.midRequest, true);
    assert.equal(d.bufferedBytes, 3 + 32 + 2); // GET (+32 per argument object) and the partial 'ab'
    d.push(Buffer.from('c\r\n'));
    assert.deepEqual(d.next()?.map(String), ['GET', 'abc']);
    assert.equal(d.midRequest, false);
    assert.equal(d.bufferedBytes, 0);
  });

  it('the query buffer limit counts arguments already read', () => {
    const d = new RequestDecoder({ ...DEFAULT_LIMITS, maxQueryBuffer: 100 });
    d.push(multibulk([Buffer.alloc(60), Buffer.alloc(60)]).subarray(0, 80));
    assert.equal(d.next(), null);
    assert.equal(d.error, null);
    d.push(Buffer.alloc(50));
    assert.equal(d.next(), null);
    const err = errorOf(d); // a call, so TypeScript does not keep the earlier narrowing
    assert.equal(err?.reason, 'max query buffer length reached');
    assert.equal(err?.reply, null, 'closed without a reply');
  });

  it('empty arguments still count toward the query buffer limit', () => {
    const d = new RequestDecoder({ ...DEFAULT_LIMITS, maxQueryBuffer: 10_000 });
    d.push(Buffer.from('*2147483647\r\n'));
    for (let i = 0; i < 1000 && d.error === null; i++) {
      d.push(Buffer.from('$0\r\n\r\n'));
      d.next();
    }
    assert.equal(errorOf(d)?.reason, 'max query buffer length reached');
  });

  it('stops decoding for good after an error', () => {
    const d = new RequestDecoder();
    d.push(Buffer.from('*x\r\n'));
    assert.equal(d.next(), null);
    d.push(Buffer.from('*1\r\n$4\r\nPING\r\n'));
    assert.equal(d.next(), null);
  });

  it('property: arbitrary binary commands, split anywhere, decode to the same arguments', () => {
    const arg = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
    const cmd = fc.array(arg, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 8 }), fc.integer(), (cmds, seed) => {
        const input = Buffer.concat(cmds.map(multibulk));
        const want = cmds.map((c) => c.map((a) => a.toString('latin1')));
        for (const { chunks } of splittings(input, seed, 2)) {
          assert.deepEqual(decodeChunks(chunks), { commands: want, error: null });
        }
      }),
      { numRuns: 100 },
    );
  });
});
