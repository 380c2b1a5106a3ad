import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { signJwt } from '../registration/sign-jwt.js';
import type { SigningAlg } from '../types.js';

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL (RFC 7523 `aud`). */
  audience: string;
  key: KeyObject | string;
  kid: string;
  /** Default PS256 (ES256 for an EC key). */
  alg?: SigningAlg;
  allowRs256?: boolean;
  now?: Date;
  /** Default 300 s. */
  lifetimeSeconds?: number;
  jti?: string;
  /** Replace (or with `undefined` remove) claims, for negative tests. */
  overrides?: Record<string, unknown>;
}

/**
 * A private_key_jwt client assertion (RFC 7523 section 3): `iss` = `sub` = client_id,
 * `aud` = the token endpoint, `jti`, `iat`, `exp` = iat + 5 min, signed with the TPP's signing key.
 */
export function buildClientAssertion(opts: ClientAssertionOptions): Promise<string> {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = {
    iss: opts.clientId,
    sub: opts.clientId,
    aud: opts.audience,
    jti: opts.jti ?? randomUUID(),
    iat,
    exp: iat + (opts.lifetimeSeconds ?? 300),
  };
  for (const [claim, value] of Object.entries(opts.overrides ?? {})) {
    if (value === undefined) delete claims[claim];
    else claims[claim] = value;
  }
  return signJwt(claims, opts.key, {
    kid: opts.kid,
    ...(opts.alg !== undefined ? { alg: opts.alg } : {}),
    ...(opts.allowRs256 !== undefined ? { allowRs256: opts.allowRs256 } : {}),
  });
}
