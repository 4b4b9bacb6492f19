import { expiresAt } from '../crdt/ttl-register.js';
import type { Keyspace } from '../store/keyspace.js';
import { writeDel, writeKey } from './materialise.js';
import type { MirrorLink } from './mirror-link.js';

const ZERO = Buffer.from(':0\r\n', 'latin1');

/**
 * A replicated EXPIRE or PERSIST can bring a key back: the TTL register resolves by max,
 * so an expiry from a peer that had not seen the key expire outlives the one that hid it
 * here, while the mirror (and Redis's own expiry) had already dropped it. A local one
 * cannot (EXPIRE on a missing key writes nothing). So a replicated expiry change is
 * followed by EXISTS, and a key the mirror no longer has is rewritten whole from the store.
 */
export class ReplicatedExpiry {
  /** Checks sent and not yet answered. */
  inFlight = 0;
  /** Keys rewritten because the mirror had dropped them. */
  rewrites = 0;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly clock: () => number,
    /** The link writes may go to now (undefined while down or suspended). */
    private readonly writable: () => MirrorLink | undefined,
  ) {}

  /** Encodes the key's expiry (or its DEL) on `link`; returns the untracked commands it wrote. */
  write(link: MirrorLink, key: string, now: number): number {
    if (this.keyspace.lookup(key, now) === undefined) return writeDel(link.writer, key);
    const at = expiresAt(this.keyspace.record(key)?.ttl ?? []);
    const change = at === undefined ? ['PERSIST', key] : ['PEXPIREAT', key, String(at)];
    this.inFlight += 1;
    link.send([change, ['EXISTS', key]], (replies) => {
      this.inFlight -= 1;
      // A lost link is rebuilt from the store: nothing to repair here.
      if (replies instanceof Error || !ZERO.equals(replies[1] ?? ZERO) || this.writable() !== link) return;
      this.rewrites += 1;
      link.wrote(writeKey(link.writer, this.keyspace, key, this.clock()));
    });
    return 0;
  }
}
