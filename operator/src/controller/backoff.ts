/**
 * Per-key exponential backoff for failed reconciles (client-go's
 * ItemExponentialFailureRateLimiter): base·2^failures, capped, reset by `forget`.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 5 * 60_000 };

export class ItemBackoff {
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Records a failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long before it matters; the cap keeps it finite.
    return Math.min(this.options.baseMs * 2 ** n, this.options.maxMs);
  }

  /** Clears the failure count after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
