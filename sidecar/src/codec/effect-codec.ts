import type { Effect } from '../store/effects.js';
import {
  bytesIn, decodeCollectionEffect, decodeFieldObservations, decodeMemberObservations, encodeCollectionEffect,
  encodeFieldObservations, encodeMemberObservations, type WireCollectionEffect,
} from './collection-effect-codec.js';
import { decodeContributions, encodeContributions, type WireContribution } from './contributions-codec.js';

/** The `oneof effect` of a KeyedEffect as protobufjs sees it (camelCase field names). */
export interface WireKeyedEffect extends WireCollectionEffect {
  key?: Uint8Array;
  stringSet?: { value?: Uint8Array; observed?: WireContribution[] } | null;
  stringIncr?: { delta?: string; newEpoch?: boolean } | null;
  stringIncrFloat?: { delta?: string; result?: Uint8Array; observed?: WireContribution[]; newEpoch?: boolean } | null;
  keyDelete?: {
    counters?: WireContribution[];
    fields?: { field?: Uint8Array; observed?: WireContribution[] }[];
    members?: { member?: Uint8Array; observed?: { replica?: string; count?: number; total?: number }[] }[];
  } | null;
  keyExpire?: { at?: number } | null;
}

const asBuffer = bytesIn;

/** Effect → wire object (only the oneof member set). */
export function encodeEffect(key: string, effect: Effect): WireKeyedEffect {
  const wireKey = Buffer.from(key, 'latin1');
  switch (effect.type) {
    case 'str.set':
      return { key: wireKey, stringSet: { value: effect.value, observed: encodeContributions(effect.observed) } };
    case 'str.incr':
      return { key: wireKey, stringIncr: { delta: effect.delta.toString(), ...(effect.newEpoch === true ? { newEpoch: true } : {}) } };
    case 'str.incrfloat':
      return { key: wireKey, stringIncrFloat: { delta: effect.delta, result: effect.result, observed: encodeContributions(effect.observed), ...(effect.newEpoch === true ? { newEpoch: true } : {}) } };
    case 'key.del':
      return {
        key: wireKey,
        keyDelete: {
          counters: encodeContributions(effect.counters),
          fields: effect.fields === undefined ? [] : encodeFieldObservations(effect.fields),
          members: effect.members === undefined ? [] : encodeMemberObservations(effect.members),
        },
      };
    case 'key.expire':
      return { key: wireKey, keyExpire: { at: effect.at } };
    case 'list.insert': case 'list.remove': case 'list.set': case 'set.add': case 'set.remove':
    case 'hash.set': case 'hash.incr': case 'hash.incrfloat': case 'hash.del':
    case 'zset.add': case 'zset.incr': case 'zset.remove':
      return { key: wireKey, ...encodeCollectionEffect(effect) };
  }
}

/** Wire object → effect; undefined when no known member is set (malformed input). */
export function decodeEffect(wire: WireKeyedEffect): { key: string; effect: Effect } | undefined {
  const key = asBuffer(wire.key).toString('latin1');
  if (wire.stringSet) return { key, effect: { type: 'str.set', value: asBuffer(wire.stringSet.value), observed: decodeContributions(wire.stringSet.observed) } };
  if (wire.stringIncr) {
    const delta = BigInt(wire.stringIncr.delta ?? '0');
    return { key, effect: wire.stringIncr.newEpoch === true ? { type: 'str.incr', delta, newEpoch: true } : { type: 'str.incr', delta } };
  }
  if (wire.stringIncrFloat) {
    const f = wire.stringIncrFloat;
    const effect = { type: 'str.incrfloat', delta: f.delta ?? '0', result: asBuffer(f.result), observed: decodeContributions(f.observed) } as const;
    return { key, effect: f.newEpoch === true ? { ...effect, newEpoch: true } : effect };
  }
  if (wire.keyDelete) {
    const { counters, fields, members } = wire.keyDelete;
    return {
      key,
      effect: {
        type: 'key.del',
        counters: decodeContributions(counters),
        ...(fields !== undefined && fields.length > 0 ? { fields: decodeFieldObservations(fields) } : {}),
        ...(members !== undefined && members.length > 0 ? { members: decodeMemberObservations(members) } : {}),
      },
    };
  }
  if (wire.keyExpire) return { key, effect: { type: 'key.expire', at: wire.keyExpire.at ?? Number.POSITIVE_INFINITY } };
  const collection = decodeCollectionEffect(wire);
  return collection === undefined ? undefined : { key, effect: collection };
}
