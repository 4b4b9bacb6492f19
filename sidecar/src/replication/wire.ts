import type * as grpc from '@grpc/grpc-js';
import { messageType } from '../codec/schema.js';

/**
 * The messages of `replication.proto` as plain objects, and the gRPC method definition
 * with protobufjs serializers (no proto-loader, no generated stubs). Everything that
 * comes from a peer is checked field by field before use (`parseMessage`).
 */
export interface WireVvEntry {
  replica: string;
  seq: number;
}

export interface HelloMsg {
  originId: string;
  replicaId: string;
  versionVector: WireVvEntry[];
  address: string;
  protocolVersion: number;
  /** The part of versionVector that is durable (survives a crash): what GC may rely on. Absent: nothing. */
  durableVersionVector?: WireVvEntry[];
  /** versionVector plus what waits in the caller's causal buffer: ops that exist (GC). Absent: versionVector. */
  heldVersionVector?: WireVvEntry[];
  /** The incarnation the caller last heard from, per replica (itself included). Absent: none (GC waits). */
  incarnations?: WireIncarnation[];
  /** Optional behaviours the caller's version has (replica/features.ts FEATURES). Absent: none (an older version). */
  features?: string[];
  /** Origins whose ops reach the caller on a live stream from their own replica. Absent: none (relay everything). */
  directOrigins?: string[];
}

export interface WireIncarnation {
  replicaId: string;
  originId: string;
}

export interface PeerEntryMsg {
  id: string;
  address: string;
}

export type ReplicationMessage =
  | { readonly kind: 'hello'; readonly hello: HelloMsg }
  | { readonly kind: 'ack'; readonly versionVector: WireVvEntry[]; readonly durableVersionVector: WireVvEntry[]; readonly heldVersionVector: WireVvEntry[]; readonly incarnations: WireIncarnation[]; readonly directOrigins: string[] }
  | { readonly kind: 'ops'; readonly operations: Buffer[] }
  | { readonly kind: 'state'; readonly chunk: Buffer; readonly last: boolean }
  | { readonly kind: 'membership'; readonly peers: PeerEntryMsg[]; readonly removed: string[] }
  | { readonly kind: 'heartbeat'; readonly sentAtMs: number; readonly versionVector: WireVvEntry[]; readonly originId: string }
  | { readonly kind: 'publish'; readonly channel: Buffer; readonly message: Buffer };

export const PROTOCOL_VERSION = 1;

/** Thrown for a message that is not well-formed (a peer's fault: the stream is refused). */
export class MalformedMessageError extends Error {}

const type = (): ReturnType<typeof messageType> => messageType('ReplicationMessage');

function toWire(message: ReplicationMessage): Record<string, unknown> {
  switch (message.kind) {
    case 'hello': return { hello: message.hello };
    case 'ack': return { ack: { versionVector: message.versionVector, durableVersionVector: message.durableVersionVector, heldVersionVector: message.heldVersionVector, incarnations: message.incarnations, directOrigins: message.directOrigins } };
    case 'ops': return { ops: { operations: message.operations } };
    case 'state': return { state: { chunk: message.chunk, last: message.last } };
    case 'membership': return { membership: { peers: message.peers, removed: message.removed } };
    case 'heartbeat': return { heartbeat: { sentAtMs: message.sentAtMs, versionVector: message.versionVector, originId: message.originId } };
    case 'publish': return { publish: { channel: message.channel, message: message.message } };
  }
}

export function serializeMessage(message: ReplicationMessage): Buffer {
  const bytes = type().encode(toWire(message)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null ? (value as Obj) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n)) throw new MalformedMessageError('non-finite number');
  return n;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function bytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.alloc(0);
}

export function parseVv(value: unknown): WireVvEntry[] {
  return list(value).map((entry) => {
    const e = obj(entry);
    const seq = num(e.seq);
    if (!Number.isSafeInteger(seq) || seq < 0) throw new MalformedMessageError('invalid version vector entry');
    return { replica: str(e.replica), seq };
  });
}

function parseIncarnations(value: unknown): WireIncarnation[] {
  return list(value).map((entry) => ({ replicaId: str(obj(entry).replicaId), originId: str(obj(entry).originId) }));
}

