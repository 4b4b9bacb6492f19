// A pod's volumes as host directories. Containers see them at their mountPaths
// through bind mounts (container-launch.ts). Secret, ConfigMap, downward-API and
// projected volumes are rewritten on every sync, so updates reach running pods
// as they do on a kubelet; emptyDir lives and dies with the pod; a PVC maps to a
// directory keyed by namespace and claim name, so it outlives pod restarts.
import fs from 'node:fs';
import path from 'node:path';
import type { V1DownwardAPIVolumeFile, V1KeyToPath, V1Pod, V1Volume, V1VolumeProjection } from '@kubernetes/client-node';
import { ConfigError } from './container-env.js';
import { fieldValue, resourceValue, type PodFacts } from './downward-api.js';
import type { ObjectSource } from './kube-objects.js';

interface FileContent {
  readonly data: Buffer;
  readonly mode: number;
}
type Files = Map<string, FileContent>;

const DEFAULT_MODE = 0o644;
const TOKEN_REFRESH_FRACTION = 0.8;

export class PodVolumes {
  private readonly dirs = new Map<string, string>();
  private readonly written = new Map<string, Set<string>>();
  private readonly tokens = new Map<string, { token: string; refreshAt: number }>();

  constructor(
    private readonly podDir: string,
    private readonly pvRoot: string,
    private readonly objects: ObjectSource,
  ) {}

  /** The host directory backing volume `name`, once sync has created it. */
  hostPath(name: string): string | undefined {
    return this.dirs.get(name);
  }

  /** Creates or refreshes every volume; throws ConfigError when a source is missing or unsupported. */
  async sync(facts: PodFacts): Promise<void> {
    for (const volume of facts.pod.spec?.volumes ?? []) {
      const files = await this.desiredFiles(volume, facts);
      const dir = this.dirFor(volume, facts.pod);
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.set(volume.name, dir);
      if (files) this.writeFiles(volume.name, dir, files);
    }
  }

  private dirFor(volume: V1Volume, pod: V1Pod): string {
    if (volume.persistentVolumeClaim) {
      return path.join(this.pvRoot, pod.metadata?.namespace ?? 'default', volume.persistentVolumeClaim.claimName);
    }
    return path.join(this.podDir, 'volumes', volume.name);
  }

  /** The files a volume must hold, or undefined for directory volumes the pod owns (emptyDir, PVC). */
  private async desiredFiles(volume: V1Volume, facts: PodFacts): Promise<Files | undefined> {
    if (volume.emptyDir || volume.persistentVolumeClaim) return undefined;
    const namespace = facts.pod.metadata?.namespace ?? 'default';
    const files: Files = new Map();
    if (volume.secret) {
      const s = volume.secret;
      this.addKeys(files, 'secret', await this.objects.secret(namespace, s.secretName ?? ''), s.secretName, s.items, s.defaultMode, s.optional);
    } else if (volume.configMap) {
      const c = volume.configMap;
      this.addKeys(files, 'configmap', await this.objects.configMap(namespace, c.name ?? ''), c.name, c.items, c.defaultMode, c.optional);
    } else if (volume.downwardAPI) {
      this.addDownward(files, facts, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode);
    } else if (volume.projected) {
      for (const source of volume.projected.sources ?? []) {
        await this.addProjection(files, source, facts, volume.projected.defaultMode);
      }
    } else {
      const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
      throw new ConfigError(`volume "${volume.name}": the e2e node agent does not support ${kind} volumes`);
    }
    return files;
  }

  private async addProjection(files: Files, source: V1VolumeProjection, facts: PodFacts, defaultMode: number | undefined): Promise<void> {
    const namespace = facts.pod.metadata?.namespace ?? 'default';
    if (source.secret) {
      const s = source.secret;
      this.addKeys(files, 'secret', await this.objects.secret(namespace, s.name ?? ''), s.name, s.items, defaultMode, s.optional);
    } else if (source.configMap) {
      const c = source.configMap;
      this.addKeys(files, 'configmap', await this.objects.configMap(namespace, c.name ?? ''), c.name, c.items, defaultMode, c.optional);
    } else if (source.downwardAPI) {
      this.addDownward(files, facts, source.downwardAPI.items ?? [], defaultMode);
    } else if (source.serviceAccountToken) {
      const t = source.serviceAccountToken;
      const token = await this.token(facts.pod, t.audience, t.expirationSeconds ?? 3600);
      files.set(t.path, { data: Buffer.from(token), mode: defaultMode ?? 0o600 });
    }
  }

  private addKeys(
    files: Files, kind: string, data: Map<string, Buffer> | undefined, name: string | undefined,
    items: readonly V1KeyToPath[] | undefined, defaultMode: number | undefined, optional: boolean | undefined,
  ): void {
    if (!data) {
      if (optional) return;
      throw new ConfigError(`${kind} "${name ?? ''}" not found`);
    }
    const mode = defaultMode ?? DEFAULT_MODE;
    if (!items || items.length === 0) {
      for (const [key, value] of data) files.set(key, { data: value, mode });
      return;
    }
    for (const item of items) {
      const value = data.get(item.key);
      if (value === undefined) {
        if (optional) continue;
        throw new ConfigError(`couldn't find key ${item.key} in ${kind} ${name ?? ''}`);
      }
      files.set(item.path, { data: value, mode: item.mode ?? mode });
    }
  }

  private addDownward(files: Files, facts: PodFacts, items: readonly V1DownwardAPIVolumeFile[], defaultMode: number | undefined): void {
    for (const item of items) {
      let value: string | undefined;
      if (item.fieldRef) value = fieldValue(facts, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) {
        const container = facts.pod.spec?.containers.find((c) => c.name === item.resourceFieldRef?.containerName);
        value = resourceValue(container, item.resourceFieldRef.resource);
      }
      if (value === undefined) throw new ConfigError(`unsupported downward API item ${item.path}`);
      files.set(item.path, { data: Buffer.from(value), mode: item.mode ?? defaultMode ?? DEFAULT_MODE });
    }
  }

  /** A pod-bound token, requested again once 80% of its lifetime has passed (the kubelet's rule). */
  private async token(pod: V1Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const key = audience ?? '';
    const cached = this.tokens.get(key);
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    const token = await this.objects.serviceAccountToken({
      namespace: pod.metadata?.namespace ?? 'default',
      serviceAccount: pod.spec?.serviceAccountName ?? 'default',
      podName: pod.metadata?.name ?? '',
      podUid: pod.metadata?.uid ?? '',
      audience,
      expirationSeconds,
    });
    this.tokens.set(key, { token, refreshAt: Date.now() + expirationSeconds * 1000 * TOKEN_REFRESH_FRACTION });
    return token;
  }

  /** Writes changed files atomically (temp file + rename) and removes files that left the source. */
  private writeFiles(volume: string, dir: string, files: Files): void {
    const previous = this.written.get(volume) ?? new Set<string>();
    for (const [rel, content] of files) {
      const target = path.join(dir, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const same = fs.existsSync(target) && fs.readFileSync(target).equals(content.data) && (fs.statSync(target).mode & 0o777) === content.mode;
      if (same) continue;
      const tmp = `${target}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, content.data, { mode: content.mode });
      fs.chmodSync(tmp, content.mode);
      fs.renameSync(tmp, target);
    }
    for (const rel of previous) if (!files.has(rel)) fs.rmSync(path.join(dir, rel), { force: true });
    this.written.set(volume, new Set(files.keys()));
  }
}
