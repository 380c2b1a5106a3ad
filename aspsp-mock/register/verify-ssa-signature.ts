import { hash, type KeyObject } from 'node:crypto';
import type { ProtectedHeaderParameters } from 'jose';
import { LruCache } from '../../lib/lru-cache.js';
import { signatureVerifies } from './jws.js';

/** Software statements remembered as verified, per directory key. */
export const VERIFIED_STATEMENTS_PER_KEY = 256;

/**
 * Positive results only, per KeyObject: the JWKS fetcher makes new KeyObjects
 * each time it refetches a key set, so a rotated or removed directory key is
 * never served from here once the bank's JWKS cache has moved on.
 */
const verified = new WeakMap<KeyObject, LruCache<string, true>>();

// one-shot crypto.hash: no Hash object per call (half the cost of createHash for a statement)
const fingerprint = (jws: string, alg: string): string => hash('sha256', `${alg}\0${jws}`, 'base64url');

/**
 * Step: the software statement's signature verifies with the directory key
 * `key` under `alg`. A TPP presents the same SSA on every registration, and a
 * signature check is a pure function of (statement, key, alg), so a positive
 * result is remembered for that exact statement (by SHA-256) and key object;
 * everything else about the statement (issuer, times, status) is still
 * checked on every call by the caller.
 */
export async function ssaSignatureVerifies(
  jws: string,
  key: KeyObject,
  alg: string,
  header?: ProtectedHeaderParameters,
): Promise<boolean> {
  const id = fingerprint(jws, alg);
  const known = verified.get(key);
  if (known?.get(id)) return true;
  if (!(await signatureVerifies(jws, key, [alg], header))) return false;
  let cache = verified.get(key);
  if (!cache) {
    cache = new LruCache<string, true>({ maxEntries: VERIFIED_STATEMENTS_PER_KEY });
    verified.set(key, cache);
  }
  cache.set(id, true);
  return true;
}

/** Statements remembered for `key` (tests: the cache stays bounded). */
export function verifiedStatementCount(key: KeyObject): number {
  return verified.get(key)?.size ?? 0;
}
