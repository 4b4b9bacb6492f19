/** The operator's own Prometheus metrics (the sidecars export theirs). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal = new Counter({ name: 'redis_crdt_operator_reconcile_total', help: 'Reconciles by result', labelNames: ['result'] as const, registers: [this.registry] });
  readonly reconcileSeconds = new Histogram({ name: 'redis_crdt_operator_reconcile_duration_seconds', help: 'Time per reconcile', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'redis_crdt_operator_workqueue_depth', help: 'Keys waiting in the work queue', registers: [this.registry] });
  readonly retries = new Counter({ name: 'redis_crdt_operator_workqueue_retries_total', help: 'Rate-limited requeues after a failed reconcile', registers: [this.registry] });
  readonly leader = new Gauge({ name: 'redis_crdt_operator_leader', help: '1 while this instance holds the leader Lease', registers: [this.registry] });
  readonly watchErrors = new Counter({ name: 'redis_crdt_operator_watch_errors_total', help: 'Watch failures, by resource and whether a relist followed', labelNames: ['resource', 'relist'] as const, registers: [this.registry] });
  readonly clusterReadyReplicas = new Gauge({ name: 'redis_crdt_cluster_ready_replicas', help: 'Ready replicas per cluster', labelNames: ['namespace', 'name'] as const, registers: [this.registry] });
  readonly clusterMaxLagMs = new Gauge({ name: 'redis_crdt_cluster_max_lag_ms', help: 'Largest replication lag per cluster (ms)', labelNames: ['namespace', 'name'] as const, registers: [this.registry] });
  readonly certExpirySeconds = new Gauge({ name: 'redis_crdt_cluster_certificate_expiry_timestamp_seconds', help: 'Earliest replica certificate expiry per cluster', labelNames: ['namespace', 'name'] as const, registers: [this.registry] });

  constructor(collectProcessMetrics = true) {
    if (collectProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
