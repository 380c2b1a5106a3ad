/**
 * A private key PEM → KeyObject, remembered. Parsing a PKCS#8 RSA PEM costs ~0.8 ms; a TPP signs
 * every request object, client assertion and self-signed statement with a PEM it already parsed
 * (or generated), so the last few keys are kept. Bounded: at most {@link CAPACITY} keys, the
 * least recently used one dropped first. The keys never leave the process that owns them.
 * Internal to certs/ and tpp-client/.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

const CAPACITY = 64;
const cache = new Map<string, KeyObject>();

/** Remembers `key` as the key `pem` holds (a key pair just generated and exported). */
export function rememberPrivateKeyPem(pem: string, key: KeyObject): void {
  if (key.type !== 'private') return;
  cache.delete(pem);
  cache.set(pem, key);
  if (cache.size > CAPACITY) cache.delete(cache.keys().next().value as string);
}

/** The private key `pem` holds; throws what `createPrivateKey` throws (nothing is cached then). */
export function privateKeyFromPem(pem: string): KeyObject {
  const known = cache.get(pem);
  if (known) {
    cache.delete(pem);
    cache.set(pem, known);
    return known;
  }
  const key = createPrivateKey(pem);
  rememberPrivateKeyPem(pem, key);
  return key;
}

/** How many keys are remembered (tests). */
export function rememberedPrivateKeys(): number {
  return cache.size;
}
