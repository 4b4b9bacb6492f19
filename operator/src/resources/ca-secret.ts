/**
 * The CA Secret: the cluster CA's certificate and private key, read only by the
 * operator (pods never mount it). During a rotation it also keeps the previous CA
 * (still trusted, and still signing while the new one propagates); the rotation
 * phase lives in annotations so a restarted operator resumes where it was.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { RedisCRDTCluster } from '../api/v1alpha1/index.js';
import type { CaPhase } from '../certs/index.js';
import { objectMeta } from './meta.js';
import { namesFor } from './names.js';

export const CA_PHASE_ANNOTATION = 'rediscrdt.io/ca-rotation-phase';
export const CA_PHASE_SINCE_ANNOTATION = 'rediscrdt.io/ca-rotation-phase-since';

export interface CaMaterial {
  certPem: string;
  keyPem: string;
  previous?: { certPem: string; keyPem: string };
  phase: CaPhase;
  /** RFC 3339 time the phase began. */
  since: string;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function buildCaSecret(cluster: RedisCRDTCluster, ca: CaMaterial): V1Secret {
  const data: Record<string, string> = { 'ca.crt': b64(ca.certPem), 'ca.key': b64(ca.keyPem) };
  if (ca.previous !== undefined) {
    data['previous.crt'] = b64(ca.previous.certPem);
    data['previous.key'] = b64(ca.previous.keyPem);
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(cluster, namesFor(cluster.metadata.name).caSecret, 'certificates', {
      annotations: { [CA_PHASE_ANNOTATION]: ca.phase, [CA_PHASE_SINCE_ANNOTATION]: ca.since },
    }),
    type: 'Opaque',
    data,
  };
}
