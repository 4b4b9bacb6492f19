import type { Contributions } from '../crdt/contributions.js';
import type { HashEffect } from '../crdt/hash.js';
import type { SetEffect } from '../crdt/or-set.js';
import type { ListEffect } from '../crdt/rga.js';
import type { ZsetEffect } from '../crdt/sorted-set.js';
import type { ScoreTotals } from '../crdt/sorted-set-score.js';
import type { OpContext } from '../crdt/stamp.js';
import type { StringEffect } from '../crdt/string-register.js';

/**
 * Effects that apply to a key as a whole, whatever its type.
 *
 * `key.del` is an observed-remove of everything the deleting op had seen (DESIGN.md §4):
 * elements and base writes by their dots (through the op's causal context), counter
 * contributions by the totals the deleter observed (`counters`).
 */
export type KeyEffect =
  | {
    readonly type: 'key.del';
    /** The string register's counter totals the deleter had seen. */
    readonly counters: Contributions;
    /** Per hash field, the field's counter totals the deleter had seen (hashes only). */
    readonly fields?: ReadonlyMap<string, Contributions>;
    /** Per sorted-set member, the ZINCRBY totals the deleter had seen (sorted sets only). */
    readonly members?: ReadonlyMap<string, ScoreTotals>;
  }
  /** Expiry write: absolute ms of the origin's clock, or PERSIST_AT (+∞). */
  | { readonly type: 'key.expire'; readonly at: number };

/** Every effect the store can apply. */
export type Effect = KeyEffect | StringEffect | ListEffect | SetEffect | HashEffect | ZsetEffect;

export interface KeyedEffect {
  /** The key as a latin1 string (byte-exact). */
  readonly key: string;
  readonly effect: Effect;
}

/**
 * One operation: the unit of logging, replication and causal delivery. A command that
 * touches several keys is one operation with several effects, applied atomically.
 */
export interface Operation {
  readonly ctx: OpContext;
  readonly effects: readonly KeyedEffect[];
  /**
   * Number of operations (this one included) of one MULTI/EXEC that must be applied
   * together; 0 or 1 for a lone command. Set on the first op of the transaction.
   */
  readonly atomicGroup: number;
  /**
   * The op's wire/log bytes once computed (replica/encoded-ops.ts): a plain field rather
   * than a WeakMap, which showed as 10% of the SET profile.
   */
  encoded?: Buffer;
}
