import protobuf from 'protobufjs';
import '../codec/schema.js'; // sets protobufjs to decode uint64 as JS numbers

/** The identity of an encoded operation, read without decoding its effects. */
export interface OpHeader {
  readonly origin: string;
  readonly seq: number;
}

/**
 * Reads fields 1 (origin) and 2 (seq) of an encoded `Operation` (operation.proto),
 * skipping the rest: relaying from the op log only needs to know which dot a record is,
 * and decoding every effect just to filter would cost more than sending it.
 * Returns undefined for bytes that are not a well-formed operation header.
 */
export function readOpHeader(bytes: Uint8Array): OpHeader | undefined {
  try {
    const reader = protobuf.Reader.create(bytes);
    let origin = '';
    let seq = 0;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      if (field === 1 && (tag & 7) === 2) origin = reader.string();
      else if (field === 2 && (tag & 7) === 0) seq = Number(reader.uint64());
      else reader.skipType(tag & 7);
    }
    return origin === '' || seq < 1 ? undefined : { origin, seq };
  } catch {
    return undefined;
  }
}
