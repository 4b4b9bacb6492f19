import client from 'prom-client';
import type { Stats } from '../commands/stats.js';

/** What the metrics read at scrape time (no per-command cost except the latency histogram). */
export interface MetricSources {
  readonly stats: Stats;
  readonly keys: () => number;
  readonly expiringKeys: () => number;
  readonly connectedClients: () => number;
  readonly oplog: () => { bytes: number; segments: number; records: number; fsyncs: number };
  readonly opsOriginated: () => number;
  readonly opsApplied: () => number;
}

export interface SidecarMetrics {
  readonly registry: client.Registry;
  /** Observes one command's latency in seconds. */
  observeCommand(seconds: number): void;
  observeFsync(ms: number): void;
  /** Lets other layers (replication, mirror) register their own metrics. */
  readonly extra: client.Registry;
}

export function createMetrics(sources: MetricSources): SidecarMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'redis_crdt_process_' });
  const latency = new client.Histogram({
    name: 'redis_crdt_command_duration_seconds', help: 'Command execution time (excluding network and fsync)',
    buckets: [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.001, 0.005, 0.025, 0.1], registers: [registry],
  });
  const fsync = new client.Histogram({
    name: 'redis_crdt_oplog_fsync_duration_seconds', help: 'Op log fsync latency',
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [registry],
  });
  new client.Counter({
    name: 'redis_crdt_commands_total', help: 'Commands executed, by command', labelNames: ['command'], registers: [registry],
    collect() {
      this.reset();
      for (const [name, entry] of sources.stats.calls) this.inc({ command: name }, entry.calls);
    },
  });
  new client.Counter({
    name: 'redis_crdt_command_errors_total', help: 'Commands that replied with an error, by command', labelNames: ['command'], registers: [registry],
    collect() {
      this.reset();
      for (const [name, entry] of sources.stats.calls) if (entry.failed > 0) this.inc({ command: name }, entry.failed);
    },
  });
  const gauge = (name: string, help: string, read: () => number): void => {
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  gauge('redis_crdt_keys', 'Keys in the keyspace (including expired ones not yet removed)', sources.keys);
  gauge('redis_crdt_expiring_keys', 'Keys with a TTL', sources.expiringKeys);
  gauge('redis_crdt_connected_clients', 'Client connections', sources.connectedClients);
  gauge('redis_crdt_oplog_bytes', 'Op log size on disk', () => sources.oplog().bytes);
  gauge('redis_crdt_oplog_segments', 'Op log segment files', () => sources.oplog().segments);
  gauge('redis_crdt_oplog_records', 'Records in the op log', () => sources.oplog().records);
  gauge('redis_crdt_ops_originated', 'Operations originated by this replica', sources.opsOriginated);
  gauge('redis_crdt_ops_applied_remote', 'Operations from other replicas applied here', sources.opsApplied);
  gauge('redis_crdt_keyspace_hits', 'Successful key lookups', () => sources.stats.keyspaceHits);
  gauge('redis_crdt_keyspace_misses', 'Failed key lookups', () => sources.stats.keyspaceMisses);
  const extra = new client.Registry();
  return {
    registry,
    extra,
    observeCommand: (seconds) => latency.observe(seconds),
    observeFsync: (ms) => fsync.observe(ms / 1000),
  };
}

export async function renderMetrics(metrics: SidecarMetrics): Promise<string> {
  const merged = client.Registry.merge([metrics.registry, metrics.extra]);
  return merged.metrics();
}

export const METRICS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;
