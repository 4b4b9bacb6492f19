/**
 * The worker loop: take a key, reconcile it, and requeue as the result says.
 * Errors are retried with per-key exponential backoff; success resets it. The
 * reconcile function is level-triggered: it reads the current state for the key
 * and never trusts what the event that queued it said.
 */
import { describeError } from './api-errors.js';
import type { OperatorMetrics } from './metrics.js';
import type { WorkQueue } from './workqueue.js';

export interface ReconcileResult {
  /** Reconcile again after this long even if nothing changes (polling the data plane, timers). */
  requeueAfterMs?: number;
}

export type Reconciler = (key: string) => Promise<ReconcileResult>;

export interface ControllerLogger {
  error(message: string, meta: Record<string, unknown>): void;
  debug(message: string, meta: Record<string, unknown>): void;
}

export class Controller {
  private running: Array<Promise<void>> = [];

  constructor(
    private readonly queue: WorkQueue,
    private readonly reconcile: Reconciler,
    private readonly log: ControllerLogger,
    private readonly metrics?: OperatorMetrics,
  ) {}

  start(workers: number): void {
    for (let i = 0; i < workers; i++) this.running.push(this.work());
  }

  /** Waits for workers to finish their current key once the queue is shut down. */
  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.running = [];
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processOne(key);
    }
  }

  private async processOne(key: string): Promise<void> {
    const stop = this.metrics?.reconcileSeconds.startTimer();
    try {
      const result = await this.reconcile(key);
      this.queue.forget(key);
      this.metrics?.reconcileTotal.inc({ result: 'success' });
      if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const delayMs = this.queue.addRateLimited(key);
      this.metrics?.reconcileTotal.inc({ result: 'error' });
      this.metrics?.retries.inc();
      this.log.error('Reconcile failed', { key, error: describeError(err), retryInMs: delayMs, retries: this.queue.retries(key) });
    } finally {
      stop?.();
      this.queue.done(key);
      this.metrics?.queueDepth.set(this.queue.len());
    }
  }
}
