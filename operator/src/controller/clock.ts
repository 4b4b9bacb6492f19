/** Time and timers as a dependency, so queue and backoff logic can be tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Timers must not keep a shutting-down process alive.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
