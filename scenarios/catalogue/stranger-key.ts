import { generateRsaKeyPair, type KeyPair } from '../../certs/index.js';

/**
 * One RSA-2048 key that no directory, keystore or software JWKS knows, made once per process and
 * shared by every scenario that needs "a key nobody trusts" (an SSA re-signed by it, a request
 * signed by it). Made off the event loop, from the key cache when one is set, and from the keys
 * started ahead (see `catalogueRsaKeys`).
 */
let stranger: Promise<KeyPair> | undefined;
export function strangerKey(): Promise<KeyPair> {
  stranger ??= generateRsaKeyPair(2048);
  return stranger;
}
