import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import type { KeyPair } from './types.js';

/**
 * The key kept in `file` (PKCS#8 PEM), created (mode 0600) as an EC P-256 key the first time
 * (well under a millisecond, against ~150 ms for RSA 2048). A key already in the file is used
 * whatever its type, so data dirs made when it was RSA keep working.
 */
export async function loadOrCreateEcKeyFile(file: string): Promise<KeyPair> {
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
  const pair = await new Promise<KeyPair>((resolve, reject) =>
    generateKeyPair('ec', { namedCurve: 'P-256' }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else
        resolve({
          privateKey,
          publicKey,
          privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        });
    }),
  );
  await writeFile(file, pair.privateKeyPem, { mode: 0o600 });
  return pair;
}
