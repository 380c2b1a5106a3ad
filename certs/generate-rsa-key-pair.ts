import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPair } from './types.js';

let cache: { dir: string; next: Map<number, number> } | undefined;

/**
 * Reuse test keys across runs: while a cache folder is set, the n-th key of a
 * size asked for in this process is the n-th key file of that size in the
 * folder (generated and saved, mode 0600, the first time). Every sandbox still
 * gets distinct keys within a run; a new run reuses the same ones instead of
 * paying ~150 ms of RSA generation per key. `undefined` turns the cache off.
 */
export function useKeyCache(dir: string | undefined): void {
  if (dir === undefined) {
    cache = undefined;
    return;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  cache = { dir, next: new Map() };
}

function fresh(bits: number): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(keyPairFromKeyObjects(privateKey, publicKey));
    });
  });
}

/**
 * A fresh RSA key pair (e = 65537). Runs in libuv's thread pool, so several calls proceed in
 * parallel; a 2048-bit key takes ~150–350 ms of CPU. With `useKeyCache`, keys come from the cache.
 */
export async function generateRsaKeyPair(bits = 2048): Promise<KeyPair> {
  if (!Number.isInteger(bits) || bits < 2048 || bits > 8192) {
    throw new RangeError(`RSA key size must be an integer from 2048 to 8192 bits, got ${bits}`);
  }
  const c = cache;
  if (!c) return fresh(bits);
  const n = c.next.get(bits) ?? 0;
  c.next.set(bits, n + 1);
  const file = join(c.dir, `rsa-${bits}-${n}.pem`);
  if (existsSync(file)) {
    try {
      const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
      return keyPairFromKeyObjects(privateKey, createPublicKey(privateKey));
    } catch {
      // unreadable cache entry: replace it below
    }
  }
  const pair = await fresh(bits);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pair.privateKeyPem, { mode: 0o600 });
  renameSync(tmp, file);
  return pair;
}

function keyPairFromKeyObjects(privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}
