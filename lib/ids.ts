import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 string of `length` characters, uniform (rejection sampling). */
export function base62Id(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** OB organisation ids are 18 base62 characters. */
export const newOrganisationId = (): string => base62Id(18);
/** OB software statement and client ids are 22 base62 characters. */
export const newSoftwareId = (): string => base62Id(22);
/**
 * `bytes` random bytes as base64url, never starting with `-`: a credential is passed on
 * command lines (`--admin-token T`), where a value starting with a dash reads as an option
 * (node's parseArgs refuses it as ambiguous). One draw in 64 is drawn again.
 */
export function newCredential(bytes: number): string {
  for (;;) {
    const s = randomBytes(bytes).toString('base64url');
    if (s[0] !== '-') return s;
  }
}

/** A bearer credential: 256 random bits (less the one value in 64 that would start with `-`), base64url. */
export const newSecret = (): string => newCredential(32);
export const newUuid = (): string => randomUUID();

export const isBase62 = (s: string, min: number, max: number): boolean =>
  s.length >= min && s.length <= max && /^[0-9A-Za-z]+$/.test(s);
