/**
 * The text of `redis-crdt status`: one row per replica, then a peer × peer lag matrix.
 * Pure: the caller fetches the sidecars' `/v1/status` documents (and, on Kubernetes,
 * the cluster resource's summary) and prints what this returns.
 */
import type { SidecarStatus } from '../reconcile/sidecar-status.js';

/** One replica as the CLI saw it: its admin status, or why it could not be read. */
export interface ReplicaReport {
  readonly name: string;
  /** host:port of its admin endpoint. */
  readonly admin: string;
  readonly status?: SidecarStatus;
  readonly error?: string;
}

/** The cluster resource's own view (Kubernetes only). */
export interface ClusterSummary {
  readonly namespace: string;
  readonly name: string;
  readonly phase: string;
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly conditions: readonly { type: string; status: string; reason?: string; message?: string }[];
}

export function renderStatus(reports: readonly ReplicaReport[], cluster?: ClusterSummary): string {
  const lines: string[] = [];
  if (cluster !== undefined) lines.push(...clusterLines(cluster), '');
  lines.push(...table(['REPLICA', 'STATE', 'KEYS', 'ORIGINATED', 'APPLIED', 'OPLOG', 'PEERS ALIVE', 'ADMIN'], reports.map(replicaRow)));
  const failures = reports.filter((r) => r.status === undefined);
  for (const failed of failures) lines.push(`  ${failed.name}: ${failed.error ?? 'no status'}`);
  lines.push('', 'Replication lag: operations the column replica has not acknowledged from the row replica');
  lines.push('(and the age of the oldest of them); "dead": the row replica has not heard from it.', '');
  lines.push(...lagMatrix(reports));
  return `${lines.join('\n')}\n`;
}

function clusterLines(cluster: ClusterSummary): string[] {
  const lines = [`Cluster ${cluster.namespace}/${cluster.name}: phase ${cluster.phase}, ${cluster.readyReplicas}/${cluster.replicas} ready`];
  for (const c of cluster.conditions) {
    const why = [c.reason, c.message].filter((s) => s !== undefined && s !== '').join(': ');
    lines.push(`  ${c.type}=${c.status}${why === '' ? '' : ` (${why})`}`);
  }
  return lines;
}

function replicaRow(report: ReplicaReport): string[] {
  const s = report.status;
  if (s === undefined) return [report.name, 'unreachable', '-', '-', '-', '-', '-', report.admin];
  const alive = s.peers.filter((p) => p.state === 'alive').length;
  return [
    report.name, s.draining ? 'draining' : s.ready ? 'ready' : 'not-ready', count(s.keys), String(s.opsOriginated), count(s.opsApplied),
    formatBytes(s.oplogBytes), `${alive}/${s.peers.length}`, report.admin,
  ];
}

function lagMatrix(reports: readonly ReplicaReport[]): string[] {
  const names = [...new Set([...reports.map((r) => r.name), ...reports.flatMap((r) => r.status?.peers.map((p) => p.id) ?? [])])];
  const rows = reports.map((report) => [report.name, ...names.map((peer) => lagCell(report, peer))]);
  return table(['FROM \\ TO', ...names], rows);
}

function lagCell(report: ReplicaReport, peer: string): string {
  if (peer === report.name) return '-';
  if (report.status === undefined) return '?';
  const p = report.status.peers.find((candidate) => candidate.id === peer);
  if (p === undefined) return 'not a peer';
  if (p.state === 'dead') return `dead (${p.lagOps})`;
  return p.lagOps === 0 ? '0' : `${p.lagOps} (${formatMs(p.lagMs)})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const count = (n: number | undefined): string => (n === undefined ? '-' : String(n));

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.round(ms / 60_000)}m`;
}
