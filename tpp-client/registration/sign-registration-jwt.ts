import type { KeyObject } from 'node:crypto';
import { type SignJwtOptions, signJwt } from './sign-jwt.js';

/**
 * Signs a registration request (claims from `buildRegistrationClaims`) with the TPP's signing
 * key: header `alg` (PS256 default, ES256 with an EC P-256 key, RS256 only with
 * `allowRs256`), `kid` = the signing kid in the software JWKS, `typ` JWT; never `x5c`/`x5u`.
 */
export function signRegistrationJwt(
  claims: Record<string, unknown>,
  key: KeyObject | string,
  opts: SignJwtOptions,
): Promise<string> {
  return signJwt(claims, key, opts);
}
