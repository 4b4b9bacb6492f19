/** Reading Secret data (base64) back as text. */
import type { KubernetesObject } from '@kubernetes/client-node';

export function secretText(secret: KubernetesObject | undefined, key: string): string | undefined {
  const data = (secret as { data?: Record<string, string> } | undefined)?.data;
  const value = data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

export function annotation(obj: KubernetesObject | undefined, key: string): string | undefined {
  return obj?.metadata?.annotations?.[key];
}
