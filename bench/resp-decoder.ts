/**
 * Request decoding throughput: our RequestDecoder against redis-parser (the
 * project's default choice) on the same pipelined SET/GET stream, in one run,
 * interleaved (A, B, A, B) because these machines are noisy. Not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/resp-decoder.js [commands]
 *
 * redis-parser parses RESP *replies*; a multibulk request happens to be a valid
 * reply (an array of bulk strings), so it can decode this stream, but it has no
 * inline commands and none of Redis's server-side limits or error texts.
 */
import RedisParser from 'redis-parser';
import { RequestDecoder } from '../sidecar/src/resp/decoder.js';

const COMMANDS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;

function multibulk(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** SET key:i <16-byte value> / GET key:i, alternating, as redis-benchmark sends them. */
function commands(n: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `key:${String(i % 100_000).padStart(12, '0')}`;
    parts.push(i % 2 === 0 ? multibulk(['SET', key, 'v'.repeat(16)]) : multibulk(['GET', key]));
  }
  return parts;
}

/** Reads that each hold exactly `per` whole commands, as a client pipelining `-P per` sends. */
function perCommands(cmds: string[], per: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < cmds.length; i += per) out.push(socketChunk(Buffer.from(cmds.slice(i, i + per).join(''), 'latin1')));
  return out;
}

/**
 * A read as node:net delivers it: a Buffer with its own, exactly sized memory
 * (checked on Node 20: `chunk.buffer.byteLength === chunk.length`), not a pooled
 * slice, which matters to the decoder's copy-or-slice choice.
 */
function socketChunk(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  bytes.copy(out);
  return out;
}

/** Cuts the stream as the socket would: fixed-size reads. */
function chunk(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(socketChunk(data.subarray(i, i + size)));
  return out;
}

function runOurs(chunks: Buffer[]): number {
  const d = new RequestDecoder();
  let n = 0;
  for (const c of chunks) {
    d.push(c);
    for (let args = d.next(); args !== null; args = d.next()) n += args.length > 0 ? 1 : 0;
  }
  return n;
}

function runRedisParser(chunks: Buffer[]): number {
  let n = 0;
  const p = new RedisParser({
    returnReply: (reply: unknown) => {
      if (Array.isArray(reply)) n++;
    },
    returnError: (err: Error) => {
      throw err;
    },
    returnBuffers: true,
  });
  for (const c of chunks) p.execute(c);
  return n;
}

function measure(name: string, fn: (chunks: Buffer[]) => number, chunks: Buffer[]): number {
  const t0 = process.hrtime.bigint();
  const n = fn(chunks);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (n !== COMMANDS) throw new Error(`${name} decoded ${n} of ${COMMANDS}`);
  return COMMANDS / ms / 1000; // M commands / s
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function compare(label: string, chunks: Buffer[]): void {
  const ours: number[] = [];
  const theirs: number[] = [];
  measure('warm-up', runOurs, chunks);
  measure('warm-up', runRedisParser, chunks);
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(measure('RequestDecoder', runOurs, chunks));
    theirs.push(measure('redis-parser', runRedisParser, chunks));
  }
  const a = median(ours);
  const b = median(theirs);
  console.log(
    `${label.padEnd(34)} RequestDecoder ${a.toFixed(2)} M cmd/s   redis-parser ${b.toFixed(2)} M cmd/s   ratio ${(a / b).toFixed(2)}x`,
  );
}

const cmds = commands(COMMANDS);
const data = Buffer.from(cmds.join(''), 'latin1');
console.log(`${COMMANDS} pipelined SET/GET commands, ${(data.length / 1e6).toFixed(1)} MB, median of ${ROUNDS} interleaved rounds`);
compare('64 KB reads (deep pipeline)', chunk(data, 65536));
compare('16 whole commands per read (-P 16)', perCommands(cmds, 16));
compare('1 whole command per read (-P 1)', perCommands(cmds, 1));
compare('~47-byte reads cutting commands', chunk(data, Math.round(data.length / COMMANDS)));
