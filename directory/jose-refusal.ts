import { decodeProtectedHeader } from 'jose';

/** What a refused claim should have been, in the directory's words (check_failed). */
const CLAIM_EXPECTED: Record<string, string> = {
  iss: 'iss must be the client id',
  sub: 'sub must be the client id',
  aud: "aud must name the directory's token endpoint (or its issuer)",
  exp: 'it has expired (exp)',
  nbf: 'it is not valid yet (nbf)',
  iat: 'its iat is in the future',
};

/** What a JWA algorithm name looks like (RFC 7518 §3.1, §4.1: HS256, RSA-OAEP-256, ECDH-ES+A128KW…). */
const ALG_NAME = /^[A-Za-z0-9+-]{1,20}$/;

/** The header's `alg`, quoted for a refusal (never more than a short token). */
function algOf(jws: string): string {
  try {
    const alg = decodeProtectedHeader(jws).alg;
    if (typeof alg !== 'string') return '(none)';
    // Only a name shaped like a JWA algorithm is quoted: the header is the caller's text.
    return ALG_NAME.test(alg) ? alg : '(not an algorithm name)';
  } catch {
    return '(unreadable)';
  }
}

/**
 * Why jose refused a JWS or signed JWT, said in the directory's words for the
 * caller. jose's own messages ("\"alg\" (Algorithm) Header Parameter value not
 * allowed", …) name the library's internals, so only its error `code` and the
 * claim it names are read, never its text.
 */
export function joseRefusal(
  err: unknown,
  jws: string,
  allowedAlgs: readonly string[],
  keyName: string,
): string {
  const e = (err ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  const claim = typeof e.claim === 'string' ? e.claim : '';
  switch (e.code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `algorithm ${algOf(jws)} is not allowed; use ${allowedAlgs.join(' or ')}`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return `the signature does not verify with ${keyName}`;
    case 'ERR_JWT_EXPIRED':
      return claim === 'iat' ? 'its iat is too far in the past' : 'it has expired (exp)';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.reason === 'missing') return `the ${claim} claim is required`;
      if (e.reason === 'invalid') return `the ${claim} claim must be a number`;
      return CLAIM_EXPECTED[claim] ?? `the ${claim} claim has an unexpected value`;
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'its header uses a feature this directory does not support (a crit extension, or an unknown algorithm)';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'it is not a well-formed signed JWT (compact JWS with a JSON object as payload)';
    default:
      return 'it does not verify';
  }
}
