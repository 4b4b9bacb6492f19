// The image table: which local program stands in for a container image. There
// is no container runtime on the bed, so an image is only a name that selects a
// command already on this machine (or built into dist/ by `npm run build`).
import path from 'node:path';
import { repoInPod } from '../paths.js';

export interface ImageProgram {
  /** What the image's ENTRYPOINT does, as a local argv. */
  readonly entrypoint: readonly string[];
  /** The image's default CMD, used when the manifest gives neither command nor args. */
  readonly defaultArgs: readonly string[];
  /**
   * How the image's entrypoint script treats args: `prepend-if-flag` mimics the
   * official redis and node images, whose docker-entrypoint.sh runs args as a
   * command unless they start with a flag (or a .conf file, for redis).
   */
  readonly argsMode: 'append' | 'prepend-if-flag';
  /** The image's WORKDIR; undefined means a scratch directory of the pod's own (so redis's dump.rdb lands there, not in the repo). */
  readonly workingDir?: string;
}

// Paths as pods see them (the repo is bind-mounted at repoInPod in every container).
export const SIDECAR_MAIN = path.join(repoInPod, 'dist', 'sidecar', 'src', 'main.js');
export const OPERATOR_MAIN = path.join(repoInPod, 'dist', 'operator', 'src', 'main.js');

interface ImageRule {
  readonly describe: string;
  readonly matches: (name: string) => boolean;
  readonly program: ImageProgram;
}

/** Ordered: the first rule whose test matches the image's repository name wins. */
const RULES: readonly ImageRule[] = [
  {
    describe: '*redis-crdt-sidecar* → node dist/sidecar/src/main.js',
    matches: (name) => name.includes('redis-crdt-sidecar'),
    program: { entrypoint: ['node', SIDECAR_MAIN], defaultArgs: [], argsMode: 'append', workingDir: repoInPod },
  },
  {
    describe: '*redis-crdt-operator* → node dist/operator/src/main.js',
    matches: (name) => name.includes('redis-crdt-operator'),
    program: { entrypoint: ['node', OPERATOR_MAIN], defaultArgs: [], argsMode: 'append', workingDir: repoInPod },
  },
  {
    describe: 'redis, */redis → redis-server',
    matches: (name) => lastSegment(name) === 'redis',
    program: { entrypoint: ['redis-server'], defaultArgs: [], argsMode: 'prepend-if-flag' },
  },
  {
    describe: 'node, */node → node',
    matches: (name) => lastSegment(name) === 'node',
    program: { entrypoint: ['node'], defaultArgs: [], argsMode: 'prepend-if-flag' },
  },
  {
    describe: 'busybox, alpine, debian, ubuntu → the host shell (for command: [sh, -c, ...])',
    matches: (name) => ['busybox', 'alpine', 'debian', 'ubuntu'].includes(lastSegment(name)),
    program: { entrypoint: [], defaultArgs: ['sh'], argsMode: 'append' },
  },
];

/** Aliases for a manifest `command[0]` that names a program only the image has. */
export const COMMAND_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'redis-crdt-sidecar': ['node', SIDECAR_MAIN],
  'redis-crdt-operator': ['node', OPERATOR_MAIN],
};

/** The image's repository name without registry port confusion, tag or digest: `docker.io/library/redis:7@sha256:..` → `docker.io/library/redis`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The local program for `image`, or undefined when the table has no rule for it. */
export function lookupImage(image: string): ImageProgram | undefined {
  const name = imageName(image);
  return RULES.find((r) => r.matches(name))?.program;
}

/** A one-line description of the table, for the "unknown image" status message. */
export function describeImageTable(): string {
  return RULES.map((r) => r.describe).join('; ');
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
