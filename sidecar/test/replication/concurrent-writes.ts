import { allAlive, converged, eventually, type Member } from './cluster.js';

export type Write = (m: Member) => Promise<unknown>;

/**
 * Deterministic concurrency for the DESIGN.md §4 rules: replication paused on every replica,
 * writes on several replicas (a few ms apart, so the LWW order is known), replication
 * resumed, and the converged answer read on every replica.
 */
export class ConcurrentWrites {
  constructor(private readonly members: readonly Member[]) {}

  /** A replicated starting state, acknowledged by every peer. */
  async seed(write: Write, on: Member = this.members[0]!): Promise<void> {
    await write(on);
    await on.client.call('crdt.wait', '30000');
    await eventually('seed replicated', () => converged(this.members));
  }

  /** Runs writes with every replica partitioned from the others, then heals; returns each write's reply. */
  async run(...writes: [Member, Write][]): Promise<unknown[]> {
    for (const m of this.members) await m.client.call('crdt.pause');
    const replies: unknown[] = [];
    for (const [member, write] of writes) {
      replies.push(await write(member));
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct HLC milliseconds: a deterministic LWW order
    }
    for (const m of this.members) await m.client.call('crdt.resume');
    await allAlive(this.members);
    await eventually('converged', () => converged(this.members));
    return replies;
  }

  /** `read` on every replica. */
  async everywhere<T>(read: (m: Member) => Promise<T>): Promise<T[]> {
    return Promise.all(this.members.map(read));
  }
}
