import assert from 'node:assert/strict';
import type { RawClient } from './raw-client.js';

export type Command = readonly (string | Buffer)[];

/** Replies whose bytes legitimately differ between servers are normalised before comparing. */
export type Normaliser = (command: Command, reply: Buffer) => string;

const show = (args: Command): string => args.map((a) => JSON.stringify(typeof a === 'string' ? a : a.toString('latin1'))).join(' ');

/** Byte-exact by default: the reply bytes as latin1. */
export const exact: Normaliser = (_command, reply) => reply.toString('latin1');

/**
 * Runs `commands` one by one against both servers and asserts every reply is equal
 * after normalisation; the failure message shows the command history leading to it.
 */
export async function assertSameReplies(
  redis: RawClient, sidecar: RawClient, commands: readonly Command[], normalise: Normaliser = exact,
): Promise<void> {
  const history: string[] = [];
  for (const command of commands) {
    const [expected, actual] = await Promise.all([redis.call(command), sidecar.call(command)]);
    history.push(show(command));
    const want = normalise(command, expected);
    const got = normalise(command, actual);
    if (want !== got) {
      assert.fail(`Reply differs for: ${show(command)}\n  redis:   ${JSON.stringify(want)}\n  sidecar: ${JSON.stringify(got)}\n  after: ${history.slice(-12).join(' | ')}`);
    }
  }
}

/** A small deterministic PRNG (mulberry32) so random sequences are reproducible from a seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
