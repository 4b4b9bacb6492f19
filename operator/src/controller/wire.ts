/**
 * The JSON the API server sees. @kubernetes/client-node's model classes rename a
 * few fields (`from` is `_from`), so objects built from them are converted with
 * the library's own serializer before they are written or compared.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';

/** The model type name the serializer uses for an apiVersion/kind, e.g. `V1StatefulSet`. */
export function serializationType(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Converts a model object into its wire (JSON) form; unknown kinds pass through unchanged. */
export function toWire(obj: KubernetesObject): Record<string, unknown> {
  const type = serializationType(obj.apiVersion ?? '', obj.kind ?? '');
  const wire: unknown = ObjectSerializer.serialize(obj, type);
  return wire as Record<string, unknown>;
}

/** Converts wire JSON into the model form (dates parsed, renamed fields restored). */
export function fromWire<T extends KubernetesObject>(json: Record<string, unknown>): T {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const type = serializationType(str(json['apiVersion']), str(json['kind']));
  return ObjectSerializer.deserialize(json, type) as T;
}
