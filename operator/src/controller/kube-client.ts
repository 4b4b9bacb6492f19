/**
 * The only write path to the API server: server-side apply with one fixed field
 * manager, so the operator owns exactly the fields it sets and repeated applies
 * of the same object are no-ops (the second reconcile changes nothing).
 */
import {
  CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './api-errors.js';
import { toWire } from './wire.js';

export const FIELD_MANAGER = 'redis-crdt-operator';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface StatusRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** What the reconciler needs from the API server; a fake implements it in unit tests. */
export interface KubeClient {
  apply<T extends KubernetesObject>(obj: T): Promise<KubernetesObject>;
  applyStatus(ref: StatusRef, apiVersion: string, kind: string, status: unknown): Promise<void>;
  get(ref: ObjectRef): Promise<KubernetesObject | undefined>;
  delete(ref: ObjectRef): Promise<boolean>;
}

export class ApiServerClient implements KubeClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  async apply<T extends KubernetesObject>(obj: T): Promise<KubernetesObject> {
    // force: the operator is the authority for the fields it sets (kubectl edits of them are reverted).
    return this.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  async applyStatus(ref: StatusRef, apiVersion: string, kind: string, status: unknown): Promise<void> {
    const body = { apiVersion, kind, metadata: { name: ref.name, namespace: ref.namespace }, status };
    await this.custom.patchNamespacedCustomObjectStatus(
      { ...ref, body, fieldManager: FIELD_MANAGER, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }

  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

export { toWire };
