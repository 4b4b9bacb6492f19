/**
 * Hybrid logical clock, packed into one safe integer: `physicalMs * 1000 + logical`.
 *
 * Kulkarni et al., "Logical Physical Clocks" (2014): a timestamp never goes backwards,
 * stays close to physical time, and is advanced past every timestamp we receive, so a
 * causally later op always carries a larger timestamp than anything it observed.
 * Packing keeps comparisons to one number compare; when more than 1000 events fall in
 * one millisecond the logical part simply carries into the physical part, which keeps
 * the order total and monotonic (the clock then runs a little ahead, as HLCs may).
 * 1.8e12 ms * 1000 is below 2^53, so the packing is exact for the next ~250 years.
 */
export type Hlc = number;

const LOGICAL_PER_MS = 1000;

/** The timestamp for a new local event, given the last one issued and the wall clock. */
export function nextHlc(last: Hlc, nowMs: number): Hlc {
  const physical = Math.floor(nowMs) * LOGICAL_PER_MS;
  return physical > last ? physical : last + 1;
}

/** The clock after receiving a remote timestamp: never behind anything observed. */
export function observeHlc(last: Hlc, remote: Hlc): Hlc {
  return remote > last ? remote : last;
}

/** The physical milliseconds of a timestamp (for lag reporting). */
export function hlcPhysicalMs(hlc: Hlc): number {
  return Math.floor(hlc / LOGICAL_PER_MS);
}
