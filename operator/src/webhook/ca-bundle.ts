/**
 * Puts the webhook CA into the MutatingWebhookConfiguration's caBundle (the chart
 * ships the configuration without one). Server-side apply of just that field, with
 * the operator's field manager, so helm keeps owning everything else.
 */
import { KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { isNotFound } from '../controller/api-errors.js';
import { FIELD_MANAGER } from '../controller/kube-client.js';

const API_VERSION = 'admissionregistration.k8s.io/v1';
const KIND = 'MutatingWebhookConfiguration';

export type CaBundleResult = 'unchanged' | 'updated' | 'missing';

export async function injectCaBundle(kc: KubeConfig, configurationName: string, caPem: string): Promise<CaBundleResult> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  let current: { webhooks?: Array<{ name?: string; clientConfig?: { caBundle?: string } }> };
  try {
    current = (await objects.read({ apiVersion: API_VERSION, kind: KIND, metadata: { name: configurationName } })) as typeof current;
  } catch (err) {
    if (isNotFound(err)) return 'missing';
    throw err;
  }
  const caBundle = Buffer.from(caPem, 'utf8').toString('base64');
  const webhooks = current.webhooks ?? [];
  if (webhooks.every((w) => w.clientConfig?.caBundle === caBundle)) return 'unchanged';
  const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name: configurationName }, webhooks: webhooks.map((w) => ({ name: w.name, clientConfig: { caBundle } })) };
  await objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  return 'updated';
}
