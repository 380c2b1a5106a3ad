/**
 * The fields whose values the message tap never shows in full, wherever they appear: JSON
 * bodies, form bodies, query strings.
 */
export const SECRET_FIELDS = [
  'client_secret',
  'access_token',
  'refresh_token',
  'registration_access_token',
  'AccessToken',
  'client_assertion',
] as const;

const NAMES = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/**
 * Whether a field name, as a server decoded it, names a secret. Erring on the side of
 * masking: case is ignored, surrounding spaces and a leading '?' are dropped, and a bracket
 * suffix (`client_secret[]`, `client_secret[0]`, as the qs parser reads them) still counts.
 */
export function isSecretField(decodedName: string): boolean {
  let name = decodedName.trim().toLowerCase();
  if (name.startsWith('?')) name = name.slice(1).trimStart();
  const bracket = name.indexOf('[');
  if (bracket > 0) name = name.slice(0, bracket).trimEnd();
  return NAMES.has(name);
}
