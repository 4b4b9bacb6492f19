import { encodeOperation } from '../codec/operation-encoder.js';
import type { Operation } from '../store/effects.js';

/**
 * The wire/log encoding of an operation, computed once per operation object: the op log
 * and the replication ring both need the bytes, and a replicated op arrives already
 * encoded (decodeOperation keeps its received bytes, so it is never re-encoded to be relayed).
 */
export function encodeOnce(op: Operation): Buffer {
  let bytes = op.encoded;
  if (bytes === undefined) {
    bytes = encodeOperation(op);
    op.encoded = bytes;
  }
  return bytes;
}
