// The reads the agent makes while preparing a pod: Secrets, ConfigMaps and
// service-account tokens. A missing object is `undefined` (the pod waits, as
// with a kubelet), any other API error propagates.
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';

export interface ObjectSource {
  /** The Secret's keys, decoded, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<Map<string, Buffer> | undefined>;
  /** The ConfigMap's keys (data and binaryData), or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Map<string, Buffer> | undefined>;
  /** A token from the TokenRequest API, bound to the pod like the kubelet's. */
  serviceAccountToken(req: TokenRequest): Promise<string>;
}

export interface TokenRequest {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podName: string;
  readonly podUid: string;
  readonly audience: string | undefined;
  readonly expirationSeconds: number;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** Reads through the CoreV1 API. */
export function apiObjectSource(core: CoreV1Api): ObjectSource {
  return {
    async secret(namespace, name) {
      try {
        const s = await core.readNamespacedSecret({ namespace, name });
        return new Map(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async configMap(namespace, name) {
      try {
        const cm = await core.readNamespacedConfigMap({ namespace, name });
        const text = Object.entries(cm.data ?? {}).map(([k, v]): [string, Buffer] => [k, Buffer.from(v, 'utf8')]);
        const binary = Object.entries(cm.binaryData ?? {}).map(([k, v]): [string, Buffer] => [k, Buffer.from(v, 'base64')]);
        return new Map([...text, ...binary]);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async serviceAccountToken(req) {
      const result = await core.createNamespacedServiceAccountToken({
        namespace: req.namespace,
        name: req.serviceAccount,
        body: {
          spec: {
            audiences: req.audience === undefined ? [] : [req.audience],
            expirationSeconds: req.expirationSeconds,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: req.podName, uid: req.podUid },
          },
        },
      });
      return result.status?.token ?? '';
    },
  };
}
