/**
 * A minimal `Reflect` metadata polyfill for tsyringe, which @peculiar/x509 uses for
 * its algorithm registry. The usual provider, the `reflect-metadata` package, is
 * not installed (only a dev dependency of @peculiar/x509), and tsyringe refuses to
 * load without `Reflect.getMetadata`. tsyringe needs only define/get(Own)Metadata
 * on classes, so a WeakMap keyed by target is enough. Installed only when absent,
 * so a real polyfill loaded earlier wins.
 */

type MetadataStore = WeakMap<object, Map<string | symbol | undefined, Map<unknown, unknown>>>;
interface ReflectMetadata {
  defineMetadata(key: unknown, value: unknown, target: object, property?: string | symbol): void;
  getOwnMetadata(key: unknown, target: object, property?: string | symbol): unknown;
  getMetadata(key: unknown, target: object, property?: string | symbol): unknown;
}

function install(): void {
  const reflect = Reflect as typeof Reflect & Partial<ReflectMetadata>;
  if (typeof reflect.getMetadata === 'function') return;
  const store: MetadataStore = new WeakMap();
  const own = (target: object, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined => {
    let byProperty = store.get(target);
    if (byProperty === undefined) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let entries = byProperty.get(property);
    if (entries === undefined && create) {
      entries = new Map();
      byProperty.set(property, entries);
    }
    return entries;
  };
  const api: ReflectMetadata = {
    defineMetadata: (key, value, target, property) => void own(target, property, true)?.set(key, value),
    getOwnMetadata: (key, target, property) => own(target, property, false)?.get(key),
    getMetadata: (key, target, property) => {
      // Walk the prototype chain, as reflect-metadata's OrdinaryGetMetadata does.
      for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
        const entries = own(t, property, false);
        if (entries?.has(key) === true) return entries.get(key);
      }
      return undefined;
    },
  };
  Object.assign(reflect, api);
}

install();
