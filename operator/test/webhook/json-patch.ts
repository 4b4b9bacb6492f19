/** RFC 6902 `add` (the only op the injector emits), applied as the API server would, for tests. */
import type { JsonPatchOp } from '../../src/webhook/inject-patch.js';

const unescape = (s: string): string => s.replaceAll('~1', '/').replaceAll('~0', '~');

export function applyPatch<T>(doc: T, patch: readonly JsonPatchOp[]): T {
  const out = structuredClone(doc) as unknown;
  for (const op of patch) {
    const segments = op.path.split('/').slice(1).map(unescape);
    const last = segments.pop();
    if (last === undefined) throw new Error(`bad path ${op.path}`);
    let parent: unknown = out;
    for (const s of segments) {
      parent = Array.isArray(parent) ? (parent as unknown[])[Number(s)] : (parent as Record<string, unknown>)[s];
      if (typeof parent !== 'object' || parent === null) throw new Error(`path ${op.path}: ${s} does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!(index >= 0 && index <= parent.length)) throw new Error(`path ${op.path}: index out of range`);
      parent.splice(index, 0, structuredClone(op.value));
    } else {
      (parent as Record<string, unknown>)[last] = structuredClone(op.value);
    }
  }
  return out as T;
}
