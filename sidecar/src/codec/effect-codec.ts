import type { Effect } from '../store/effects.js';
import { decodeContributions, encodeContributions, type WireContribution } from './contributions-codec.js';

/** The `oneof effect` of a KeyedEffect as protobufjs sees it (camelCase field names). */
export interface WireKeyedEffect {
  key?: Uint8Array;
  stringSet?: { value?: Uint8Array; observed?: WireContribution[] } | null;
  stringIncr?: { delta?: string } | null;
  stringIncrFloat?: { delta?: string; result?: Uint8Array; observed?: WireContribution[] } | null;
  keyDelete?: { counters?: WireContribution[] } | null;
  keyExpire?: { at?: number } | null;
}

const asBuffer = (bytes: Uint8Array | undefined): Buffer =>
  bytes === undefined ? Buffer.alloc(0) : Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Effect → wire object (only the oneof member set). */
export function encodeEffect(key: string, effect: Effect): WireKeyedEffect {
  const wireKey = Buffer.from(key, 'latin1');
  switch (effect.type) {
    case 'str.set':
      return { key: wireKey, stringSet: { value: effect.value, observed: encodeContributions(effect.observed) } };
    case 'str.incr':
      return { key: wireKey, stringIncr: { delta: effect.delta.toString() } };
    case 'str.incrfloat':
      return { key: wireKey, stringIncrFloat: { delta: effect.delta, result: effect.result, observed: encodeContributions(effect.observed) } };
    case 'key.del':
      return { key: wireKey, keyDelete: { counters: encodeContributions(effect.counters) } };
    case 'key.expire':
      return { key: wireKey, keyExpire: { at: effect.at } };
  }
}

/** Wire object → effect; undefined when no known member is set (malformed input). */
export function decodeEffect(wire: WireKeyedEffect): { key: string; effect: Effect } | undefined {
  const key = asBuffer(wire.key).toString('latin1');
  if (wire.stringSet) return { key, effect: { type: 'str.set', value: asBuffer(wire.stringSet.value), observed: decodeContributions(wire.stringSet.observed) } };
  if (wire.stringIncr) return { key, effect: { type: 'str.incr', delta: BigInt(wire.stringIncr.delta ?? '0') } };
  if (wire.stringIncrFloat) {
    const f = wire.stringIncrFloat;
    return { key, effect: { type: 'str.incrfloat', delta: f.delta ?? '0', result: asBuffer(f.result), observed: decodeContributions(f.observed) } };
  }
  if (wire.keyDelete) return { key, effect: { type: 'key.del', counters: decodeContributions(wire.keyDelete.counters) } };
  if (wire.keyExpire) return { key, effect: { type: 'key.expire', at: wire.keyExpire.at ?? Number.POSITIVE_INFINITY } };
  return undefined;
}
