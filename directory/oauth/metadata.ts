import type { Request, Response } from 'express';
import type { DirectoryContext } from '../context.js';
import { DIRECTORY_SCOPES } from './scopes.js';

export const TOKEN_PATH = '/as/token.oauth2';
export const METADATA_PATH = '/.well-known/openid-configuration';

/**
 * RFC 8414 metadata of the directory's authorisation server. Only what
 * exists: a token endpoint for client credentials, authenticated by
 * private_key_jwt (PS256) or tls_client_auth, certificate-bound tokens.
 * No authorization endpoint, so no response types.
 */
export function authorisationServerMetadata(ctx: DirectoryContext): Record<string, unknown> {
  return {
    issuer: ctx.baseUrl,
    token_endpoint: `${ctx.baseUrl}${TOKEN_PATH}`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    scopes_supported: [...DIRECTORY_SCOPES],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
    token_endpoint_auth_signing_alg_values_supported: ['PS256'],
    tls_client_certificate_bound_access_tokens: true,
    mtls_endpoint_aliases: { token_endpoint: `${ctx.baseUrl}${TOKEN_PATH}` },
  };
}

export function metadataEndpoint(ctx: DirectoryContext) {
  return (_req: Request, res: Response): void => {
    res.status(200).set('Cache-Control', 'max-age=60').json(authorisationServerMetadata(ctx));
  };
}
