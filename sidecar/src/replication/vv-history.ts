import { vvDominates } from '../crdt/version-vector.js';

interface Sample {
  readonly at: number;
  readonly vv: ReadonlyMap<string, number>;
}

/**
 * Our version vector sampled every `everyMs` (10 minutes kept), to turn a peer's acked
 * vector into a lag in milliseconds: the age of the oldest sample it does not cover.
 */
export class VvHistory {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly current: () => ReadonlyMap<string, number>, private readonly everyMs = 100, private readonly keepMs = 600_000) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  private sample(): void {
    const now = Date.now();
    const last = this.samples[this.samples.length - 1];
    const vv = this.current();
    if (last !== undefined && vvDominates(last.vv, vv)) return; // nothing new: keep the older sample
    this.samples.push({ at: now, vv: new Map(vv) });
    const cutoff = now - this.keepMs;
    let drop = 0;
    while (drop < this.samples.length - 1 && this.samples[drop]!.at < cutoff) drop += 1;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }

  /** ms since the oldest state of ours that `acked` does not cover (0 when it covers all). */
  lagMs(acked: ReadonlyMap<string, number>, now = Date.now()): number {
    if (vvDominates(acked, this.current())) return 0;
    for (const sample of this.samples) {
      if (!vvDominates(acked, sample.vv)) return Math.max(0, now - sample.at);
    }
    return Math.max(0, now - (this.samples[this.samples.length - 1]?.at ?? now));
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
