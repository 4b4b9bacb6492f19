/**
 * WebCrypto types under short names. The project's `lib` has no DOM, so the
 * global `CryptoKey` type is absent; Node's `webcrypto` namespace carries the same
 * shapes. Callers pass `globalThis.crypto`.
 */
import type { webcrypto } from 'node:crypto';

export type Crypto = webcrypto.Crypto;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type SubtleCrypto = webcrypto.SubtleCrypto;
