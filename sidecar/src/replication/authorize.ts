import * as grpc from '@grpc/grpc-js';
import type { PeerInfo } from './peer-set.js';
import { certificateNamesPeer } from './tls.js';
import { PROTOCOL_VERSION, type HelloMsg, type Incoming, type ReplicationMessage } from './wire.js';

export interface AuthorizeContext {
  readonly selfId: string;
  readonly tls: boolean;
  known(id: string): PeerInfo | undefined;
  removed(id: string): boolean;
  paused(id: string): boolean;
  /** Features turned on here (replica/features.ts): the caller must have every one. */
  requiredFeatures(): readonly string[];
}

const ORIGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}~[0-9a-f]+$/;

function denied(details: string, code = grpc.status.PERMISSION_DENIED): grpc.StatusObject {
  return { code, details, metadata: new grpc.Metadata() };
}

/**
 * Checks a caller's hello before anything is sent (DESIGN.md §6): the TLS layer already
 * proved its certificate chains to our CA; here the certificate must name the replica id
 * the hello claims (so one replica cannot pose as another), the origin id must belong to
 * that replica, removed or paused peers are turned away, and so is a caller whose version
 * lacks a feature this replica turned on (replica/features.ts).
 */
export function authorizeHello(hello: HelloMsg, call: grpc.ServerDuplexStream<Incoming, ReplicationMessage>, ctx: AuthorizeContext): grpc.StatusObject | undefined {
  if (hello.protocolVersion !== PROTOCOL_VERSION) return denied(`unsupported protocol version ${hello.protocolVersion}`, grpc.status.FAILED_PRECONDITION);
  if (hello.replicaId === '' || !ORIGIN.test(hello.originId) || !hello.originId.startsWith(`${hello.replicaId}~`)) {
    return denied(`origin id '${hello.originId}' does not belong to replica '${hello.replicaId}'`, grpc.status.INVALID_ARGUMENT);
  }
  if (hello.replicaId === ctx.selfId) return denied(`caller claims our own replica id '${ctx.selfId}'`);
  if (ctx.removed(hello.replicaId)) return denied(`replica '${hello.replicaId}' was removed from the cluster; it may rejoin only under a new id`);
  if (ctx.paused(hello.replicaId)) return denied('replication paused', grpc.status.UNAVAILABLE);
  const announced = new Set(hello.features ?? []);
  const missing = ctx.requiredFeatures().filter((feature) => !announced.has(feature));
  if (missing.length > 0) {
    return denied(`replica '${hello.replicaId}' runs a version without ${missing.join(', ')}, which this cluster turned on once every replica had it: upgrade '${hello.replicaId}' to this version or later (replicas never go back to a version without it)`, grpc.status.FAILED_PRECONDITION);
  }
  if (!ctx.tls) return undefined;
  const cert = call.getAuthContext().sslPeerCertificate;
  if (cert === undefined || Object.keys(cert).length === 0) return denied('no client certificate', grpc.status.UNAUTHENTICATED);
  const known = ctx.known(hello.replicaId);
  const mismatch = certificateNamesPeer(cert, hello.replicaId, known?.address ?? '', known?.serverName);
  return mismatch === undefined ? undefined : denied(`caller claims replica '${hello.replicaId}' but ${mismatch.message}`);
}
