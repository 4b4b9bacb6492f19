/**
 * The relay hold-back, both halves (pure: callers pass `now`).
 *
 * In a full mesh every replica streams from every origin itself, so relaying each op to
 * every peer would multiply the traffic by the cluster size, and a receiver that lags
 * under load (its acks late) would be sent everything twice, falling further behind.
 * So a receiver reports the origins that reach it on a live stream of their own
 * (`directOriginOf`, sent in hellos and acks), and a feed holds back relays of those
 * origins to it (`waitsForDirectStream`), for a bounded time.
 */

/** What a stream's liveness is judged by (PeerLink's fields of the same names). */
export interface StreamLiveness {
  readonly state: 'connecting' | 'streaming' | 'backoff' | 'paused' | 'stopped';
  readonly lastHeardAt: number;
  /** The origin (incarnation) the stream's callee said it is; undefined before its first heartbeat. */
  readonly calleeOrigin: string | undefined;
}

/**
 * A stream silent this long no longer counts as delivering its origin's ops directly
 * (heartbeats come every second): peers then relay that origin's ops to us again.
 */
export const DIRECT_SILENCE_MS = 2500;

/**
 * How long a relay waits for the receiver to get an op on its own live stream from the
 * op's origin. Past that the op is relayed anyway: a link can be live (heartbeats keep
 * arriving) yet too narrow for the origin's write rate, and a faster path then catches
 * the receiver up (a copy costs the receiver only a header read).
 */
export const RELAY_HOLD_MS = 2000;

/**
 * The origin a stream receives ops from directly, or undefined when it does not now:
 * not streaming, its origin not known yet, or silent for DIRECT_SILENCE_MS.
 */
export function directOriginOf(stream: StreamLiveness, now: number): string | undefined {
  return stream.state === 'streaming' && now - stream.lastHeardAt < DIRECT_SILENCE_MS ? stream.calleeOrigin : undefined;
}

/** A log record as the hold looks at it. `at` is when we logged it; 0 for records read back from disk. */
export interface HeldRecord {
  readonly origin: string;
  readonly seq: number;
  readonly at: number;
}

/** The receiving side of a feed, as its latest hello or ack described it. */
export interface RelayReceiver {
  /** Origins it reported as reaching it on a live stream of their own. */
  readonly directOrigins: ReadonlySet<string>;
  /** What it acknowledged, per origin. */
  readonly acked: ReadonlyMap<string, number>;
}

/**
 * Whether a record of another origin (`ours` is this replica's id) waits for the receiver's
 * own stream from that origin instead of being relayed now. Our own ops never wait, nor
 * records read back from disk (a receiver that far behind is not keeping up on its own).
 */
export function waitsForDirectStream(record: HeldRecord, ours: string, receiver: RelayReceiver, now: number): boolean {
  return record.origin !== ours
    && receiver.directOrigins.has(record.origin)
    && (receiver.acked.get(record.origin) ?? 0) < record.seq
    && record.at > 0
    && now - record.at < RELAY_HOLD_MS;
}
