import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyPair } from './types.js';

/** The key pair of a private key PEM (any type node:crypto reads), the PEM kept as given. */
export function keyPairFromPem(privateKeyPem: string): KeyPair {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    privateKeyPem,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
