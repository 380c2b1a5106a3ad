import { type DnAttribute, parseDn } from '../../certs/index.js';
import { LruCache } from '../../lib/lru-cache.js';

/** Distinguished names remembered, parsed (each at most 128 characters: the claim's schema limit). */
export const PARSED_DNS_KEPT = 256;

const parsed = new LruCache<string, readonly DnAttribute[]>({ maxEntries: PARSED_DNS_KEPT });

/**
 * `parseDn`, remembered per exact string: a TPP sends the same
 * `tls_client_auth_subject_dn` on every registration, and parsing is a pure
 * function of the string. Only successful parses are kept (a malformed DN
 * throws every time); the attributes are frozen, as every caller shares them.
 */
export function parseDnRemembered(dn: string): readonly DnAttribute[] {
  const known = parsed.get(dn);
  if (known) return known;
  const attributes = Object.freeze(parseDn(dn).map((a) => Object.freeze(a)));
  parsed.set(dn, attributes);
  return attributes;
}

/** Distinguished names remembered (tests: the cache stays bounded). */
export const parsedDnCount = (): number => parsed.size;
