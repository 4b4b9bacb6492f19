import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The protobuf schema from `proto/`, loaded once. 64-bit integers decode to JS numbers:
 * every uint64 we send (seq, hlc, counts) stays below 2^53, and exact 64-bit values
 * (counter totals, mantissas) travel as decimal strings instead.
 */
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const here = dirname(fileURLToPath(import.meta.url));
/** dist/sidecar/src/codec → dist/proto (copied there by the build). */
export const PROTO_ROOT = join(here, '..', '..', '..', 'proto');

let root: protobuf.Root | undefined;

/** The proto files of the replication package, relative to PROTO_ROOT. */
const FILES = ['rediscrdt/replication/v1/operation.proto', 'rediscrdt/replication/v1/state.proto', 'rediscrdt/replication/v1/replication.proto'];

export function schema(): protobuf.Root {
  if (root === undefined) {
    root = new protobuf.Root();
    // Imports are written relative to proto/ (buf style), not to the importing file.
    root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_ROOT, target));
    root.loadSync(FILES.map((file) => join(PROTO_ROOT, file)));
    root.resolveAll();
  }
  return root;
}

const types = new Map<string, protobuf.Type>();

/** A message type of the package, looked up once (lookups walk the namespace tree). */
export function messageType(name: string): protobuf.Type {
  let type = types.get(name);
  if (type === undefined) {
    type = schema().lookupType(`rediscrdt.replication.v1.${name}`);
    types.set(name, type);
  }
  return type;
}
