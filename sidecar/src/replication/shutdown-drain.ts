/**
 * Leaving cleanly on SIGTERM: before the replication layer stops, give live peers
 * a bounded time to acknowledge every op this replica originated. A pod that goes
 * away (a Deployment scaled down, an injected app pod deleted) otherwise takes
 * with it the acknowledged writes its peers had not pulled yet. Dead or suspect
 * peers are not waited for: they catch up from the others (ops are relayed).
 */
import type { Replication } from './replication.js';

/** Resolves true once every live peer acknowledged `target()` ops of ours, false at the deadline. */
export function waitForLivePeerAcks(replication: Replication, target: () => number, timeoutMs: number): Promise<boolean> {
  const allAcked = (): boolean => {
    const now = Date.now();
    const seq = target();
    return replication.peerRecords()
      .filter((record) => record.liveness(now) === 'alive')
      .every((record) => (record.acked.get(replication.originId) ?? 0) >= seq);
  };
  return new Promise((resolve) => {
    replication.waiters.add(Date.now() + timeoutMs, () => {
      if (!allAcked()) return false;
      resolve(true);
      return true;
    }, () => resolve(false));
  });
}
