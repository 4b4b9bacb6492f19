/** Pure builders of every Kubernetes object a RedisCRDTCluster owns. */
export * from './names.js';
export * from './ports.js';
export * from './meta.js';
export * from './ca-secret.js';
export * from './admin-secret.js';
export * from './pod-tls-secret.js';
export * from './peers-configmap.js';
export * from './services.js';
export * from './pdb.js';
export * from './network-policy.js';
export * from './statefulset.js';
export * from './pod-template.js';
export * from './sidecar-container.js';
export * from './service-monitor.js';
export * from './injection.js';
export * from './member-tls-secret.js';
export * from './cert-manager-certificate.js';
