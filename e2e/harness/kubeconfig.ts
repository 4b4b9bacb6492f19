// Writes the admin kubeconfig for the bed: client-certificate auth against the
// bed's CA, one context, so kubectl, helm and @kubernetes/client-node all accept it.
import fs from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  readonly file: string;
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Writes the kubeconfig file (mode 0600) and returns its path. */
export function writeKubeconfig(spec: KubeconfigSpec): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'redis-crdt-e2e', cluster: { server: spec.server, 'certificate-authority': spec.caCert } }],
    users: [{ name: 'admin', user: { 'client-certificate': spec.clientCert, 'client-key': spec.clientKey } }],
    contexts: [{ name: 'redis-crdt-e2e', context: { cluster: 'redis-crdt-e2e', user: 'admin', namespace: 'default' } }],
    'current-context': 'redis-crdt-e2e',
  };
  fs.writeFileSync(spec.file, stringify(doc), { mode: 0o600 });
  return spec.file;
}
