import { type KeyObject, randomUUID } from 'node:crypto';
import { signJwt } from '../registration/sign-jwt.js';
import type { SigningAlg } from '../types.js';

export interface SelfSignedStatementOptions {
  /** The TPP's eIDAS organisation identifier (its QWAC/QSeal organizationIdentifier), e.g. PSDUK-UKBXXX-12345678: `iss`. */
  organisationIdentifier: string;
  /** The bank (its issuer URL for eIDAS banks): `aud`. Left out when undefined. */
  audience?: string | string[];
  softwareId: string;
  /** Where the bank fetches the QSeal key: `software_jwks_endpoint` (https, served by the TPP). */
  jwksUri: string;
  redirectUris?: string[];
  /** e.g. ['AISP', 'PISP']: `software_roles`. */
  roles?: string[];
  clientName?: string;
  /** The QSeal private key (PEM or KeyObject). */
  signingKey: KeyObject | string;
  /** The QSeal key's kid in the JWKS at `jwksUri`. */
  kid: string;
  /** Default PS256 (RSA) / ES256 (EC); RS256 only with `allowRs256`. */
  alg?: SigningAlg;
  allowRs256?: boolean;
  now?: Date;
  /** Adds `exp` = iat + this, when given. */
  lifetimeSeconds?: number;
  /** More statement claims (e.g. software_version); applied last. */
  claims?: Record<string, unknown>;
}

/**
 * An eIDAS software statement the TPP signs itself with its QSeal key (no directory): `iss` =
 * its organisation identifier, `aud` = the bank, `iat`, `jti`, `software_id`,
 * `software_jwks_endpoint`, `software_redirect_uris`, `software_roles`. The bank fetches the
 * key from `jwksUri` and checks `iss` against the QWAC presented over mTLS.
 */
export function buildSelfSignedStatement(opts: SelfSignedStatementOptions): Promise<string> {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = {
    iss: opts.organisationIdentifier,
    ...(opts.audience !== undefined ? { aud: opts.audience } : {}),
    iat,
    ...(opts.lifetimeSeconds !== undefined ? { exp: iat + opts.lifetimeSeconds } : {}),
    jti: randomUUID(),
    software_id: opts.softwareId,
    ...(opts.clientName !== undefined ? { software_client_name: opts.clientName } : {}),
    software_jwks_endpoint: opts.jwksUri,
    ...(opts.redirectUris !== undefined ? { software_redirect_uris: opts.redirectUris } : {}),
    ...(opts.roles !== undefined ? { software_roles: opts.roles } : {}),
    ...opts.claims,
  };
  return signJwt(claims, opts.signingKey, {
    kid: opts.kid,
    ...(opts.alg !== undefined ? { alg: opts.alg } : {}),
    ...(opts.allowRs256 !== undefined ? { allowRs256: opts.allowRs256 } : {}),
  });
}
