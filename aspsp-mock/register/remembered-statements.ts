import type { KeyObject } from 'node:crypto';
import type { ProtectedHeaderParameters } from 'jose';
import { LruCache } from '../../lib/lru-cache.js';
import { flattenSsa } from './client-view.js';

/** Software statements remembered as verified (all banks of the process together). */
export const VERIFIED_STATEMENTS_KEPT = 256;
/** Characters of statement text remembered in all (each statement is a key of the cache). */
export const VERIFIED_STATEMENT_CHARS = 4 * 1024 * 1024;

/**
 * A software statement whose signature verified, decoded once: its header and
 * its claims (frozen, with every object and array in them). Shared by every
 * request that presents the same text, so nothing may change them.
 */
export interface VerifiedStatement {
  readonly header: ProtectedHeaderParameters;
  readonly claims: Readonly<Record<string, unknown>>;
}

interface Entry extends VerifiedStatement {
  /** The key objects the signature verified with (the JWKS fetcher makes new ones on every refetch). */
  readonly verifiedBy: WeakSet<KeyObject>;
  readonly chars: number;
}

/** Remembered claims → those claims flattened for a client record (`flattenSsa`), frozen. */
const flattenedClaims = new WeakMap<object, Readonly<Record<string, unknown>>>();

/**
 * Keyed by the exact statement text: a TPP presents the same SSA on every
 * registration, and a signature check is a pure function of (statement, key,
 * alg) — the alg being the statement's own header's. Only statements that
 * verified are kept; bounded in entries and in characters.
 */
const statements = new LruCache<string, Entry>({
  maxEntries: VERIFIED_STATEMENTS_KEPT,
  maxBytes: VERIFIED_STATEMENT_CHARS,
  sizeOf: (e) => e.chars,
});

/** Deep-freezes a JSON value (the claims are shared between requests). */
function freezeJson<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freezeJson(v);
  }
  return value;
}

/**
 * The statement as decoded when it last verified, if this exact text has
 * verified before (with any key: the caller still fetches the key its header
 * names and asks {@link verifiedWith}). Nothing is decoded here.
 */
export function rememberedStatement(jws: string): VerifiedStatement | undefined {
  return statements.get(jws);
}

/** Whether `remembered` verified with this very key object. */
export function verifiedWith(remembered: VerifiedStatement, key: KeyObject): boolean {
  return (remembered as Entry).verifiedBy.has(key);
}

/**
 * Remembers that `jws` verified with `key` (the header's alg), with its
 * decoded header and claims (frozen here: from now on they are shared), so the
 * next registration that presents the same text neither verifies nor decodes
 * it again. Called only after the signature verified.
 */
export function rememberStatement(
  jws: string,
  key: KeyObject,
  header: ProtectedHeaderParameters,
  claims: Record<string, unknown>,
): VerifiedStatement {
  const known = statements.get(jws);
  if (known) {
    known.verifiedBy.add(key);
    return known;
  }
  const frozen = freezeJson(claims);
  flattenedClaims.set(frozen, Object.freeze(flattenSsa(frozen)));
  const entry: Entry = {
    header: freezeJson(header),
    claims: frozen,
    verifiedBy: new WeakSet([key]),
    chars: jws.length,
  };
  statements.set(jws, entry);
  return entry;
}

/**
 * `flattenSsa(claims)`: made once for a remembered statement's claims (and
 * frozen: a client record may share it), made afresh for any other.
 */
export function flattenedSsa(claims: Record<string, unknown>): Readonly<Record<string, unknown>> {
  return flattenedClaims.get(claims) ?? flattenSsa(claims);
}

/** Statements remembered (tests: the cache stays bounded). */
export function verifiedStatementCount(): number {
  return statements.size;
}
