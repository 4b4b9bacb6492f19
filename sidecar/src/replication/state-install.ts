import { decodeOperation } from '../codec/operation-codec.js';
import { decodeStateHeader } from '../codec/state-codec.js';
import { vvDominates } from '../crdt/version-vector.js';
import type { OpLog } from '../oplog/index.js';
import type { CausalBuffer } from '../replica/causal-buffer.js';
import type { ReplicaEngine } from '../replica/engine.js';
import { encodeState, installStateNow } from '../replica/snapshots.js';
import type { Operation } from '../store/effects.js';
import type { LogIndex } from './log-index.js';
import { readOpHeader } from './op-header.js';
import { vvFromWire } from './wire.js';

export interface InstallContext {
  readonly engine: ReplicaEngine;
  readonly log: OpLog;
  readonly index: LogIndex;
  readonly buffer: CausalBuffer;
}

export interface InstallReport {
  readonly keys: number;
  /** Our operations the transferred state lacked, re-applied on top of it. */
  readonly reapplied: number;
}

/** The state's version vector, from its header chunk. */
export function stateVersionVector(chunks: readonly Buffer[]): Map<string, number> {
  const first = chunks[0];
  if (first === undefined) throw new Error('empty state transfer');
  const header = decodeStateHeader(first);
  return vvFromWire((header.versionVector ?? []).map((e) => ({ replica: e.replica ?? '', seq: Number(e.seq ?? 0) })));
}

/** Every op in our log (and ring) that `covered` lacks, in log order (a causal order). */
async function opsMissingFrom(ctx: InstallContext, covered: ReadonlyMap<string, number>): Promise<Operation[]> {
  const missing: Operation[] = [];
  let lastLsn = ctx.index.firstLsn;
  const take = (lsn: number, bytes: Buffer): void => {
    lastLsn = lsn;
    const header = readOpHeader(bytes);
    if (header !== undefined && (covered.get(header.origin) ?? 0) < header.seq) missing.push(decodeOperation(bytes));
  };
  await ctx.log.replay(lastLsn, take);
  // Appended since (or not written yet): the in-memory ring has them.
  for (const record of ctx.index.recent.after(lastLsn, Number.MAX_SAFE_INTEGER)) take(record.lsn, record.bytes);
  return missing;
}

/**
 * Replaces our state with a peer's full state (DESIGN.md §6: a replica that fell behind
 * the peer's retained log). When we hold operations the state lacks (writes made here,
 * or received from others, while we were cut off), they are read back from our op log,
 * and re-applied on top of the installed state through the causal buffer, so nothing we
 * acknowledged is lost. That needs our log to reach back past everything the state lacks;
 * if it does not, the transfer is refused (and our state kept).
 */
export async function installPeerState(ctx: InstallContext, chunks: readonly Buffer[]): Promise<InstallReport> {
  const stateVv = stateVersionVector(chunks);
  const { engine, index } = ctx;
  let missing: Operation[] = [];
  if (!vvDominates(stateVv, engine.vv)) {
    if (!vvDominates(stateVv, index.baseVersionVector)) throw new Error('the transferred state lacks operations our op log no longer holds; keeping our state');
    missing = await opsMissingFrom(ctx, stateVv);
  }
  // Our state as it is: put back if our operations cannot be re-applied on the peer's
  // state (e.g. an insert anchored on an element it collected), so none of them is lost.
  const previous = encodeState(engine);
  const previousIndex = index.save();
  // From here on synchronous: no command or replicated batch runs between clearing our
  // state and the end of the swap (or of putting our state back).
  try {
    const keys = replaceState(ctx, chunks);
    index.resetAt(engine.vv);
    const reapplied = ctx.buffer.offer(missing);
    if (ctx.buffer.waiting > 0) throw new Error(`${ctx.buffer.waiting} of our operations could not be re-applied on the transferred state`);
    return { keys, reapplied };
  } catch (error) {
    replaceState(ctx, previous);
    index.restore(previousIndex);
    throw new Error(`${(error as Error).message}; kept our own state`);
  }
}

function replaceState(ctx: InstallContext, chunks: readonly Buffer[]): number {
  ctx.engine.keyspace.clear();
  ctx.buffer.clear();
  ctx.engine.vv.clear();
  return installStateNow(ctx.engine, chunks);
}
