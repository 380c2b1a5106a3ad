/**
 * Substrings that give away a library's own error text (OpenSSL, node-forge,
 * jose) in a refusal meant for a caller. No directory refusal may contain one.
 */
export const LIBRARY_INTERNALS = [
  'error:0',
  'routines::',
  'ASN.1',
  'DER bytes',
  'Too few bytes',
  'Header Parameter',
  'JOSE',
  'forge',
  'OpenSSL',
  '    at ',
] as const;
