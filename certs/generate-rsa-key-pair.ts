import { generateKeyPair, type KeyObject } from 'node:crypto';
import type { KeyPair } from './types.js';

/**
 * A fresh RSA key pair (e = 65537). Runs in libuv's thread pool, so several calls proceed in
 * parallel; a 2048-bit key takes ~150–350 ms of CPU.
 */
export function generateRsaKeyPair(bits = 2048): Promise<KeyPair> {
  if (!Number.isInteger(bits) || bits < 2048 || bits > 8192) {
    return Promise.reject(
      new RangeError(`RSA key size must be an integer from 2048 to 8192 bits, got ${bits}`),
    );
  }
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(keyPairFromKeyObjects(privateKey, publicKey));
    });
  });
}

function keyPairFromKeyObjects(privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}
