/**
 * SubjectPublicKeyInfo DER per KeyObject. Exporting a key with OpenSSL 3 costs ~0.2 ms, a third of
 * an issuance; parseCsr already holds the DER, so it records it here. Internal to certs/.
 */
import type { KeyObject } from 'node:crypto';

const cache = new WeakMap<KeyObject, Buffer>();

export function rememberSpkiDer(key: KeyObject, der: Buffer): void {
  cache.set(key, der);
}

export function spkiDerOf(key: KeyObject): Buffer {
  let der = cache.get(key);
  if (!der) {
    der = key.export({ type: 'spki', format: 'der' });
    cache.set(key, der);
  }
  return der;
}
