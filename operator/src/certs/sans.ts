/**
 * Subject alternative names of a replica's certificate. Peers dial each other by
 * the pod's stable DNS name through the headless Service, and the sidecar checks
 * the peer certificate names it (DESIGN.md §6), so every form a client may use is
 * listed, from fully qualified to the bare pod name.
 */

export interface PodNameInput {
  pod: string;
  headlessService: string;
  namespace: string;
  clusterDomain: string;
  /** Templates where `{pod}` is replaced by the pod name (spec.tls.extraDNSNames). */
  extraDNSNames: readonly string[];
}

export function podDnsNames(input: PodNameInput): string[] {
  const { pod, headlessService: svc, namespace: ns, clusterDomain } = input;
  const names = [
    `${pod}.${svc}.${ns}.svc.${clusterDomain}`,
    `${pod}.${svc}.${ns}.svc`,
    `${pod}.${svc}.${ns}`,
    `${pod}.${svc}`,
    pod,
    ...input.extraDNSNames.map((t) => t.replaceAll('{pod}', pod)),
  ];
  return [...new Set(names)];
}

/** The name a peer verifies when dialling this pod (the fully qualified form). */
export function podServerName(input: Omit<PodNameInput, 'extraDNSNames'>): string {
  return `${input.pod}.${input.headlessService}.${input.namespace}.svc.${input.clusterDomain}`;
}
