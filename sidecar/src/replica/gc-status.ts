import client from 'prom-client';
import type { TombstoneCollector } from './gc.js';
import type { Keyspace } from '../store/keyspace.js';
import { stabilityLag } from './stability.js';

/** What INFO crdt and /metrics show about GC. */
export interface GcView {
  readonly collector: TombstoneCollector;
  readonly keyspace: Keyspace;
  own(): ReadonlyMap<string, number>;
  stable(): ReadonlyMap<string, number>;
  /** Peers that stopped counting (silent past --gc-peer-timeout). */
  timedOutPeers(): number;
}

/** INFO crdt fields: tombstones held and collected, GC timings, the stable vector and its lag. */
export function gcInfoFields(view: GcView): [string, string | number][] {
  const stable = view.stable();
  const { collector } = view;
  return [
    ['crdt_tombstones', view.keyspace.tombstoneCount()], ['crdt_tombstoned_keys', view.keyspace.tombstoned.size],
    ['crdt_gc_collected', collector.collected], ['crdt_gc_forgotten_counters', view.keyspace.forgottenCounters],
    ['crdt_gc_passes', collector.passes],
    ['crdt_gc_last_tick_ms', collector.lastTickMs], ['crdt_gc_last_pass_ms', collector.lastPassMs],
    ['crdt_gc_stable_vector', [...stable].map(([r, s]) => `${r}=${s}`).join(',')],
    ['crdt_gc_stability_lag_ops', stabilityLag(view.own(), stable)],
    ['crdt_gc_peers_timed_out', view.timedOutPeers()],
  ];
}

/** Prometheus gauges and counters read at scrape time. */
export function registerGcMetrics(registry: client.Registry, view: GcView): void {
  const gauge = (name: string, help: string, read: () => number): void => {
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  gauge('redis_crdt_tombstones', 'List tombstones held (removed elements kept until causally stable)', () => view.keyspace.tombstoneCount());
  gauge('redis_crdt_gc_collected_tombstones', 'Tombstones dropped by GC since start, deleted counters included (monotonic)', () => view.collector.collected);
  gauge('redis_crdt_gc_forgotten_counters', 'Deleted counters whose history GC forgot since start (monotonic)', () => view.keyspace.forgottenCounters);
  gauge('redis_crdt_gc_last_tick_seconds', 'Duration of the last GC tick (bounded slice of work)', () => view.collector.lastTickMs / 1000);
  gauge('redis_crdt_gc_last_pass_seconds', 'Wall time of the last full GC pass over the keys with tombstones', () => view.collector.lastPassMs / 1000);
  gauge('redis_crdt_gc_stability_lag_ops', 'Operations applied here that are not causally stable yet', () => stabilityLag(view.own(), view.stable()));
  gauge('redis_crdt_gc_peers_timed_out', 'Peers silent past --gc-peer-timeout (not holding back GC)', () => view.timedOutPeers());
}
