// Starts one container as a local process inside its pod: the pod's network
// namespace (`ip netns exec`, which also bind-mounts the pod's hosts and
// resolv.conf), a private mount and UTS namespace of its own (`unshare`) where
// its volumes are bind-mounted at the manifest's paths and the hostname is the
// pod's. A small shell script does the mounts and then execs the program, so the
// PID we hold is the program's own.
import { repoInPod, repoRoot } from '../paths.js';
import { ManagedProcess } from '../managed-process.js';
import type { Mountpoints } from './mountpoints.js';

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly isFile: boolean;
}

export interface LaunchSpec {
  readonly name: string;
  readonly netns: string;
  readonly hostname: string;
  readonly mounts: readonly BindMount[];
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
}

/** Starts the container's process; the returned process is the container's main program. */
export async function launchContainer(spec: LaunchSpec, mountpoints: Mountpoints): Promise<ManagedProcess> {
  mountpoints.ensure(repoInPod, false);
  for (const m of spec.mounts) mountpoints.ensure(m.target, m.isFile);
  return ManagedProcess.start({
    name: spec.name,
    logFile: spec.logFile,
    env: { ...spec.env },
    argv: [
      'ip', 'netns', 'exec', spec.netns,
      'unshare', '--mount', '--uts', '--propagation', 'private',
      '/bin/sh', '-c', setupScript(spec), spec.name, ...spec.argv,
    ],
  });
}

/** Runs `argv` inside a running container's namespaces (kubectl exec, exec probes). */
export function execArgv(pid: number, argv: readonly string[]): string[] {
  return ['nsenter', '-t', String(pid), '-m', '-n', '-u', '--', ...argv];
}

function setupScript(spec: LaunchSpec): string {
  const lines = ['set -e', `hostname ${quote(spec.hostname)}`];
  // The repo first, at a path no pod volume covers: a volume at /tmp would hide a checkout under /tmp.
  lines.push(`mount --bind ${quote(repoRoot)} ${quote(repoInPod)}`);
  for (const m of spec.mounts) {
    lines.push(`mount --bind ${quote(m.source)} ${quote(m.target)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${quote(m.target)}`);
  }
  // Runtimes create a missing workingDir; so do we (inside the mount namespace, after the mounts).
  lines.push(`mkdir -p ${quote(spec.cwd)}`, `cd ${quote(spec.cwd)}`, 'exec "$@"');
  return lines.join('\n');
}

/** POSIX single-quoting: safe for any byte string except NUL. */
export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
