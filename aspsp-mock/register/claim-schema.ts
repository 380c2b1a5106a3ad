import type { Schema } from '../../lib/validate.js';
import type { BankSettings } from '../settings.js';

const BASE62 = /^[0-9a-zA-Z]{1,22}$/;
export const UUID_V4 =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export { BASE62 };

/**
 * Types, presence and allowed values of the registration request's claims
 * (OB DCR v3.3), as tables. Conditional claims are required according to the
 * claims actually sent (e.g. tls_client_auth_subject_dn iff tls_client_auth).
 */
export function metadataSchema(settings: BankSettings, claims: Record<string, unknown>): Schema {
  const method = claims.token_endpoint_auth_method;
  const grants = Array.isArray(claims.grant_types) ? claims.grant_types : [];
  const ciba = grants.includes('urn:openid:params:grant-type:ciba');
  const algs = settings.signingAlgs;
  return {
    iss: { type: 'string', required: true, minLength: 1, maxLength: 22 },
    iat: { type: 'integer', required: true },
    exp: { type: 'integer', required: true },
    aud: { type: 'string', required: true, minLength: 1 },
    jti: { type: 'string', required: true, minLength: 36, maxLength: 36 },
    token_endpoint_auth_method: { type: 'string', required: true, enum: settings.tokenEndpointAuthMethods },
    grant_types: { type: 'string[]', required: true, minItems: 1, enum: settings.grantTypes },
    response_types: { type: 'string[]', enum: settings.responseTypes },
    software_id: { type: 'string', minLength: 1, maxLength: 22 },
    scope: { type: 'string', required: true, minLength: 1, maxLength: 256 },
    application_type: { type: 'string', required: true, enum: ['web', 'mobile'] },
    id_token_signed_response_alg: { type: 'string', required: true, enum: algs },
    request_object_signing_alg: { type: 'string', required: true, enum: algs },
    token_endpoint_auth_signing_alg: {
      type: 'string',
      required: method === 'private_key_jwt' || method === 'client_secret_jwt',
      enum: algs,
    },
    tls_client_auth_subject_dn: {
      type: 'string',
      required: method === 'tls_client_auth',
      minLength: 1,
      maxLength: 128,
    },
    backchannel_token_delivery_mode: { type: 'string', required: ciba, enum: ['poll', 'ping', 'push'] },
    backchannel_client_notification_endpoint: {
      type: 'string',
      required: ciba && claims.backchannel_token_delivery_mode !== 'poll',
      maxLength: 256,
      format: 'https-uri',
    },
    backchannel_authentication_request_signing_alg: {
      type: 'string',
      required: ciba,
      enum: ['RS256', 'PS256', 'ES256'],
    },
    backchannel_user_code_parameter_supported: { type: 'boolean', enum: [] },
  };
}

/** redirect_uris fail with invalid_redirect_uri rather than invalid_client_metadata. */
export const REDIRECT_SCHEMA: Schema = {
  redirect_uris: { type: 'string[]', required: true, minItems: 1, maxLength: 256 },
};
