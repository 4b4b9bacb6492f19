import type { ReplicaEngine } from '../replica/engine.js';
import type { Keyspace } from '../store/keyspace.js';
import type { BLOCKED, Client } from './client.js';
import type { PubSub } from './pubsub-registry.js';
import type { ServerConfig } from './server-config.js';
import type { CommandSpec } from './spec.js';
import type { Session } from './session.js';
import type { Stats } from './stats.js';
import type { WatchRegistry } from './watch-registry.js';
import type { Reply } from '../resp/reply.js';

/** Extra sections for INFO and admin commands provided by outer layers (oplog, replication). */
export interface InfoProvider {
  readonly section: string;
  fields(): [string, string | number][];
}

/** Everything a handler may read, and the engine it emits effects through. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly engine: ReplicaEngine;
  readonly keyspace: Keyspace;
  readonly pubsub: PubSub;
  readonly stats: Stats;
  readonly table: ReadonlyMap<string, CommandSpec>;
  readonly infoProviders: InfoProvider[];
  readonly clients: Set<Client>;
  /** Random numbers in [0, 1) (RANDOMKEY, SPOP); injectable for tests. */
  readonly random: () => number;
  readonly watches: WatchRegistry;
  /** Blocking commands waiting on keys (lists, sorted sets); cancelled on disconnect. */
  blocking: { cancel(client: Client): void; afterCommand(): void } | undefined;
  /** Runs a MULTI queue (set by the dispatcher). */
  execQueued: (client: Client, session: Session) => Reply;
  /** True while the replica drains before leaving the cluster: writes are refused. */
  draining: boolean;
  /**
   * Runs a command the table has no entry for (the mirror's read passthrough). Replies
   * now, or returns BLOCKED and answers later through `client.unblock`. Unset: the
   * dispatcher answers Redis's unknown-command error.
   */
  fallback?: ((client: Client, args: readonly Buffer[]) => Reply | typeof BLOCKED) & {
    /** Whether the fallback knows the command at all (else it is Redis's unknown command). */
    readonly knows?: (args: readonly Buffer[]) => boolean;
  };
}

export interface ExecContext {
  readonly server: ServerContext;
  readonly client: Client;
  /** The wall clock at the start of the command (one read per command, like Redis's cached time). */
  readonly now: number;
}
