import type { OperationSink } from '../replica/engine.js';
import type { Effect, KeyedEffect, Operation } from '../store/effects.js';
import type { Keyspace } from '../store/keyspace.js';
import { writeEffect } from './effect-writer.js';
import { writeKey } from './materialise.js';
import type { MirrorLink } from './mirror-link.js';
import { ReplicatedExpiry } from './replicated-expiry.js';

/** What the write-behind needs from the mirror's lifecycle. */
export interface WriteTarget {
  /** The link to write to, or undefined while writes cannot be sent (down, or waiting for a rebuild). */
  writableLink(): MirrorLink | undefined;
  /** The queue bound was hit: stop writing and rebuild once the link drains. */
  overflow(reason: string): void;
  /** A write was dropped while the mirror was unreachable (a rebuild will cover it). */
  dropped(): void;
}

export interface WriteBehindLimits {
  /** Encoded or socket-buffered bytes not yet on the wire. */
  readonly maxBufferedBytes: number;
  /** Commands sent but not yet answered by the mirror. */
  readonly maxDepth: number;
}

/**
 * The op sink that keeps the mirror close behind the store (DESIGN.md §1): every applied
 * op, local or replicated, becomes the commands that reproduce its materialised effect,
 * encoded into the link's batch for this event-loop turn. It never waits and never
 * throws at the writer: when the mirror is down or the queue is full it drops the write
 * and the mirror is rebuilt from the store later.
 */
export class WriteBehind implements OperationSink {
  /** Ops still expected in the current atomic group (MULTI/EXEC): their keys are rewritten whole. */
  private groupRemaining = 0;
  commandsWritten = 0;
  readonly replicatedExpiry: ReplicatedExpiry;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly target: WriteTarget,
    private readonly limits: WriteBehindLimits,
    private readonly clock: () => number = Date.now,
  ) {
    this.replicatedExpiry = new ReplicatedExpiry(keyspace, clock, () => target.writableLink());
  }

  onOperation(op: Operation, local: boolean): void {
    const inGroup = this.trackGroup(op);
    const link = this.target.writableLink();
    if (link === undefined) return this.target.dropped();
    if (link.bufferedBytes > this.limits.maxBufferedBytes || link.depth > this.limits.maxDepth) {
      return this.target.overflow(`write-behind queue full (${link.depth} commands, ${link.bufferedBytes} bytes pending)`);
    }
    const commands = this.write(link, op, inGroup, local);
    this.commandsWritten += commands;
    link.wrote(commands);
  }

  /**
   * A local MULTI publishes its ops only after all of them applied, so an op's own
   * effect can no longer be read from the store: such ops rewrite their keys whole.
   */
  private trackGroup(op: Operation): boolean {
    if (op.atomicGroup > 1) {
      this.groupRemaining = op.atomicGroup - 1;
      return true;
    }
    if (this.groupRemaining === 0) return false;
    this.groupRemaining -= 1;
    return true;
  }

  private write(link: MirrorLink, op: Operation, whole: boolean, local: boolean): number {
    const now = this.clock();
    const { effects } = op;
    const only = effects[0];
    if (effects.length === 1 && only !== undefined) {
      return whole ? writeKey(link.writer, this.keyspace, only.key, now) : this.writeOne(link, only.key, only.effect, op, local, now);
    }
    return this.writeMany(link, effects, op, whole, local, now);
  }

  private writeOne(link: MirrorLink, key: string, effect: Effect, op: Operation, local: boolean, now: number): number {
    if (!local && effect.type === 'key.expire') return this.replicatedExpiry.write(link, key, now);
    return writeEffect(link.writer, this.keyspace, key, effect, op.ctx, now);
  }

  /** Several effects: a key touched once gets its effect, a key touched more is rewritten once. */
  private writeMany(link: MirrorLink, effects: readonly KeyedEffect[], op: Operation, whole: boolean, local: boolean, now: number): number {
    const perKey = new Map<string, Effect | null>();
    for (const { key, effect } of effects) perKey.set(key, perKey.has(key) || whole ? null : effect);
    let commands = 0;
    for (const [key, effect] of perKey) {
      commands += effect === null ? writeKey(link.writer, this.keyspace, key, now) : this.writeOne(link, key, effect, op, local, now);
    }
    return commands;
  }
}
