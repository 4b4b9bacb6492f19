#!/usr/bin/env node
/**
 * `redis-crdt`: the user's command line.
 *
 *   redis-crdt status [--base-port 6379] [--replicas 3]      the local cluster of `npm start`
 *   redis-crdt status --admin host:port,host:port             any sidecars' admin endpoints
 *   redis-crdt status --name cache [--namespace ns] [--kubeconfig file]   a RedisCRDTCluster
 *   redis-crdt local-cluster [--replicas 3] [--base-port 7001] ...        start a local cluster
 *
 * `status` exits 0 when every replica answered and is ready, 1 otherwise, 2 on bad usage.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderStatus, type ClusterSummary, type ReplicaReport } from './status-report.js';
import { parseStatusArgs, UsageError, type StatusOptions } from './status-args.js';
import { kubernetesTargets, localTargets, parseAdminList, readReports, type AdminTarget } from './status-sources.js';

const USAGE = `Usage:
  redis-crdt status [options]          replicas, op log, and the peer × peer replication lag
      --base-port N     RESP port of the first local replica (default 6379, as npm start); admin = N+200..
      --replicas N      local replicas (default 3)
      --admin LIST      host:port,... of sidecar admin endpoints (instead of a local cluster)
      --name NAME       a RedisCRDTCluster on Kubernetes (reads its status and its pods' admin ports)
      --namespace NS    its namespace (default: the kubeconfig context's, else "default")
      --kubeconfig F    kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
      --output text|json
      --timeout MS      per-replica timeout (default 2000)
  redis-crdt local-cluster [--replicas 3] [--base-port 7001] [--dir ./local-cluster] [--fresh]
  redis-crdt help
`;

async function gather(options: StatusOptions): Promise<{ reports: ReplicaReport[]; cluster?: ClusterSummary }> {
  if (options.name !== undefined) {
    const namespace = options.namespace ?? 'default';
    const { summary, targets, pending } = await kubernetesTargets({ kubeconfig: options.kubeconfig ?? process.env['KUBECONFIG'], namespace, name: options.name });
    const reports = await readReports(targets, options.timeoutMs);
    return { reports: [...reports, ...pending].sort((a, b) => a.name.localeCompare(b.name)), cluster: summary };
  }
  const targets: AdminTarget[] = options.admin !== undefined ? parseAdminList(options.admin) : localTargets(options.basePort, options.replicas);
  return { reports: await readReports(targets, options.timeoutMs) };
}

async function status(argv: readonly string[]): Promise<number> {
  const options = parseStatusArgs(argv);
  const { reports, cluster } = await gather(options);
  if (options.output === 'json') process.stdout.write(`${JSON.stringify({ cluster, replicas: reports }, null, 2)}\n`);
  else process.stdout.write(renderStatus(reports, cluster));
  if (reports.length > 0 && reports.every((r) => r.status === undefined) && options.name === undefined && options.admin === undefined) {
    process.stderr.write(`No replica answered on 127.0.0.1:${options.basePort + 200}..: is the local cluster running (npm start)? Otherwise give --admin or --name.\n`);
  }
  return reports.length > 0 && reports.every((r) => r.status?.ready === true) ? 0 : 1;
}

function localCluster(argv: readonly string[]): Promise<number> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const script = join(root, 'scripts', 'local-cluster.mjs');
  if (!existsSync(script)) throw new Error(`${script} is missing: run from a clone of the repository`);
  const child = spawn(process.execPath, [script, ...argv], { stdio: 'inherit' });
  // The script stops its replicas on SIGINT/SIGTERM; we only wait for it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => child.on('exit', (code) => done(code ?? 1)));
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'status': return status(rest);
    case 'local-cluster': return localCluster(rest);
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default: throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`redis-crdt: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`redis-crdt: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
});
