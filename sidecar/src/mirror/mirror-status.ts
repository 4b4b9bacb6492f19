import type { Mirror } from './mirror.js';

/** The mirror's state as name/value pairs: CRDT.MIRROR STATUS, INFO mirror, the admin status. */
export function mirrorStatusFields(mirror: Mirror | undefined, now: number): [string, string | number][] {
  if (mirror === undefined) return [['mirror_configured', 0]];
  const { counters, link, progress } = mirror;
  return [
    ['mirror_configured', 1], ['mirror_url', mirror.target.display], ['mirror_state', mirror.state],
    ['mirror_connected', link === undefined ? 0 : 1], ['mirror_queue_depth', link?.depth ?? 0],
    ['mirror_queue_bytes', link?.bufferedBytes ?? 0], ['mirror_lag_ms', link?.lagMs(now) ?? 0],
    ['mirror_commands_written', mirror.writeBehind.commandsWritten], ['mirror_dropped_writes', counters.droppedWrites],
    ['mirror_expiry_rewrites', mirror.writeBehind.replicatedExpiry.rewrites],
    ['mirror_overflows', counters.overflows], ['mirror_reply_errors', counters.replyErrors], ['mirror_last_reply_error', counters.lastReplyError],
    ['mirror_rebuilds', counters.rebuilds], ['mirror_rebuild_in_progress', progress === undefined ? 0 : 1],
    ['mirror_rebuild_visited', progress?.visited ?? 0], ['mirror_rebuild_total', progress?.total ?? 0], ['mirror_rebuild_written', progress?.written ?? 0],
    ['mirror_last_rebuild_ms', counters.lastRebuildMs], ['mirror_last_rebuild_keys', counters.lastRebuildKeys],
    ['mirror_last_rebuild_reason', counters.lastRebuildReason], ['mirror_divergences', counters.divergences],
    ['mirror_passthrough_calls', counters.passthroughCalls], ['mirror_connects', counters.connects], ['mirror_last_error', counters.lastError],
  ];
}
