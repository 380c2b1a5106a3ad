import type { Request, Response } from 'express';
import type { BankContext } from '../context.js';
import { acceptedAuthMethods, acceptedGrantTypes } from '../register/claim-schema.js';

/**
 * OIDC discovery metadata for one bank: only endpoints that exist. The bank
 * has no authorization endpoint (registration and client credentials only),
 * so none is advertised — RFC 8414 §2 lets a server without
 * authorization-endpoint grants leave it out (docs/bank.md).
 */
export function discoveryDocument(ctx: BankContext): Record<string, unknown> {
  const s = ctx.settings;
  return {
    issuer: ctx.issuer,
    registration_endpoint: `${ctx.issuer}${s.registrationPath}`,
    token_endpoint: `${ctx.issuer}/token`,
    jwks_uri: `${ctx.issuer}/jwks`,
    scopes_supported: ['openid', 'accounts', 'payments', 'fundsconfirmations'],
    response_types_supported: s.responseTypes,
    grant_types_supported: acceptedGrantTypes(s),
    token_endpoint_auth_methods_supported: acceptedAuthMethods(s),
    token_endpoint_auth_signing_alg_values_supported: s.signingAlgs,
    id_token_signing_alg_values_supported: s.signingAlgs,
    request_object_signing_alg_values_supported: s.signingAlgs,
    tls_client_certificate_bound_access_tokens: true,
    claims_parameter_supported: false,
    request_parameter_supported: true,
    require_request_uri_registration: false,
    ob_organisation_id: ctx.orgId,
    ob_registration_media_types: s.registrationMediaTypes,
  };
}

export function discovery(ctx: BankContext) {
  return (_req: Request, res: Response): void => {
    res.status(200).set('Cache-Control', 'max-age=60').json(discoveryDocument(ctx));
  };
}

export function bankJwks(ctx: BankContext) {
  return (_req: Request, res: Response): void => {
    res.status(200).set('Cache-Control', 'max-age=60').json(ctx.publicJwks);
  };
}

/** GET {issuer}/profile: the effective profile (every switch's value) of this bank. */
export function profileView(ctx: BankContext) {
  return (_req: Request, res: Response): void => {
    res.status(200).json({
      bank: ctx.id,
      profile: ctx.profile,
      description: ctx.profileDescription,
      chain: ctx.profileChain,
      switches: ctx.settings,
    });
  };
}
