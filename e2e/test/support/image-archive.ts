// Runs a container image from a docker archive (what `docker save` writes and `docker load`
// reads) without a container engine: the layers are unpacked into a root file system in
// order, with their whiteouts applied, and a process runs from the image config's ENTRYPOINT,
// CMD, Env, WorkingDir and USER in its own mount, PID and UTS namespaces (optionally in a
// given network namespace, the "pod"), chrooted into that root file system, which is mounted
// read-only as the operator's pods run it (readOnlyRootFilesystem), with fresh /proc, a minimal
// /dev and the volumes mounted on top. Needs root and util-linux (unshare, nsenter), GNU tar.
import fs from 'node:fs';
import path from 'node:path';
import { ManagedProcess } from '../../harness/managed-process.js';
import { mustRun, runCommand, type CommandResult } from '../../harness/run-command.js';

/** The parts of a docker image config that decide how a container runs. */
export interface ImageConfig {
  readonly Entrypoint?: string[] | null;
  readonly Cmd?: string[] | null;
  readonly Env?: string[] | null;
  readonly WorkingDir?: string;
  readonly User?: string;
  readonly Volumes?: Record<string, unknown> | null;
  readonly ExposedPorts?: Record<string, unknown> | null;
  readonly Labels?: Record<string, string> | null;
}

export interface UnpackedImage {
  /** The archive's tag (manifest.json's RepoTags), what `docker load` names the image. */
  readonly repoTags: readonly string[];
  readonly config: ImageConfig;
  readonly rootfs: string;
  readonly layers: number;
}

interface ArchiveManifestEntry {
  readonly Config: string;
  readonly RepoTags: string[] | null;
  readonly Layers: string[];
}

/** Unpacks the single image of `archive` into `dir`/rootfs and returns its tags and config. */
export async function unpackDockerArchive(archive: string, dir: string): Promise<UnpackedImage> {
  const raw = path.join(dir, 'archive');
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(raw, { recursive: true });
  fs.mkdirSync(rootfs, { recursive: true });
  await mustRun(['tar', '-xf', archive, '-C', raw]);
  const manifest = JSON.parse(fs.readFileSync(path.join(raw, 'manifest.json'), 'utf8')) as ArchiveManifestEntry[];
  if (manifest.length !== 1 || manifest[0] === undefined) throw new Error(`${archive}: expected one image, manifest.json has ${manifest.length}`);
  const entry = manifest[0];
  const configFile = JSON.parse(fs.readFileSync(path.join(raw, entry.Config), 'utf8')) as { config?: ImageConfig };
  for (const layer of entry.Layers) await applyLayer(path.join(raw, layer), rootfs);
  fs.rmSync(raw, { recursive: true, force: true });
  return { repoTags: entry.RepoTags ?? [], config: configFile.config ?? {}, rootfs, layers: entry.Layers.length };
}

