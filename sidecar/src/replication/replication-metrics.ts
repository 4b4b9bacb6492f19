import client from 'prom-client';
import type { Replication } from './replication.js';

/** Running totals of the replication layer (INFO replication and /metrics read them). */
export class ReplicationCounters {
  opsReceived = 0;
  opsApplied = 0;
  opsSent = 0;
  bytesSent = 0;
  resyncsIn = 0;
  resyncsOut = 0;
  /** Latency from each op's creation (its HLC) to its apply here, in ms: a ring of the last samples. */
  private readonly lags = new Float64Array(65536);
  private lagCount = 0;

  received(count: number, applied: number): void {
    this.opsReceived += count;
    this.opsApplied += applied;
  }

  sent(count: number, bytes: number): void {
    this.opsSent += count;
    this.bytesSent += bytes;
  }

  observeLag(ms: number): void {
    this.lags[this.lagCount % this.lags.length] = ms;
    this.lagCount += 1;
  }

  /** Percentile (0..100) of the recent apply lags, in ms (0 without samples). */
  lagPercentile(p: number): number {
    const n = Math.min(this.lagCount, this.lags.length);
    if (n === 0) return 0;
    const sorted = this.lags.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? 0;
  }

  resetLags(): void {
    this.lagCount = 0;
  }
}

/** Per-peer gauges and counters in the sidecar's extra registry, read at scrape time. */
export function registerReplicationMetrics(registry: client.Registry, replication: Replication): void {
  const perPeer = (name: string, help: string, read: (s: ReturnType<Replication['status']>[number]) => number): void => {
    new client.Gauge({
      name, help, labelNames: ['peer'], registers: [registry],
      collect() {
        this.reset();
        for (const status of replication.status()) this.set({ peer: status.id }, read(status));
      },
    });
  };
  perPeer('redis_crdt_replication_peer_lag_ops', 'Operations we have that the peer has not acknowledged', (s) => s.lagOps);
  perPeer('redis_crdt_replication_peer_lag_seconds', 'Age of the oldest operation the peer has not acknowledged', (s) => s.lagMs / 1000);
  perPeer('redis_crdt_replication_peer_up', 'Peer liveness: 1 alive, 0.5 suspect, 0 dead', (s) => (s.state === 'alive' ? 1 : s.state === 'suspect' ? 0.5 : 0));
  perPeer('redis_crdt_replication_peer_reconnects', 'Reconnect attempts of our stream to the peer', (s) => s.reconnects);
  new client.Gauge({
    name: 'redis_crdt_replication_peer_ops_in', help: 'Operations applied from the peer\'s stream', labelNames: ['peer'], registers: [registry],
    collect() {
      this.reset();
      for (const record of replication.peerRecords()) this.set({ peer: record.info.id }, record.opsIn);
    },
  });
  const total = (name: string, help: string, read: () => number): void => {
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  const c = replication.counters;
  total('redis_crdt_replication_ops_sent_total', 'Operations sent to peers', () => c.opsSent);
  total('redis_crdt_replication_ops_received_total', 'Operations received from peers', () => c.opsReceived);
  total('redis_crdt_replication_ops_applied_total', 'Received operations applied (not duplicates)', () => c.opsApplied);
  total('redis_crdt_replication_bytes_sent_total', 'Operation bytes sent to peers', () => c.bytesSent);
  total('redis_crdt_replication_resyncs_total', 'Full-state transfers received', () => c.resyncsIn);
  total('redis_crdt_replication_causal_waiting', 'Operations waiting for their dependencies', () => replication.buffer.waiting);
}
