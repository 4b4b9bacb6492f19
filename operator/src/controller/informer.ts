/**
 * A list-then-watch informer: keeps a cache of objects and tells handlers what
 * changed. Mirrors client-go's reflector: every watch error restarts the watch from
 * the last seen resourceVersion after a short backoff; 410 Gone (the version was
 * compacted away) relists; a periodic resync replays every cached object so a
 * level-triggered controller re-checks the world even when nothing changed.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { ItemBackoff } from './backoff.js';
import { systemClock, type Clock } from './clock.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent { type: WatchEventType; object: unknown }
export interface ListResult<T> { items: T[]; resourceVersion: string }
export interface WatchHandle { abort(): void }

/** Where objects come from: a real API server (kube-source.ts) or a test double. */
export interface ListerWatcher<T extends KubernetesObject> {
  list(): Promise<ListResult<T>>;
  watch(resourceVersion: string, onEvent: (e: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<WatchHandle>;
  /** Converts a watch event's object (wire JSON) into the cached form. */
  decode(raw: unknown): T;
}

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
  onError?(err: unknown, willRelist: boolean): void;
}

export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return ns === undefined || ns === '' ? obj.metadata?.name ?? '' : `${ns}/${obj.metadata?.name ?? ''}`;
}

/** 410 Gone, as an HTTP status on the error or as a Status object in an ERROR event. */
export function isGone(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; statusCode?: unknown; status?: unknown; body?: unknown };
  if (e.code === 410 || e.statusCode === 410 || e.status === 410) return true;
  return typeof e.body === 'object' && e.body !== null && (e.body as { code?: unknown }).code === 410;
}

export class Informer<T extends KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  private stopped = true;
  private handle: WatchHandle | undefined;
  private readonly retry = new ItemBackoff({ baseMs: 200, maxMs: 30_000 });
  private resyncTimer: { cancel(): void } | undefined;
  private restartTimer: { cancel(): void } | undefined;
  /** Incremented per watch so events of an aborted watch are ignored. */
  private generation = 0;

  constructor(
    private readonly source: ListerWatcher<T>,
    private readonly handlers: InformerHandlers<T>,
    private readonly options: { resyncMs: number; clock?: Clock } = { resyncMs: 10 * 60_000 },
  ) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.relist();
    this.scheduleResync();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.handle?.abort();
    this.resyncTimer?.cancel();
    this.restartTimer?.cancel();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private relist(): void {
    if (this.stopped) return;
    this.source.list().then((result) => {
      if (this.stopped) return;
      this.replace(result.items);
      this.resourceVersion = result.resourceVersion;
      this.synced = true;
      this.retry.forget('list');
      this.startWatch();
    }, (err: unknown) => {
      this.handlers.onError?.(err, true);
      this.later(() => this.relist(), this.retry.when('list'));
    });
  }

  /** Replaces the cache with a full list, emitting the differences. */
  private replace(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      this.upsert(key, item);
    }
    for (const [key, old] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.handlers.onDelete?.(old);
    }
  }

  private upsert(key: string, obj: T): void {
    const old = this.cache.get(key);
    this.cache.set(key, obj);
    if (old === undefined) this.handlers.onAdd?.(obj);
    else this.handlers.onUpdate?.(old, obj);
  }

  private startWatch(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.source.watch(this.resourceVersion, (e) => {
      if (gen === this.generation) this.onEvent(e);
    }, (err) => {
      if (gen === this.generation) this.onWatchDone(err);
    }).then((handle) => {
      if (gen === this.generation) this.handle = handle;
      else handle.abort();
    }, (err: unknown) => {
      if (gen === this.generation) this.onWatchDone(err);
    });
  }

  private onEvent(e: WatchEvent): void {
    if (e.type === 'ERROR') {
      // The server reports expiry inside the stream; abort it and handle it like a failed watch.
      this.generation++;
      this.handle?.abort();
      this.onWatchDone(e.object);
      return;
    }
    const obj = this.source.decode(e.object);
    const rv = obj.metadata?.resourceVersion;
    if (rv !== undefined) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return;
    const key = objectKey(obj);
    if (e.type === 'DELETED') {
      this.cache.delete(key);
      this.handlers.onDelete?.(obj);
    } else {
      this.upsert(key, obj);
    }
    this.retry.forget('watch');
  }

  private onWatchDone(err: unknown): void {
    if (this.stopped) return;
    if (err === undefined || err === null) {
      // The server closes watches routinely (timeoutSeconds); resume at once.
      this.startWatch();
      return;
    }
    const gone = isGone(err);
    this.handlers.onError?.(err, gone);
    if (gone) {
      this.resourceVersion = '';
      this.later(() => this.relist(), 0);
    } else {
      this.later(() => this.startWatch(), this.retry.when('watch'));
    }
  }

  private later(fn: () => void, ms: number): void {
    this.restartTimer?.cancel();
    this.restartTimer = this.clock.setTimeout(fn, ms);
  }

  private scheduleResync(): void {
    if (this.stopped || this.options.resyncMs <= 0) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const obj of this.cache.values()) this.handlers.onUpdate?.(obj, obj);
      this.scheduleResync();
    }, this.options.resyncMs);
  }
}
