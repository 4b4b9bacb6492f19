/** Public surface of the v1alpha1 API package. */
export * from './types.js';
export * from './defaults.js';
export * from './conditions.js';
export { parseRedisCRDTCluster } from './parse.js';
export { MAX_NAME_LENGTH } from './validate.js';
