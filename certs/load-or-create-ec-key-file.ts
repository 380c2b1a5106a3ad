import { writeFile } from 'node:fs/promises';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import { generateEcKeyPair } from './generate-ec-key-pair.js';
import { keyPairFromPem } from './key-pair-from-pem.js';
import type { KeyPair } from './types.js';

/**
 * The key kept in `file` (PKCS#8 PEM), created (mode 0600) as an EC P-256 key the first time
 * (well under a millisecond, against ~150 ms for RSA 2048). A key already in the file is used
 * whatever its type, so data dirs made when it was RSA keep working.
 */
export async function loadOrCreateEcKeyFile(file: string): Promise<KeyPair> {
  const pem = await readTextIfExists(file);
  if (pem) return keyPairFromPem(pem);
  const pair = await generateEcKeyPair();
  await writeFile(file, pair.privateKeyPem, { mode: 0o600 });
  return pair;
}