export function incarnationsFromWire(entries: readonly WireIncarnation[]): Map<string, string> {
  return new Map(entries.filter((e) => e.replicaId !== '').map((e) => [e.replicaId, e.originId]));
}

export function incarnationsToWire(incarnations: ReadonlyMap<string, string>): WireIncarnation[] {
  return [...incarnations].map(([replicaId, originId]) => ({ replicaId, originId }));
}

/** Decodes and validates one message; throws MalformedMessageError. */
export function parseMessage(buffer: Buffer): ReplicationMessage {
  let decoded: Obj;
  try {
    decoded = obj(type().toObject(type().decode(buffer), { defaults: false, arrays: true }));
  } catch (cause) {
    throw new MalformedMessageError(`undecodable replication message: ${(cause as Error).message}`);
  }
  if (decoded.hello !== undefined) {
    const h = obj(decoded.hello);
    return { kind: 'hello', hello: { originId: str(h.originId), replicaId: str(h.replicaId), versionVector: parseVv(h.versionVector), address: str(h.address), protocolVersion: num(h.protocolVersion), durableVersionVector: parseVv(h.durableVersionVector), heldVersionVector: parseVv(h.heldVersionVector), incarnations: parseIncarnations(h.incarnations), features: list(h.features).map(str), directOrigins: list(h.directOrigins).map(str) } };
  }
  if (decoded.ack !== undefined) {
    const a = obj(decoded.ack);
    return { kind: 'ack', versionVector: parseVv(a.versionVector), durableVersionVector: parseVv(a.durableVersionVector), heldVersionVector: parseVv(a.heldVersionVector), incarnations: parseIncarnations(a.incarnations), directOrigins: list(a.directOrigins).map(str) };
  }
  if (decoded.ops !== undefined) return { kind: 'ops', operations: list(obj(decoded.ops).operations).map(bytes) };
  if (decoded.state !== undefined) {
    const s = obj(decoded.state);
    return { kind: 'state', chunk: bytes(s.chunk), last: s.last === true };
  }
  if (decoded.membership !== undefined) {
    const m = obj(decoded.membership);
    const peers = list(m.peers).map((p) => ({ id: str(obj(p).id), address: str(obj(p).address) }));
    return { kind: 'membership', peers, removed: list(m.removed).map(str) };
  }
  if (decoded.heartbeat !== undefined) {
    const h = obj(decoded.heartbeat);
    return { kind: 'heartbeat', sentAtMs: num(h.sentAtMs), versionVector: parseVv(h.versionVector), originId: str(h.originId) };
  }
  if (decoded.publish !== undefined) {
    const p = obj(decoded.publish);
    return { kind: 'publish', channel: bytes(p.channel), message: bytes(p.message) };
  }
  throw new MalformedMessageError('replication message without a body');
}

export function vvFromWire(entries: readonly WireVvEntry[]): Map<string, number> {
  const vv = new Map<string, number>();
  for (const { replica, seq } of entries) if (replica !== '' && seq > 0) vv.set(replica, seq);
  return vv;
}

export function vvToWire(vv: ReadonlyMap<string, number>): WireVvEntry[] {
  return [...vv].map(([replica, seq]) => ({ replica, seq }));
}

export const REPLICATE_PATH = '/rediscrdt.replication.v1.ReplicationService/Replicate';

/**
 * Deserialization is deliberately lazy-safe: a malformed message becomes an `invalid`
 * marker the handler refuses (and logs) instead of an exception inside grpc-js.
 */
export type Incoming = ReplicationMessage | { readonly kind: 'invalid'; readonly reason: string };

export function deserialize(buffer: Buffer): Incoming {
  try {
    return parseMessage(buffer);
  } catch (error) {
    return { kind: 'invalid', reason: (error as Error).message };
  }
}

export const REPLICATION_SERVICE: grpc.ServiceDefinition = {
  replicate: {
    path: REPLICATE_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: serializeMessage,
    requestDeserialize: deserialize,
    responseSerialize: serializeMessage,
    responseDeserialize: deserialize,
    originalName: 'Replicate',
  },
};
