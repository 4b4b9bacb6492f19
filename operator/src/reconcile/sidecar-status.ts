/**
 * The sidecar's `GET /v1/status` document, parsed at the trust boundary (another
 * program's output, possibly a different version). Unknown fields are ignored;
 * missing required ones make the whole reply unusable rather than guessed.
 */
import { err, ok, type Result } from '../util/result.js';

export type PeerState = 'alive' | 'suspect' | 'dead';

export interface SidecarPeer {
  id: string;
  address: string;
  state: PeerState;
  lagOps: number;
  lagMs: number;
  ackedVersionVector: Record<string, number>;
}

export interface SidecarStatus {
  replicaId: string;
  /**
   * The id this replica stamps its ops with, the version-vector key of its own ops:
   * `<replicaId>~<incarnation>` (a fresh suffix per data directory). Equals replicaId
   * when the sidecar does not report one.
   */
  originId: string;
  ready: boolean;
  draining: boolean;
  opsOriginated: number;
  /** Replicated ops applied here, and live keys (absent from older sidecars). */
  opsApplied?: number;
  keys?: number;
  oplogBytes: number;
  versionVector: Record<string, number>;
  peers: SidecarPeer[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

function versionVector(v: unknown): Record<string, number> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, seq] of Object.entries(v)) {
    const n = num(seq);
    if (n === undefined) return undefined;
    out[k] = n;
  }
  return out;
}

function parsePeer(v: unknown): SidecarPeer | undefined {
  if (!isObj(v) || typeof v['id'] !== 'string') return undefined;
  const state = (['alive', 'suspect', 'dead'] as const).find((s) => s === v['state']);
  const acked = versionVector(v['ackedVersionVector'] ?? {});
  if (state === undefined || acked === undefined) return undefined;
  return {
    id: v['id'],
    address: typeof v['address'] === 'string' ? v['address'] : '',
    state,
    lagOps: num(v['lagOps']) ?? 0,
    lagMs: num(v['lagMs']) ?? 0,
    ackedVersionVector: acked,
  };
}

export function parseSidecarStatus(raw: unknown): Result<SidecarStatus, string> {
  if (!isObj(raw)) return err('status is not a JSON object');
  const vv = versionVector(raw['versionVector']);
  if (typeof raw['replicaId'] !== 'string') return err('replicaId missing');
  if (vv === undefined) return err('versionVector missing or malformed');
  if (!Array.isArray(raw['peers'])) return err('peers missing');
  const peers = (raw['peers'] as unknown[]).map(parsePeer);
  if (peers.some((p) => p === undefined)) return err('a peer entry is malformed');
  return ok({
    replicaId: raw['replicaId'],
    originId: typeof raw['originId'] === 'string' && raw['originId'] !== '' ? raw['originId'] : raw['replicaId'],
    ready: raw['ready'] === true,
    draining: raw['draining'] === true,
    opsOriginated: num(raw['opsOriginated']) ?? 0,
    ...optionalCount('opsApplied', raw['opsApplied']),
    ...optionalCount('keys', raw['keys']),
    oplogBytes: num(raw['oplogBytes']) ?? 0,
    versionVector: vv,
    peers: peers.filter((p): p is SidecarPeer => p !== undefined),
  });
}

function optionalCount<K extends string>(key: K, v: unknown): Partial<Record<K, number>> {
  const n = num(v);
  return n === undefined ? {} : ({ [key]: n } as Partial<Record<K, number>>);
}
