import client from 'prom-client';
import type { Mirror } from './mirror.js';

/** Registers the mirror's metrics; values are read at scrape time (nothing on the write path). */
export function registerMirrorMetrics(registry: client.Registry, mirror: Mirror): void {
  const gauge = (name: string, help: string, read: () => number): void => {
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  const counter = (name: string, help: string, read: () => number): void => {
    new client.Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
  };
  gauge('redis_crdt_mirror_up', 'Mirror link connected (1) or not (0)', () => (mirror.link === undefined ? 0 : 1));
  gauge('redis_crdt_mirror_live', 'Mirror caught up with the store (1), or connecting/rebuilding (0)', () => (mirror.state === 'live' ? 1 : 0));
  gauge('redis_crdt_mirror_queue_depth', 'Write-behind commands sent and not yet answered', () => mirror.link?.depth ?? 0);
  gauge('redis_crdt_mirror_queue_bytes', 'Write-behind bytes encoded but not yet on the wire', () => mirror.link?.bufferedBytes ?? 0);
  gauge('redis_crdt_mirror_lag_seconds', 'Age of the oldest unanswered write-behind command', () => (mirror.link?.lagMs(Date.now()) ?? 0) / 1000);
  gauge('redis_crdt_mirror_rebuild_in_progress', 'A rebuild is running', () => (mirror.progress === undefined ? 0 : 1));
  gauge('redis_crdt_mirror_rebuild_progress_ratio', 'Share of key records the running rebuild has visited', () => {
    const p = mirror.progress;
    return p === undefined ? 0 : p.total === 0 ? 1 : Math.min(1, p.visited / p.total);
  });
  counter('redis_crdt_mirror_commands_total', 'Write-behind commands sent to the mirror', () => mirror.writeBehind.commandsWritten);
  counter('redis_crdt_mirror_dropped_writes_total', 'Ops not written because the mirror was down or the queue full (a rebuild covers them)', () => mirror.counters.droppedWrites);
  counter('redis_crdt_mirror_errors_total', 'Write-behind commands the mirror answered with an error', () => mirror.counters.replyErrors);
  counter('redis_crdt_mirror_rebuilds_total', 'Completed mirror rebuilds', () => mirror.counters.rebuilds);
  counter('redis_crdt_mirror_divergences_total', 'Times the mirror was found to differ from the store', () => mirror.counters.divergences);
  counter('redis_crdt_mirror_passthrough_total', 'Read commands answered by the mirror', () => mirror.counters.passthroughCalls);
  gauge('redis_crdt_mirror_last_rebuild_seconds', 'Duration of the last completed rebuild', () => mirror.counters.lastRebuildMs / 1000);
}
