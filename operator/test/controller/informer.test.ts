import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Informer, isGone, type ListResult, type ListerWatcher, type WatchEvent, type WatchHandle } from '../../src/controller/informer.js';
import { FakeClock, flush } from '../fixtures/fake-clock.js';

const obj = (name: string, rv: string): KubernetesObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });

/** A scripted API server: lists return `state`, watches are recorded so the test can push events or fail them. */
class FakeSource implements ListerWatcher<KubernetesObject> {
  state: KubernetesObject[] = [];
  rv = '1';
  lists = 0;
  failNextList = false;
  watches: Array<{ rv: string; onEvent: (e: WatchEvent) => void; onDone: (err?: unknown) => void; aborted: boolean }> = [];

  list(): Promise<ListResult<KubernetesObject>> {
    this.lists++;
    if (this.failNextList) {
      this.failNextList = false;
      return Promise.reject(new Error('connection refused'));
    }
    return Promise.resolve({ items: [...this.state], resourceVersion: this.rv });
  }

  watch(rv: string, onEvent: (e: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<WatchHandle> {
    const w = { rv, onEvent, onDone, aborted: false };
    this.watches.push(w);
    return Promise.resolve({ abort: () => { w.aborted = true; } });
  }

  decode(raw: unknown): KubernetesObject {
    return raw as KubernetesObject;
  }

  last(): FakeSource['watches'][number] {
    const w = this.watches[this.watches.length - 1];
    if (w === undefined) throw new Error('no watch');
    return w;
  }
}

function recorder(): { log: string[]; handlers: ConstructorParameters<typeof Informer>[1] } {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onAdd: (o) => log.push(`add ${o.metadata?.name}`),
      onUpdate: (_old, o) => log.push(`update ${o.metadata?.name}`),
      onDelete: (o) => log.push(`delete ${o.metadata?.name}`),
      onError: (_e, relist) => log.push(`error relist=${relist}`),
    },
  };
}

describe('controller: informer', () => {
  it('lists, then watches from the list resourceVersion and applies events', async () => {
    const src = new FakeSource();
    src.state = [obj('a', '1')];
    const { log, handlers } = recorder();
    const inf = new Informer(src, handlers, { resyncMs: 0, clock: new FakeClock() });
    inf.start();
    await flush();
    assert.ok(inf.hasSynced());
    assert.equal(src.last().rv, '1');
    src.last().onEvent({ type: 'ADDED', object: obj('b', '2') });
    src.last().onEvent({ type: 'MODIFIED', object: obj('a', '3') });
    src.last().onEvent({ type: 'DELETED', object: obj('b', '4') });
    src.last().onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } });
    assert.deepEqual(log, ['add a', 'add b', 'update a', 'delete b']);
    assert.deepEqual(inf.list().map((o) => o.metadata?.name), ['a']);
    assert.equal(inf.lastResourceVersion(), '9');
    inf.stop();
  });

  it('restarts a failed watch from the last resourceVersion after a backoff, without relisting', async () => {
    const clock = new FakeClock();
    const src = new FakeSource();
    const { log, handlers } = recorder();
    const inf = new Informer(src, handlers, { resyncMs: 0, clock });
    inf.start();
    await flush();
    src.last().onEvent({ type: 'ADDED', object: obj('a', '5') });
    src.last().onDone(new Error('socket hang up'));
    assert.equal(src.watches.length, 1, 'waits before restarting');
    clock.advance(200);
    await flush();
    assert.equal(src.watches.length, 2);
    assert.equal(src.last().rv, '5');
    assert.equal(src.lists, 1);
    src.last().onDone(undefined);
    await flush();
    assert.equal(src.watches.length, 3, 'a normal server-side close resumes at once');
    assert.deepEqual(log, ['add a', 'error relist=false']);
    inf.stop();
  });

  it('relists on 410 Gone (as an ERROR event or an HTTP error) and reports objects deleted meanwhile', async () => {
    const clock = new FakeClock();
    const src = new FakeSource();
    src.state = [obj('a', '1'), obj('b', '1')];
    const { log, handlers } = recorder();
    const inf = new Informer(src, handlers, { resyncMs: 0, clock });
    inf.start();
    await flush();
    src.state = [obj('a', '7')];
    src.rv = '7';
    const first = src.last();
    first.onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    assert.ok(first.aborted);
    clock.advance(0);
    await flush();
    assert.equal(src.lists, 2);
    assert.equal(src.last().rv, '7');
    assert.deepEqual(log, ['add a', 'add b', 'error relist=true', 'update a', 'delete b']);
    src.last().onDone({ code: 410 });
    clock.advance(0);
    await flush();
    assert.equal(src.lists, 3);
    first.onEvent({ type: 'ADDED', object: obj('zombie', '8') });
    assert.equal(inf.get('ns/zombie'), undefined, 'events of an aborted watch are ignored');
    inf.stop();
  });

  it('retries a failed list with backoff and resyncs the cache periodically', async () => {
    const clock = new FakeClock();
    const src = new FakeSource();
    src.state = [obj('a', '1')];
    src.failNextList = true;
    const { log, handlers } = recorder();
    const inf = new Informer(src, handlers, { resyncMs: 60_000, clock });
    inf.start();
    await flush();
    assert.equal(inf.hasSynced(), false);
    clock.advance(200);
    await flush();
    assert.ok(inf.hasSynced());
    clock.advance(60_000);
    clock.advance(60_000);
    assert.deepEqual(log, ['error relist=true', 'add a', 'update a', 'update a']);
    inf.stop();
    assert.equal(clock.pending(), 0, 'stop cancels every timer');
  });

  it('recognises 410 in every shape the client reports it', () => {
    assert.ok(isGone({ code: 410 }) && isGone({ statusCode: 410 }) && isGone({ body: { code: 410 } }));
    assert.ok(!isGone(new Error('x')) && !isGone({ code: 500 }) && !isGone(undefined));
  });
});
