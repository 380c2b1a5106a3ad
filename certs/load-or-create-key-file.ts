import { writeFile } from 'node:fs/promises';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import { generateRsaKeyPair } from './generate-rsa-key-pair.js';
import { keyPairFromPem } from './key-pair-from-pem.js';
import type { KeyPair } from './types.js';

/** The RSA key kept in `file` (PKCS#8 PEM), created (mode 0600) the first time. */
export async function loadOrCreateRsaKeyFile(file: string, bits = 2048): Promise<KeyPair> {
  const pem = await readTextIfExists(file);
  if (pem) return keyPairFromPem(pem);
  const pair = await generateRsaKeyPair(bits);
  await writeFile(file, pair.privateKeyPem, { mode: 0o600 });
  return pair;
}
