/**
 * Decoders that take each value in its one canonical spelling only (Node's own decoders skip
 * characters they do not know, so `!!!!` or a line break would pass).
 */

/** Unpadded base64url (RFC 7515 §2), as JWK members and JWS parts are; undefined when `s` is not. */
export function canonicalBase64url(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : undefined;
}

/** Padded standard base64, as x5c entries are (RFC 7515 §4.1.6, RFC 7517 §4.7); undefined when `s` is not. */
export function canonicalBase64(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}
