// Everything a container needs resolved before it starts: which local program
// its image maps to, its argv, its env, and the bind mounts for its volumeMounts.
// Missing Secrets or ConfigMaps are retried (the kubelet's
// CreateContainerConfigError); an image with no local program fails the pod.
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { containerArgv } from './command-line.js';
import { ConfigError, resolveEnv, serviceEnv, type ApiserverEndpoint } from './container-env.js';
import type { BindMount } from './container-launch.js';
import type { Prepared } from './container-runner.js';
import type { PodFacts } from './downward-api.js';
import { describeImageTable, lookupImage } from './images.js';
import type { ObjectSource } from './kube-objects.js';
import type { PodVolumes } from './pod-volumes.js';

export interface PrepareInput {
  readonly container: V1Container;
  readonly facts: PodFacts;
  readonly netns: string;
  readonly volumes: PodVolumes;
  readonly objects: ObjectSource;
  readonly apiserver: ApiserverEndpoint;
  readonly logDir: string;
  /** The pod's scratch directory, the working directory when neither manifest nor image sets one. */
  readonly scratchDir: string;
}

/** Resolves the container's launch spec, or says why it cannot start. */
export async function prepareContainer(input: PrepareInput): Promise<Prepared> {
  const { container, facts } = input;
  const image = container.image ?? '';
  const program = lookupImage(image);
  if (!program) {
    const message = `image "${image}" has no local program in the e2e node agent's image table (${describeImageTable()})`;
    return { ok: false, failure: { reason: 'UnknownImage', message, fatal: true } };
  }
  const podName = facts.pod.metadata?.name ?? '';
  const base = { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', HOME: '/root', HOSTNAME: podName, ...serviceEnv(input.apiserver) };
  let env: Record<string, string>;
  let mounts: BindMount[];
  try {
    env = await resolveEnv(container, facts, input.objects, base);
    mounts = bindMounts(container, facts.pod.spec?.volumes ?? [], input.volumes);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, failure: { reason: 'CreateContainerConfigError', message: e.message, fatal: false } };
  }
  fs.mkdirSync(input.logDir, { recursive: true });
  fs.mkdirSync(input.scratchDir, { recursive: true });
  return {
    ok: true,
    launch: {
      name: container.name,
      netns: input.netns,
      hostname: facts.pod.spec?.hostname ?? podName,
      mounts,
      argv: containerArgv(container, program, env),
      env,
      cwd: container.workingDir ?? program.workingDir ?? input.scratchDir,
      logFile: path.join(input.logDir, `${container.name}.log`),
    },
  };
}

/** API-data volumes are always read-only in a pod, whatever the mount says. */
function isApiData(volume: V1Volume | undefined): boolean {
  return Boolean(volume?.secret ?? volume?.configMap ?? volume?.downwardAPI ?? volume?.projected);
}

function bindMounts(container: V1Container, volumes: readonly V1Volume[], podVolumes: PodVolumes): BindMount[] {
  return (container.volumeMounts ?? []).map((m) => {
    const dir = podVolumes.hostPath(m.name);
    if (dir === undefined) throw new ConfigError(`volumeMount "${m.name}" names no volume of the pod`);
    const source = m.subPath ? path.join(dir, m.subPath) : dir;
    if (m.subPath && !fs.existsSync(source)) fs.mkdirSync(source, { recursive: true });
    const volume = volumes.find((v) => v.name === m.name);
    return { source, target: m.mountPath, readOnly: Boolean(m.readOnly) || isApiData(volume), isFile: fs.statSync(source).isFile() };
  });
}
