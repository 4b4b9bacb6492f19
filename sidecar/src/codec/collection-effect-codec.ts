import type { Contributions } from '../crdt/contributions.js';
import type { HashEffect } from '../crdt/hash.js';
import type { SetEffect } from '../crdt/or-set.js';
import type { ElementId, ListEffect } from '../crdt/rga.js';
import type { ZsetEffect } from '../crdt/sorted-set.js';
import type { ScoreTotal, ScoreTotals } from '../crdt/sorted-set-score.js';
import { decodeContributions, encodeContributions, type WireContribution } from './contributions-codec.js';

/** Wire shapes (protobufjs camelCase) of the collection effects in operation.proto. */
interface WireElementId { replica?: string; seq?: number; index?: number }
interface WireScoreObserved { replica?: string; count?: number; total?: number; epoch?: number }
interface WireFieldObserved { field?: Uint8Array; observed?: WireContribution[] }
interface WireMemberObserved { member?: Uint8Array; observed?: WireScoreObserved[] }
interface WireZsetEntry { member?: Uint8Array; score?: number; observed?: WireScoreObserved[] }

export interface WireCollectionEffect {
  listInsert?: { anchor?: WireElementId | null; values?: Uint8Array[] } | null;
  listRemove?: { ids?: WireElementId[] } | null;
  listSet?: { id?: WireElementId; value?: Uint8Array } | null;
  setAdd?: { members?: Uint8Array[] } | null;
  setRemove?: { members?: Uint8Array[] } | null;
  hashSet?: { fields?: { field?: Uint8Array; value?: Uint8Array; observed?: WireContribution[] }[] } | null;
  hashIncr?: { field?: Uint8Array; delta?: string; newEpoch?: boolean } | null;
  hashIncrFloat?: { field?: Uint8Array; delta?: string; result?: Uint8Array; observed?: WireContribution[]; newEpoch?: boolean } | null;
  hashDelete?: { fields?: WireFieldObserved[] } | null;
  zsetAdd?: { entries?: WireZsetEntry[] } | null;
  zsetIncr?: { member?: Uint8Array; delta?: number; result?: number; counts?: string; basis?: string; newEpoch?: boolean } | null;
  zsetRemove?: { members?: WireZsetEntry[] } | null;
}

export type CollectionEffect = ListEffect | SetEffect | HashEffect | ZsetEffect;

/**
 * A decoded bytes field as a Buffer. An empty value is not on the wire, and protobufjs then
 * reads the field's default: a plain (frozen) empty array, not a Uint8Array.
 */
export const bytesIn = (bytes: Uint8Array | undefined): Buffer =>
  bytes === undefined || bytes.length === 0 ? Buffer.alloc(0) : Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const idOut = (id: ElementId): WireElementId => ({ replica: id.replica, seq: id.seq, index: id.idx });
const idIn = (id: WireElementId | undefined | null): ElementId => ({ replica: id?.replica ?? '', seq: Number(id?.seq ?? 0), idx: id?.index ?? 0 });

export function encodeScoreTotals(totals: ScoreTotals): WireScoreObserved[] {
  return [...totals].map(([replica, t]) => ({ replica, count: t.count, total: t.sum, ...(t.epoch === 0 ? {} : { epoch: t.epoch }) }));
}

export function decodeScoreTotals(wire: readonly WireScoreObserved[] | undefined): ScoreTotals {
  const out = new Map<string, ScoreTotal>();
  for (const t of wire ?? []) out.set(t.replica ?? '', { epoch: Number(t.epoch ?? 0), count: Number(t.count ?? 0), sum: t.total ?? 0 });
  return out;
}

export function encodeFieldObservations(fields: ReadonlyMap<string, Contributions>): WireFieldObserved[] {
  return [...fields].map(([field, observed]) => ({ field: Buffer.from(field, 'latin1'), observed: encodeContributions(observed) }));
}

export function decodeFieldObservations(wire: readonly WireFieldObserved[] | undefined): Map<string, Contributions> {
  return new Map((wire ?? []).map((f) => [bytesIn(f.field).toString('latin1'), decodeContributions(f.observed)]));
}

export function encodeMemberObservations(members: ReadonlyMap<string, ScoreTotals>): WireMemberObserved[] {
  return [...members].map(([member, totals]) => ({ member: Buffer.from(member, 'latin1'), observed: encodeScoreTotals(totals) }));
}

export function decodeMemberObservations(wire: readonly WireMemberObserved[] | undefined): Map<string, ScoreTotals> {
  return new Map((wire ?? []).map((m) => [bytesIn(m.member).toString('latin1'), decodeScoreTotals(m.observed)]));
}

