// Runs one probe on its schedule and applies the thresholds: the result flips
// to failure after failureThreshold consecutive failures and to success after
// successThreshold consecutive successes (defaults 3 and 1, period 10 s).
import type { V1Probe } from '@kubernetes/client-node';
import type { ProbeResult } from './probe-check.js';

export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly probe: V1Probe,
    private readonly check: () => Promise<ProbeResult>,
    /** Called when the thresholded result changes (and for the first decided result). */
    private readonly onResult: (ok: boolean, message: string) => void,
  ) {}

  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const result = await this.check().catch((e: unknown): ProbeResult => ({ ok: false, message: (e as Error).message }));
    if (this.stopped) return;
    if (result.ok) {
      this.failures = 0;
      if (++this.successes >= (this.probe.successThreshold ?? 1)) this.onResult(true, '');
    } else {
      this.successes = 0;
      if (++this.failures >= (this.probe.failureThreshold ?? 3)) this.onResult(false, result.message);
    }
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
  }
}
