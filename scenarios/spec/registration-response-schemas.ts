/**
 * The registration response schema of each OB DCR version, from its swagger (OB open licence):
 * OBRegistrationProperties1 with client_id required, descriptions left out. One base (v3.2's
 * definition) and, per version, only what its swagger changes; `conditionals` in
 * validate-registration-response.ts adds the rules the swagger states in prose (the DN claim iff
 * tls_client_auth; no secret for a secretless method).
 */

const ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
const BASE_GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
const BASE_REQUIRED = [
  'redirect_uris',
  'token_endpoint_auth_method',
  'grant_types',
  'scope',
  'software_statement',
  'application_type',
  'id_token_signed_response_alg',
  'request_object_signing_alg',
  'client_id',
] as const;

const dnClaim = { type: 'string', minLength: 1, maxLength: 128 } as const;
const grantTypes = <G extends readonly string[]>(values: G) =>
  ({ type: 'array', items: { type: 'string', enum: values }, minItems: 1 }) as const;

/** OBRegistrationProperties1 as the v3.2 swagger defines it. */
const BASE = {
  $defs: { SupportedAlgorithms: { type: 'string', enum: ALGORITHMS } },
  type: 'object',
  required: BASE_REQUIRED,
  properties: {
    client_id: { type: 'string', minLength: 1, maxLength: 36 },
    client_secret: { type: 'string', minLength: 1, maxLength: 36 },
    client_id_issued_at: { type: 'integer', format: 'int32', minimum: 0 },
    client_secret_expires_at: { type: 'integer', format: 'int32', minimum: 0 },
    redirect_uris: {
      type: 'array',
      items: { type: 'string', format: 'uri', minLength: 1, maxLength: 256 },
    },
    token_endpoint_auth_method: {
      type: 'string',
      enum: [
        'private_key_jwt',
        'client_secret_jwt',
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
      ],
    },
    grant_types: grantTypes(BASE_GRANT_TYPES),
    response_types: { type: 'array', items: { type: 'string', enum: ['code', 'code id_token'] } },
    software_id: { type: 'string', minLength: 1, maxLength: 22, pattern: '^[0-9a-zA-Z]{1,22}$' },
    scope: { type: 'string', minLength: 1, maxLength: 256 },
    software_statement: { type: 'string', format: 'JWT' },
    application_type: { type: 'string', enum: ['web', 'mobile'] },
    id_token_signed_response_alg: { $ref: '#/$defs/SupportedAlgorithms' },
    request_object_signing_alg: { $ref: '#/$defs/SupportedAlgorithms' },
    token_endpoint_auth_signing_alg: { $ref: '#/$defs/SupportedAlgorithms' },
    tls_client_auth_subject_dn: dnClaim,
  },
} as const;

const { tls_client_auth_subject_dn: _v32Dn, ...V31_SHARED } = BASE.properties;

/**
 * v3.1: `scope` is an array of strings and not required; two auth methods; `software_id`
 * unconstrained; the DN claim is named `tls_client_auth_dn`. (Its swagger lists that claim as
 * required outright; it is demanded only for tls_client_auth, as for later versions, by the
 * conditionals, since a private_key_jwt client has no DN to return.)
 */
const V3_1 = {
  ...BASE,
  required: BASE_REQUIRED.filter((name) => name !== 'scope'),
  properties: {
    ...V31_SHARED,
    token_endpoint_auth_method: { type: 'string', enum: ['private_key_jwt', 'tls_client_auth'] },
    software_id: { type: 'string' },
    scope: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 32 } },
    tls_client_auth_dn: dnClaim,
  },
} as const;

/** v3.3: the CIBA grant type and the four CIBA client metadata. */
const V3_3 = {
  ...BASE,
  properties: {
    ...BASE.properties,
    grant_types: grantTypes([...BASE_GRANT_TYPES, 'urn:openid:params:grant-type:ciba'] as const),
    backchannel_token_delivery_mode: { type: 'string', enum: ['poll', 'ping', 'push'] },
    backchannel_client_notification_endpoint: { type: 'string', minLength: 1, maxLength: 256 },
    backchannel_authentication_request_signing_alg: { type: 'string', enum: ALGORITHMS },
    backchannel_user_code_parameter_supported: { type: 'boolean' },
  },
} as const;

export const REGISTRATION_RESPONSE_SCHEMAS = { '3.1': V3_1, '3.2': BASE, '3.3': V3_3 } as const;
