import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClient } from '../errors.js';

/**
 * Longest lifetime of a client assertion, seconds: its `exp` at most this far after now (and
 * after its `iat`, when it has one), give or take the profile's clock skew. RFC 7523 §3 lets
 * the server "reject JWTs with an exp claim value that is unreasonably far in the future";
 * 1 h is what the bank's /register allows a registration request by default (exp − iat,
 * switch requestMaxLifetimeSeconds) and keeps the replay record of each jti short-lived. A
 * fixed value, not that switch: a profile that wants short registration requests must not
 * refuse the 5-minute assertions TPP libraries make. (The directory's own AS allows 300 s.)
 */
export const ASSERTION_MAX_LIFETIME_SECONDS = 3600;

/** Longest accepted `jti` of a client assertion, characters (RFC 7519 sets none; a UUID is 36). */
export const ASSERTION_MAX_JTI_LENGTH = 256;

/**
 * Step (private_key_jwt): the assertion's `exp`, `iat` and `jti` (RFC 7523 §3 items 4, 6, 7):
 * not expired, not valid for longer than {@link ASSERTION_MAX_LIFETIME_SECONDS}, a `jti` of
 * 1–{@link ASSERTION_MAX_JTI_LENGTH} characters. Refusals are 401 invalid_client.
 */
export function checkAssertionClaims(ctx: BankContext, claims: Record<string, unknown>): string {
  const now = nowSeconds(ctx);
  const skew = ctx.settings.clockSkewSeconds;
  const max = ASSERTION_MAX_LIFETIME_SECONDS;
  const { exp, iat, jti } = claims;
  if (typeof exp !== 'number' || now > exp + skew)
    throw new InvalidClient('client_assertion has expired or has no exp');
  if (exp > now + max + skew) throw new InvalidClient(`client_assertion must expire within ${max} s`);
  if (iat !== undefined && typeof iat !== 'number')
    throw new InvalidClient('client_assertion iat must be a number');
  if (typeof iat === 'number' && exp - iat > max)
    throw new InvalidClient(`client_assertion exp - iat exceeds ${max} s`);
  if (typeof jti !== 'string' || jti === '') throw new InvalidClient('client_assertion jti is required');
  if (jti.length > ASSERTION_MAX_JTI_LENGTH)
    throw new InvalidClient(`client_assertion jti must be at most ${ASSERTION_MAX_JTI_LENGTH} characters`);
  return jti;
}
