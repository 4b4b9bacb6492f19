import type { OpContext } from '../crdt/stamp.js';
import type { Effect, KeyedEffect, Operation } from '../store/effects.js';
import { decodeEffect, encodeEffect, type WireKeyedEffect } from './effect-codec.js';
import { messageType } from './schema.js';

interface WireOperation {
  origin?: string;
  seq?: number;
  hlc?: number;
  deps?: { replica?: string; seq?: number }[];
  effects?: WireKeyedEffect[];
  atomicGroup?: number;
}

/** Thrown for bytes that are not a well-formed operation (a peer's or the disk's fault). */
export class MalformedOperationError extends Error {}

const operationType = (): ReturnType<typeof messageType> => messageType('Operation');

export function operationToWire(op: Operation): WireOperation {
  const deps: { replica: string; seq: number }[] = [];
  for (const [replica, seq] of op.ctx.deps) if (replica !== op.ctx.origin) deps.push({ replica, seq });
  return {
    origin: op.ctx.origin,
    seq: op.ctx.seq,
    hlc: op.ctx.hlc,
    deps,
    effects: op.effects.map(({ key, effect }) => encodeEffect(key, effect)),
    // Omitted when 0 (the proto3 default), as the fast encoder does.
    ...(op.atomicGroup === 0 ? {} : { atomicGroup: op.atomicGroup }),
  };
}

export function operationFromWire(wire: WireOperation): Operation {
  const origin = wire.origin ?? '';
  const seq = Number(wire.seq ?? 0);
  if (origin === '' || !Number.isSafeInteger(seq) || seq < 1) throw new MalformedOperationError(`operation without a valid origin/seq (origin='${origin}', seq=${seq})`);
  const deps = new Map<string, number>();
  for (const entry of wire.deps ?? []) deps.set(entry.replica ?? '', Number(entry.seq ?? 0));
  deps.set(origin, seq - 1);
  const ctx: OpContext = { origin, seq, hlc: Number(wire.hlc ?? 0), deps };
  const effects: KeyedEffect[] = [];
  for (const wireEffect of wire.effects ?? []) {
    const decoded = decodeEffect(wireEffect);
    if (decoded === undefined) throw new MalformedOperationError(`operation ${origin}:${seq} has an effect of unknown type`);
    effects.push(decoded);
  }
  return { ctx, effects, atomicGroup: wire.atomicGroup ?? 0 };
}

/** The reference encoding by protobufjs reflection (operation-encoder.ts is the fast one). */
export function encodeOperationReflect(op: Operation): Uint8Array {
  return operationType().encode(operationToWire(op)).finish();
}

/** One effect's KeyedEffect bytes by protobufjs (the fast encoder's fallback for rare types). */
export function encodeKeyedEffectReflect(key: string, effect: Effect): Uint8Array {
  return messageType('KeyedEffect').encode(encodeEffect(key, effect)).finish();
}

/**
 * The operation `bytes` encode. It is decoded from a copy of `bytes` made here: protobufjs
 * returns byte fields as views of its input, and callers decode from large buffers (an op
 * log read window, a peer's whole message) that a stored value would otherwise keep
 * alive. The copy is the op's encoding from then on (`Operation.encoded`): logged and
 * relayed as received, never encoded again.
 */
export function decodeOperation(bytes: Uint8Array): Operation {
  const own = Buffer.from(bytes);
  let wire: WireOperation;
  try {
    wire = operationType().decode(own) as unknown as WireOperation;
  } catch (cause) {
    throw new MalformedOperationError(`undecodable operation: ${(cause as Error).message}`);
  }
  const op = operationFromWire(wire);
  op.encoded = own;
  return op;
}
