/** A random source a failing run can be replayed from (by its seed). */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed by its seed. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number): number => Math.floor(next() * n);
  return { next, below, pick: <T>(items: readonly T[]): T => items[below(items.length)]! };
}

/** The seed of a randomized test: `CHECKER_SEED=n` replays one. */
export function checkerSeed(): number {
  return Number(process.env.CHECKER_SEED ?? Date.now() % 100000);
}
