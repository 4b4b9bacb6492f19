import type { Operation } from '../store/effects.js';
import type { OperationSink } from './engine.js';

/**
 * Per origin, the deps of the latest operation of that origin applied here: the lower
 * bound on the deps of every later op of that origin (stability.ts). Holds a reference
 * to each op's deps map (ops never mutate it), so it costs one Map.set per op.
 * A stale entry (an older op's deps, e.g. after a full-state install) is only a lower
 * bound, which is safe: GC then waits longer.
 */
export class LatestDeps implements OperationSink {
  readonly byOrigin = new Map<string, ReadonlyMap<string, number>>();

  onOperation(op: Operation): void {
    this.byOrigin.set(op.ctx.origin, op.ctx.deps);
  }
}
