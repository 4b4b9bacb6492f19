import type { Keyspace } from '../store/keyspace.js';
import type { MirrorLink } from './mirror-link.js';

/**
 * Notices a mirror that lost data behind our back (someone's FLUSHALL, a restart the
 * link did not see): DBSIZE is sent on the write-behind link, so it is answered after
 * every write queued before it, and compared with the store's key count at that point.
 * Keys with a TTL may already be gone from the mirror (Redis expires them itself), so
 * they are the tolerance. Two mismatches in a row count as divergence.
 */
export class DivergenceProbe {
  private timer: NodeJS.Timeout | undefined;
  private strikes = 0;
  private inFlight = false;

  constructor(private readonly keyspace: Keyspace, private readonly onDivergence: (reason: string) => void) {}

  start(intervalMs: number, link: () => MirrorLink | undefined): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => this.check(link()), intervalMs);
    this.timer.unref();
  }

  /** Forgets earlier strikes (a rebuild just started). */
  reset(): void {
    this.strikes = 0;
  }

  check(link: MirrorLink | undefined): void {
    if (link === undefined || this.inFlight) return;
    const expected = this.keyspace.liveSize;
    const tolerance = this.keyspace.expiring.size;
    this.inFlight = true;
    link.send([['DBSIZE']], (replies) => {
      this.inFlight = false;
      if (replies instanceof Error) return;
      const actual = parseInteger(replies[0]);
      if (actual === undefined || (actual <= expected && actual + tolerance >= expected)) {
        this.strikes = 0;
        return;
      }
      this.strikes += 1;
      if (this.strikes < 2) return;
      this.strikes = 0;
      this.onDivergence(`mirror holds ${actual} keys, the store ${expected}`);
    });
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

/** `:N\r\n` → N; anything else → undefined. */
export function parseInteger(reply: Buffer | undefined): number | undefined {
  if (reply === undefined || reply[0] !== 58) return undefined;
  const value = Number(reply.toString('latin1', 1, reply.length - 2));
  return Number.isInteger(value) ? value : undefined;
}
