// A container's environment, resolved the way the kubelet does: the
// KUBERNETES_SERVICE_* variables, then envFrom, then env in order (later wins),
// with $(VAR) references to earlier variables expanded.
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { expandVars } from './command-line.js';
import { fieldValue, resourceValue, type PodFacts } from './downward-api.js';
import type { ObjectSource } from './kube-objects.js';

/** A missing Secret, ConfigMap or key: the container waits with this reason, as with a kubelet. */
export class ConfigError extends Error {}

export interface ApiserverEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The variables every container gets so in-cluster clients find the apiserver. */
export function serviceEnv(apiserver: ApiserverEndpoint): Record<string, string> {
  const { host, port } = apiserver;
  return {
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: `tcp://${host}:${port}`,
    KUBERNETES_PORT_443_TCP: `tcp://${host}:${port}`,
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_ADDR: host,
    KUBERNETES_PORT_443_TCP_PORT: String(port),
  };
}

/** Resolves the container's env; throws ConfigError when a required source is missing. */
export async function resolveEnv(container: V1Container, facts: PodFacts, objects: ObjectSource, base: Record<string, string>): Promise<Record<string, string>> {
  const namespace = facts.pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = { ...base };
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const data = from.configMapRef ? await objects.configMap(namespace, ref.name) : await objects.secret(namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ConfigError(`${from.configMapRef ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    for (const [k, v] of data) env[`${from.prefix ?? ''}${k}`] = v.toString('utf8');
  }
  for (const variable of container.env ?? []) {
    const value = await envValue(variable, container, facts, objects, env);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

async function envValue(variable: V1EnvVar, container: V1Container, facts: PodFacts, objects: ObjectSource, env: Record<string, string>): Promise<string | undefined> {
  if (variable.value !== undefined) return expandVars(variable.value, env);
  const from = variable.valueFrom;
  if (!from) return '';
  const namespace = facts.pod.metadata?.namespace ?? 'default';
  if (from.fieldRef) {
    const value = fieldValue(facts, from.fieldRef.fieldPath);
    if (value === undefined) throw new ConfigError(`unsupported fieldRef ${from.fieldRef.fieldPath}`);
    return value;
  }
  if (from.resourceFieldRef) return resourceValue(container, from.resourceFieldRef.resource);
  const keyRef = from.secretKeyRef ?? from.configMapKeyRef;
  if (!keyRef) return undefined;
  const kind = from.secretKeyRef ? 'secret' : 'configmap';
  const data = from.secretKeyRef ? await objects.secret(namespace, keyRef.name ?? '') : await objects.configMap(namespace, keyRef.name ?? '');
  const value = data?.get(keyRef.key);
  if (value !== undefined) return value.toString('utf8');
  if (keyRef.optional) return undefined;
  throw new ConfigError(data ? `couldn't find key ${keyRef.key} in ${kind} ${namespace}/${keyRef.name}` : `${kind} "${keyRef.name}" not found`);
}
