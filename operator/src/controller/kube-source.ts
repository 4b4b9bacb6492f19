/** ListerWatcher over a real API server, for one resource type (optionally one namespace and label selector). */
import { KubeConfig, KubernetesObjectApi, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { ListResult, ListerWatcher, WatchEvent, WatchEventType, WatchHandle } from './informer.js';
import { fromWire } from './wire.js';

export interface ResourceSelector {
  apiVersion: string;
  kind: string;
  /** Lower-case plural used in the URL path, e.g. `statefulsets`. */
  plural: string;
  namespace?: string;
  labelSelector?: string;
}

export function watchPath(r: ResourceSelector): string {
  const base = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  return r.namespace === undefined ? `${base}/${r.plural}` : `${base}/namespaces/${r.namespace}/${r.plural}`;
}

const EVENT_TYPES: readonly WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'];

export class KubeListerWatcher implements ListerWatcher<KubernetesObject> {
  private readonly objects: KubernetesObjectApi;
  private readonly watcher: Watch;

  constructor(kc: KubeConfig, private readonly resource: ResourceSelector) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.watcher = new Watch(kc);
  }

  async list(): Promise<ListResult<KubernetesObject>> {
    const r = this.resource;
    const list = await this.objects.list(r.apiVersion, r.kind, r.namespace, undefined, undefined, undefined, undefined, r.labelSelector);
    // List items omit apiVersion/kind; restore them so decoding and owner lookups work.
    const items = list.items.map((i) => ({ ...i, apiVersion: r.apiVersion, kind: r.kind }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async watch(resourceVersion: string, onEvent: (e: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<WatchHandle> {
    const query: Record<string, string | boolean> = { allowWatchBookmarks: true, resourceVersion };
    if (this.resource.labelSelector !== undefined) query['labelSelector'] = this.resource.labelSelector;
    const controller = await this.watcher.watch(watchPath(this.resource), query, (phase: string, obj: unknown) => {
      const type = EVENT_TYPES.find((t) => t === phase);
      if (type !== undefined) onEvent({ type, object: obj });
    }, (err: unknown) => onDone(err ?? undefined));
    return { abort: () => controller.abort() };
  }

  decode(raw: unknown): KubernetesObject {
    const json = { apiVersion: this.resource.apiVersion, kind: this.resource.kind, ...(raw as Record<string, unknown>) };
    return fromWire(json);
  }
}
