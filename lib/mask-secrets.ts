/**
 * Text safe for a log line: anything that looks like a credential — a compact JWS/JWT, a
 * bearer or basic credential, a long opaque token, a PEM block — is cut to its first 4
 * characters and '…'. Descriptions of refusals quote what the client sent; this keeps the
 * quote useful (which value) without putting a usable secret in the log.
 */
const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /[A-Za-z0-9_~+/=-]{24,}/g,
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A long run of token characters with letters and digits mixed, other than a UUID (ids are not secrets). */
const opaque = (m: string): boolean =>
  !UUID.test(m) && /[0-9]/.test(m) && /[A-Za-z]/.test(m) && !m.includes('/');

export function maskSecrets(text: string): string {
  let out = text;
  for (const [i, re] of PATTERNS.entries()) {
    out = out.replace(re, (m) => (i < PATTERNS.length - 1 || opaque(m) ? `${m.slice(0, 4)}…` : m));
  }
  return out;
}
