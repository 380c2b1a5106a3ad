import { createPrivateKey, createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import { generateRsaKeyPair } from './generate-rsa-key-pair.js';
import type { KeyPair } from './types.js';

/** The RSA key kept in `file` (PKCS#8 PEM), created (mode 0600) the first time. */
export async function loadOrCreateRsaKeyFile(file: string, bits = 2048): Promise<KeyPair> {
  const pem = await readTextIfExists(file);
  if (pem) {
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    return {
      privateKey,
      publicKey,
      privateKeyPem: pem,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  const pair = await generateRsaKeyPair(bits);
  await writeFile(file, pair.privateKeyPem, { mode: 0o600 });
  return pair;
}
