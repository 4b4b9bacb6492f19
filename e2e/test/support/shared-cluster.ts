// One cluster for the whole e2e run: every test file awaits sharedCluster() in
// its `before`, and the root hook (root-hooks.ts) stops it after the last file.
// Starting a bed takes ~15 s, so files share it and isolate by namespace.
import { useCluster, type Cluster } from '../../harness/index.js';

let pending: Promise<Cluster> | undefined;

/** The run's cluster, started (or connected to, with KUBECONFIG) on first use. */
export function sharedCluster(): Promise<Cluster> {
  pending ??= useCluster();
  return pending;
}

/** Stops the run's cluster if one was started. */
export async function stopSharedCluster(): Promise<void> {
  if (!pending) return;
  const cluster = await pending.catch(() => undefined);
  pending = undefined;
  await cluster?.stop();
}
