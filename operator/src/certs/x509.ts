/**
 * @peculiar/x509, loaded after the Reflect polyfill it needs. Import x509 through
 * this module only: ES modules evaluate their imports in order, so the polyfill
 * runs first.
 */
import './reflect-polyfill.js';
export * from '@peculiar/x509';