/** Collection effect → the oneof member of KeyedEffect. */
export function encodeCollectionEffect(effect: CollectionEffect): WireCollectionEffect {
  switch (effect.type) {
    case 'list.insert':
      return { listInsert: { anchor: effect.anchor === null ? null : idOut(effect.anchor), values: [...effect.values] } };
    case 'list.remove':
      return { listRemove: { ids: effect.ids.map(idOut) } };
    case 'list.set':
      return { listSet: { id: idOut(effect.id), value: effect.value } };
    case 'set.add':
      return { setAdd: { members: [...effect.members] } };
    case 'set.remove':
      return { setRemove: { members: [...effect.members] } };
    case 'hash.set':
      return { hashSet: { fields: effect.fields.map(([field, value], i) => ({ field, value, observed: encodeContributions(effect.observed[i] ?? new Map()) })) } };
    case 'hash.incr':
      return { hashIncr: { field: effect.field, delta: effect.delta.toString(), ...(effect.newEpoch === true ? { newEpoch: true } : {}) } };
    case 'hash.incrfloat':
      return { hashIncrFloat: { field: effect.field, delta: effect.delta, result: effect.result, observed: encodeContributions(effect.observed), ...(effect.newEpoch === true ? { newEpoch: true } : {}) } };
    case 'hash.del':
      return { hashDelete: { fields: effect.fields.map((field, i) => ({ field, observed: encodeContributions(effect.observed[i] ?? new Map()) })) } };
    case 'zset.add':
      return { zsetAdd: { entries: effect.entries.map(([member, score], i) => ({ member, score, observed: encodeScoreTotals(effect.observed[i] ?? new Map()) })) } };
    case 'zset.incr':
      return {
        zsetIncr: {
          member: effect.member, delta: effect.delta, result: effect.result, counts: effect.counts, basis: effect.basis,
          ...(effect.newEpoch === true ? { newEpoch: true } : {}),
        },
      };
    case 'zset.remove':
      return { zsetRemove: { members: effect.members.map((member, i) => ({ member, observed: encodeScoreTotals(effect.observed[i] ?? new Map()) })) } };
  }
}

/** The oneof member → a collection effect, or undefined when none of them is set. */
export function decodeCollectionEffect(w: WireCollectionEffect): CollectionEffect | undefined {
  if (w.listInsert) return { type: 'list.insert', anchor: w.listInsert.anchor ? idIn(w.listInsert.anchor) : null, values: (w.listInsert.values ?? []).map(bytesIn) };
  if (w.listRemove) return { type: 'list.remove', ids: (w.listRemove.ids ?? []).map(idIn) };
  if (w.listSet) return { type: 'list.set', id: idIn(w.listSet.id), value: bytesIn(w.listSet.value) };
  if (w.setAdd) return { type: 'set.add', members: (w.setAdd.members ?? []).map(bytesIn) };
  if (w.setRemove) return { type: 'set.remove', members: (w.setRemove.members ?? []).map(bytesIn) };
  if (w.hashSet) {
    const fields = w.hashSet.fields ?? [];
    return { type: 'hash.set', fields: fields.map((f) => [bytesIn(f.field), bytesIn(f.value)] as const), observed: fields.map((f) => decodeContributions(f.observed)) };
  }
  if (w.hashIncr) {
    const effect = { type: 'hash.incr', field: bytesIn(w.hashIncr.field), delta: BigInt(w.hashIncr.delta || '0') } as const;
    return w.hashIncr.newEpoch === true ? { ...effect, newEpoch: true } : effect;
  }
  if (w.hashIncrFloat) {
    const f = w.hashIncrFloat;
    const effect = { type: 'hash.incrfloat', field: bytesIn(f.field), delta: f.delta ?? '0', result: bytesIn(f.result), observed: decodeContributions(f.observed) } as const;
    return f.newEpoch === true ? { ...effect, newEpoch: true } : effect;
  }
  if (w.hashDelete) {
    const fields = w.hashDelete.fields ?? [];
    return { type: 'hash.del', fields: fields.map((f) => bytesIn(f.field)), observed: fields.map((f) => decodeContributions(f.observed)) };
  }
  if (w.zsetAdd) {
    const entries = w.zsetAdd.entries ?? [];
    return { type: 'zset.add', entries: entries.map((e) => [bytesIn(e.member), e.score ?? 0] as const), observed: entries.map((e) => decodeScoreTotals(e.observed)) };
  }
  if (w.zsetIncr) {
    const z = w.zsetIncr;
    const effect = { type: 'zset.incr', member: bytesIn(z.member), delta: z.delta ?? 0, result: z.result ?? 0, counts: z.counts ?? '', basis: z.basis ?? '' } as const;
    return z.newEpoch === true ? { ...effect, newEpoch: true } : effect;
  }
  if (w.zsetRemove) {
    const members = w.zsetRemove.members ?? [];
    return { type: 'zset.remove', members: members.map((m) => bytesIn(m.member)), observed: members.map((m) => decodeScoreTotals(m.observed)) };
  }
  return undefined;
}
