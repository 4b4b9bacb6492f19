/**
 * The cluster's admin token (resources/admin-secret.ts): read from its Secret, or made
 * once from 32 random bytes when the Secret does not exist yet. Applied before the
 * StatefulSet and before any CA exists, so a pod (or an injected one: the webhook waits
 * for the CA) never references a missing Secret.
 */
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import { ADMIN_TOKEN_KEY, buildAdminSecret, namesFor } from '../resources/index.js';
import type { ReconcileDeps } from './deps.js';
import { secretText } from './secret-data.js';

export async function ensureAdminToken(deps: ReconcileDeps, cluster: RedisCRDTCluster): Promise<string> {
  const { namespace } = cluster.metadata;
  const secret = await deps.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: namesFor(cluster.metadata.name).adminSecret });
  const existing = secretText(secret, ADMIN_TOKEN_KEY);
  const token = existing !== undefined && existing !== '' ? existing : Buffer.from(deps.crypto.getRandomValues(new Uint8Array(32))).toString('hex');
  await deps.kube.apply(buildAdminSecret(cluster, token));
  return token;
}
