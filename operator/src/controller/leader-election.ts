/**
 * The leader election loop. Only the leader runs controllers; a leader that cannot
 * renew within `renewDeadlineMs` steps down (and the process exits, as client-go
 * recommends, so no stale leader keeps writing).
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { tryAcquireOrRenew, type LeaseStore } from './lease.js';

export interface LeaderElectionOptions {
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onError?(err: unknown): void;
  clock?: Clock;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  private timer: { cancel(): void } | undefined;

  constructor(private readonly store: LeaseStore, private readonly options: LeaderElectionOptions) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops campaigning; a leader releases the Lease so a successor need not wait for expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (!this.leading) return;
    this.leading = false;
    const current = await this.store.get().catch(() => undefined);
    if (current?.holder === this.options.identity) {
      await this.store.update({ ...current, holder: '', renewTime: new Date(this.clock.now()) }).catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now();
    let ok = false;
    try {
      ok = await tryAcquireOrRenew(this.store, this.options.identity, new Date(now), Math.ceil(this.options.leaseDurationMs / 1000));
    } catch (err) {
      this.options.onError?.(err);
    }
    if (this.stopped) return;
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.options.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew >= this.options.renewDeadlineMs) {
      this.leading = false;
      this.options.onStoppedLeading();
    }
    this.timer = this.clock.setTimeout(() => void this.tick(), this.options.retryPeriodMs);
  }
}