/** Applies one layer tar: its whiteouts remove what lower layers put there, then its files are extracted. */
async function applyLayer(layer: string, rootfs: string): Promise<void> {
  const names = (await mustRun(['tar', '-tf', layer])).split('\n').filter((n) => n !== '');
  for (const name of names) {
    const clean = path.posix.normalize(name.replace(/^\.?\//, ''));
    const base = path.posix.basename(clean);
    if (!base.startsWith('.wh.')) continue;
    const parent = inside(rootfs, path.posix.dirname(clean));
    if (base === '.wh..wh..opq') {
      // Opaque directory: nothing from lower layers shows through.
      if (fs.existsSync(parent)) for (const child of fs.readdirSync(parent)) fs.rmSync(path.join(parent, child), { recursive: true, force: true });
    } else {
      fs.rmSync(path.join(parent, base.slice('.wh.'.length)), { recursive: true, force: true });
    }
  }
  await mustRun(['tar', '-xpf', layer, '--numeric-owner', '--exclude=.wh.*', '--exclude=*/.wh.*', '-C', rootfs]);
}

/** `rel` resolved under `root`, refusing paths that climb out of it. */
function inside(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(`${root}${path.sep}`)) throw new Error(`layer path ${rel} leaves the root file system`);
  return full;
}

/** The uid and gid the config's USER means, looked up in the image's own /etc/passwd and /etc/group (as Docker does). */
export function resolveUser(image: UnpackedImage): { uid: number; gid: number } {
  const spec = image.config.User ?? '';
  if (spec === '') return { uid: 0, gid: 0 };
  const [user = '', group] = spec.split(':');
  const passwd = fs.readFileSync(path.join(image.rootfs, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':'));
  const byName = passwd.find((f) => f[0] === user);
  const uid = /^\d+$/.test(user) ? Number(user) : Number(byName?.[2] ?? NaN);
  if (!Number.isInteger(uid)) throw new Error(`USER ${spec}: no user '${user}' in the image's /etc/passwd`);
  let gid = Number((byName ?? passwd.find((f) => Number(f[2]) === uid))?.[3] ?? uid);
  if (group !== undefined) {
    const groups = fs.readFileSync(path.join(image.rootfs, 'etc/group'), 'utf8').split('\n').map((l) => l.split(':'));
    gid = /^\d+$/.test(group) ? Number(group) : Number(groups.find((f) => f[0] === group)?.[2] ?? NaN);
    if (!Number.isInteger(gid)) throw new Error(`USER ${spec}: no group '${group}' in the image's /etc/group`);
  }
  return { uid, gid };
}

export interface Mount {
  /** A host directory or file to bind-mount, or 'tmpfs'. */
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface ContainerSpec {
  readonly image: UnpackedImage;
  /** Replaces CMD (as a pod's `args`); the image's ENTRYPOINT stays. */
  readonly args?: readonly string[];
  /** Replaces ENTRYPOINT and CMD (as a pod's `command`, or an exec probe). */
  readonly command?: readonly string[];
  readonly mounts?: readonly Mount[];
  readonly env?: Readonly<Record<string, string>>;
  readonly hostname?: string;
  /** PID of a process whose network namespace the container joins; the host's network otherwise. */
  readonly netnsOf?: number;
}

/** The argv that runs `spec` as its image says (see the file comment); exported for the tests' failure reports. */
export function containerArgv(spec: ContainerSpec): { argv: string[]; env: NodeJS.ProcessEnv } {
  const { image } = spec;
  const { uid, gid } = resolveUser(image);
  const cmdline = spec.command ?? [...(image.config.Entrypoint ?? []), ...(spec.args ?? image.config.Cmd ?? [])];
  if (cmdline.length === 0) throw new Error('nothing to run: no command, ENTRYPOINT or CMD');
  const root = image.rootfs;
  const mounts = [...(spec.mounts ?? [])];
  for (const volume of Object.keys(image.config.Volumes ?? {})) {
    // An image VOLUME nobody mounted gets an anonymous volume, as with `docker run`.
    if (!mounts.some((m) => m.target === volume)) mounts.push({ source: 'tmpfs', target: volume });
  }
  // Mount points are made before the root goes read-only (as runc does); tmpfs keeps the image's owner and mode.
  for (const m of mounts) {
    const target = inside(root, `.${m.target}`);
    if (fs.existsSync(target)) continue;
    if (m.source !== 'tmpfs' && fs.statSync(m.source).isFile()) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, '');
    } else {
      fs.mkdirSync(target, { recursive: true });
    }
  }
  const script = [
    'set -e',
    'root="$1"; shift',
    'mount --bind "$root" "$root"',
    'mount -t proc proc "$root/proc"',
    'mount -t tmpfs -o nosuid,mode=755 tmpfs "$root/dev"',
    'for d in null zero full random urandom tty; do : > "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done',
    'mkdir -p "$root/dev/shm" && mount -t tmpfs -o nosuid,nodev tmpfs "$root/dev/shm"',
    'ln -s /proc/self/fd "$root/dev/fd"',
    ...mounts.map((m) => {
      const target = `"$root"${shellQuote(m.target)}`;
      if (m.source === 'tmpfs') {
        const st = fs.statSync(inside(root, `.${m.target}`));
        return `mount -t tmpfs -o nosuid,nodev,mode=${(st.mode & 0o7777).toString(8)},uid=${st.uid},gid=${st.gid} tmpfs ${target}`;
      }
      return `mount --bind ${shellQuote(m.source)} ${target}${m.readOnly === true ? ` && mount -o remount,bind,ro ${target}` : ''}`;
    }),
    'mount -o remount,bind,ro "$root"',
    ...(spec.hostname === undefined ? [] : [`hostname ${shellQuote(spec.hostname)}`]),
    `exec unshare --root="$root" --wd=${shellQuote(image.config.WorkingDir || '/')} --setgid ${gid} --setuid ${uid} -- "$@"`,
  ].join('\n');
  const enter = spec.netnsOf === undefined ? [] : ['nsenter', `--net=/proc/${spec.netnsOf}/ns/net`, '--'];
  const argv = [...enter, 'unshare', '--mount', '--propagation', 'private', '--uts', '--pid', '--fork', '--kill-child', '--', '/bin/sh', '-c', script, 'container', root, ...cmdline];
  // The container's environment is the image's Env plus the pod's; nothing of the host's.
  const env: NodeJS.ProcessEnv = {};
  for (const e of image.config.Env ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  Object.assign(env, spec.env ?? {});
  // The wrapper itself (sh, mount, unshare) runs from the host before the chroot.
  env['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return { argv, env };
}

/** Starts a long-running container; its output goes to `logFile`. */
export function startContainer(name: string, spec: ContainerSpec, logFile: string): Promise<ManagedProcess> {
  const { argv, env } = containerArgv(spec);
  return ManagedProcess.start({ name, argv, env, logFile });
}

/** Runs a container to completion (a CLI call, an exec probe) and returns its exit code and output. */
export function runContainer(spec: ContainerSpec, timeoutMs = 60_000): Promise<CommandResult> {
  const { argv, env } = containerArgv(spec);
  return runCommand(argv, { env, timeoutMs });
}

/** A network namespace with loopback up, held open by a sleeping process: what containers of one pod share. */
export async function startPodNetwork(name: string, logFile: string): Promise<ManagedProcess> {
  const holder = await ManagedProcess.start({ name, argv: ['unshare', '--net', '--', '/bin/sh', '-c', 'ip link set lo up && exec sleep 100000'], logFile });
  // Ready once loopback is up inside it.
  for (let i = 0; i < 100; i++) {
    const r = await runCommand(['nsenter', `--net=/proc/${holder.pid}/ns/net`, '--', 'ip', '-o', 'link', 'show', 'lo']);
    if (r.code === 0 && /\bUP\b|LOWER_UP/.test(r.stdout)) return holder;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await holder.stop(1000);
  throw new Error(`${name}: loopback did not come up in the new network namespace`);
}

/** Runs a host program (redis-cli, curl) inside the network namespace of `pid`. */
export function inNetns(pid: number, argv: readonly string[], timeoutMs = 10_000): Promise<CommandResult> {
  return runCommand(['nsenter', `--net=/proc/${pid}/ns/net`, '--', ...argv], { timeoutMs });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
