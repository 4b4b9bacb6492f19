import { winningTtl } from '../crdt/ttl-register.js';
import type { ReplicaEngine } from './engine.js';

/**
 * Redis's active expire cycle (expire.c activeExpireCycle), simplified: ten times a
 * second, walk up to 20 keys with a TTL; delete the expired ones whose winning TTL this
 * replica owns (DESIGN.md §4: the owner replicates the delete, others only hide the
 * key); repeat while more than a quarter of the sample was expired, within 25 ms.
 */
export class ActiveExpiry {
  private cursor: Iterator<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  expired = 0;

  constructor(private readonly engine: ReplicaEngine, private readonly onExpired: (key: string) => void = () => undefined) {}

  start(intervalMs = 100): void {
    this.timer = setInterval(() => this.cycle(25), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** One cycle with a time budget in ms; returns how many keys it deleted. */
  cycle(budgetMs: number): number {
    const started = Date.now();
    let deleted = 0;
    for (;;) {
      const { sampled, expired } = this.sample(20);
      deleted += expired;
      if (sampled === 0 || expired * 4 <= sampled || Date.now() - started > budgetMs) return deleted;
    }
  }

  private sample(count: number): { sampled: number; expired: number } {
    const { keyspace } = this.engine;
    let sampled = 0;
    let expired = 0;
    const now = this.engine.now();
    while (sampled < count && keyspace.expiring.size > 0) {
      this.cursor ??= keyspace.expiring.values();
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = undefined;
        if (sampled > 0) break;
        continue;
      }
      sampled += 1;
      const key = next.value;
      if (!keyspace.isExpired(key, now)) continue;
      const record = keyspace.record(key);
      if (record === undefined || !this.engine.owns(winningTtl(record.ttl)?.dot.replica)) continue;
      this.engine.expireIfNeeded(key, false);
      this.onExpired(key);
      expired += 1;
      this.expired += 1;
    }
    return { sampled, expired };
  }
}
