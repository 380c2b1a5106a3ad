import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { toPem } from './pem.js';
import { rememberPrivateKeyPem } from './private-key-from-pem.js';
import { rememberSpkiDer } from './spki-cache.js';
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

/**
 * Generations running at once: one per core, and at most 3 so that libuv's thread pool (4
 * threads, shared with file I/O and async signing) always has a thread left for the rest.
 */
const MAX_RUNNING = Math.max(1, Math.min(3, availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function generate(bits: number): Promise<KeyPair> {
  return limited(
    () =>
      new Promise<KeyPair>((resolve, reject) => {
        generateKeyPair(
          'rsa',
          { modulusLength: bits, publicExponent: 0x10001 },
          (err, publicKey, privateKey) => {
            if (err) reject(err);
            else resolve(keyPairFromKeyObjects(privateKey, publicKey));
          },
        );
      }),
  );
}

/** Keys started ahead by `prepareRsaKeys`, per size, handed out oldest first, each once. */
const reserve = new Map<number, Promise<KeyPair>[]>();
/** Upper bound of the reserve per size: a forgotten reservation costs at most this many keys. */
const MAX_RESERVED = 64;

function fresh(bits: number): Promise<KeyPair> {
  return reserve.get(bits)?.shift() ?? generate(bits);
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 2048 || bits > 8192) {
    throw new RangeError(`RSA key size must be an integer from 2048 to 8192 bits, got ${bits}`);
  }
}

/**
 * Makes sure the next `count` calls of `generateRsaKeyPair(bits)` in this process (whoever makes
 * them: a CA, a directory, a bank) find their keys started: starts the missing generations now,
 * in the background. Code that makes its keys one after another then finds them made in parallel.
 * With a key cache, keys already in the cache are not started. The reserve is process-wide, so
 * keys one sandbox reserved but did not use go to the next one; each key is handed out once.
 * Returns how many generations were started.
 */
export function prepareRsaKeys(bits: number, count: number): number {
  checkBits(bits);
  const list = reserve.get(bits) ?? [];
  reserve.set(bits, list);
  let missing = count - list.length;
  const c = cache;
  if (c) {
    const n = c.next.get(bits) ?? 0;
    missing = 0;
    for (let i = n; i < n + count; i++) if (!existsSync(join(c.dir, `rsa-${bits}-${i}.pem`))) missing += 1;
    missing -= list.length;
  }
  missing = Math.min(missing, MAX_RESERVED - list.length);
  for (let i = 0; i < missing; i++) {
    const p = generate(bits);
    // A reserved key that fails and is never asked for must not become an unhandled rejection;
    // whoever takes it still sees the error.
    p.catch(() => {});
    list.push(p);
  }
  return Math.max(0, missing);
}

/**
 * A fresh RSA key pair (e = 65537). Runs in libuv's thread pool, a few at a time (one per core,
 * at most 3), so calls proceed in parallel without starving file I/O; a 2048-bit key takes
 * ~150–350 ms of CPU. With `useKeyCache`, keys come from the cache; otherwise keys started by
 * `prepareRsaKeys` are used first.
 */
export async function generateRsaKeyPair(bits = 2048): Promise<KeyPair> {
  checkBits(bits);
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

/**
 * The pair with its PEMs. The public key is exported once, as DER, and remembered for the CSR
 * and certificate builders (`spkiDerOf`); its PEM is that DER in base64, 64 characters a line,
 * byte for byte what OpenSSL's PEM export writes. The private PEM is remembered too, so signing
 * with it later does not parse it again (`privateKeyFromPem`).
 */
function keyPairFromKeyObjects(privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  rememberSpkiDer(publicKey, spki);
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  rememberPrivateKeyPem(privateKeyPem, privateKey);
  return { privateKey, publicKey, privateKeyPem, publicKeyPem: toPem(spki, 'PUBLIC KEY') };
}
