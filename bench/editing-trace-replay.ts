/**
 * Loading and replaying a real editing trace (josephg/editing-traces format, see
 * /work/shared/data/editing-traces/README.md) into the RGA list: every patch
 * [position, deleted, inserted] at a visible code-point position becomes one
 * `list.remove` of the ids at those positions and one `list.insert` of the inserted
 * code points after the element at position - 1, exactly as LREM/LINSERT would.
 * Shared by bench/editing-trace.ts (full trace) and the unit test (a prefix).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  anchorForIndex, applyListEffect, createList, idAt, type ElementId, type ListState,
} from '../sidecar/src/crdt/rga.js';

export type Patch = readonly [position: number, deleted: number, inserted: string];

export interface Trace {
  readonly endContent: string;
  readonly patches: readonly Patch[];
}

export const TRACE_DIR = '/work/shared/data/editing-traces';

function isPatch(value: unknown): value is Patch {
  return Array.isArray(value) && value.length === 3 && typeof value[0] === 'number'
    && typeof value[1] === 'number' && typeof value[2] === 'string';
}

/** Reads a gzipped trace and flattens its transactions into one list of patches. */
export function loadTrace(path: string): Trace {
  const parsed: unknown = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('txns' in parsed) || !('endContent' in parsed)) {
    throw new Error(`${path}: not an editing trace`);
  }
  const { txns, endContent } = parsed;
  if (!Array.isArray(txns) || typeof endContent !== 'string') throw new Error(`${path}: not an editing trace`);
  const patches: Patch[] = [];
  for (const txn of txns as unknown[]) {
    const list = typeof txn === 'object' && txn !== null && 'patches' in txn ? txn.patches : undefined;
    if (!Array.isArray(list)) throw new Error(`${path}: transaction without patches`);
    for (const patch of list as unknown[]) {
      if (!isPatch(patch)) throw new Error(`${path}: malformed patch`);
      patches.push(patch);
    }
  }
  return { endContent, patches };
}

/** Replays `patches` into a fresh list as one replica would; returns the list. */
export function replayIntoRga(patches: readonly Patch[]): ListState {
  const state = createList();
  let seq = 0;
  const deps = new Map<string, number>();
  const context = () => {
    seq++;
    return { origin: 'editor', seq, hlc: seq, deps };
  };
  for (const [position, deleted, inserted] of patches) {
    if (deleted > 0) {
      const ids: ElementId[] = [];
      for (let i = 0; i < deleted; i++) ids.push(idAt(state, position + i) as ElementId);
      applyListEffect(state, { type: 'list.remove', ids }, context());
    }
    if (inserted.length > 0) {
      const values = Array.from(inserted, (char) => Buffer.from(char, 'utf8'));
      applyListEffect(state, { type: 'list.insert', anchor: anchorForIndex(state, position), values }, context());
    }
  }
  return state;
}

/** The same patches on a plain array of code points: the reference result. */
export function replayIntoArray(patches: readonly Patch[]): string {
  const doc: string[] = [];
  for (const [position, deleted, inserted] of patches) doc.splice(position, deleted, ...Array.from(inserted));
  return doc.join('');
}
