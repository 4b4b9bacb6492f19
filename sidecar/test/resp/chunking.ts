import { RequestDecoder } from '../../src/resp/decoder.js';
import { DEFAULT_LIMITS, type RequestLimits } from '../../src/resp/limits.js';

/** What a decoder produced for a whole input: commands (latin1) and the final error. */
export interface Decoded {
  readonly commands: string[][];
  /** The error reply, `'(close)'` for a silent close, or null. */
  readonly error: string | null;
}

export interface DecodeOptions {
  readonly limits?: Partial<RequestLimits>;
  readonly unauthenticated?: boolean;
}

/** Feeds `chunks` one by one, draining the decoder after each. */
export function decodeChunks(chunks: readonly Buffer[], opts: DecodeOptions = {}): Decoded {
  const d = new RequestDecoder({ ...DEFAULT_LIMITS, ...opts.limits });
  d.unauthenticated = opts.unauthenticated ?? false;
  const commands: string[][] = [];
  for (const chunk of chunks) {
    d.push(chunk);
    for (let args = d.next(); args !== null; args = d.next()) {
      commands.push(args.map((a) => a.toString('latin1')));
    }
    if (d.error !== null) break;
  }
  const error = d.error === null ? null : (d.error.reply ?? '(close)');
  return { commands, error };
}

/** The three ways every decoder case is run: whole, byte by byte, random splits. */
export function splittings(input: Buffer, seed: number, randomRuns = input.length > 10_000 ? 2 : 8): { name: string; chunks: Buffer[] }[] {
  const out = [
    { name: 'one chunk', chunks: [input] },
    { name: 'byte by byte', chunks: Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1)) },
  ];
  let state = seed >>> 0 || 1;
  const rand = (n: number): number => {
    // xorshift32: deterministic, so a failing split can be reproduced from the seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  for (let r = 0; r < randomRuns; r++) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; ) {
      const len = 1 + rand(Math.min(input.length - i, 1 + rand(64)));
      chunks.push(input.subarray(i, i + len));
      i += len;
    }
    out.push({ name: `random split ${r} (seed ${seed})`, chunks });
  }
  return out;
}

export const b = (s: string): Buffer => Buffer.from(s, 'latin1');
