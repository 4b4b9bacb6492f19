/** One blocked WAIT / CRDT.WAIT: done when `satisfied()` says so, or at its deadline. */
interface Waiter {
  readonly deadline: number;
  readonly check: () => boolean;
  readonly timeout: () => void;
}

/**
 * Clients blocked until peers acknowledge our operations. Re-checked on every ack and
 * every 100 ms while any wait (peer liveness changes with time, not only with acks).
 */
export class AckWaiters {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;

  /** `check` returns true (and replies) when done; `timeout` replies at the deadline (Infinity: never). */
  add(deadline: number, check: () => boolean, timeout: () => void): () => void {
    if (check()) return () => undefined;
    const waiter: Waiter = { deadline, check, timeout };
    this.waiters.add(waiter);
    this.timer ??= setInterval(() => this.checkAll(), 100);
    return () => this.remove(waiter);
  }

  private remove(waiter: Waiter): void {
    this.waiters.delete(waiter);
    if (this.waiters.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  checkAll(): void {
    const now = Date.now();
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) this.remove(waiter);
      else if (now >= waiter.deadline) {
        this.remove(waiter);
        waiter.timeout();
      }
    }
  }

  /** Replies to everyone (shutdown). */
  flush(): void {
    for (const waiter of [...this.waiters]) {
      this.remove(waiter);
      if (!waiter.check()) waiter.timeout();
    }
  }

  get size(): number {
    return this.waiters.size;
  }
}
