/** Pure PKI for the operator: no I/O, no clock; keys, serials and time come in as arguments. */
export * from './algorithm.js';
export * from './ca.js';
export * from './leaf.js';
export * from './inspect.js';
export * from './pem.js';
export * from './renewal.js';
export * from './rotation.js';
export * from './sans.js';
export type * from './webcrypto.js';
