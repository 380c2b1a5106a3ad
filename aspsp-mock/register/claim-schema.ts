import type { Schema } from '../../lib/validate.js';
import type { BankSettings } from '../settings.js';

export const BASE62 = /^[0-9a-zA-Z]{1,22}$/;
export const UUID_V4 =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/**
 * Longest accepted `client_name`, characters. Neither RFC 7591 §2 nor the OB DCR swagger
 * (v3.1–v3.3, which do not list the claim) sets one; 256 is the longest free string the OB
 * DCR swagger allows anywhere (`scope`, each redirect URI) and the directory API's software
 * `Description` (its `ClientName` is at most 40).
 */
export const CLIENT_NAME_MAX_LENGTH = 256;

/**
 * Free-text claims the bank registers, stores and shows back (GET /register, the admin
 * listing, the console), with the characters refused in them: C0 controls (tab and newline
 * included), DEL, C1 controls, and the bidirectional embeddings, overrides and isolates
 * U+202A–U+202E, U+2066–U+2069 (which make a name display as another). Every other claim
 * the bank keeps is an enum, a URI (checked on its raw string), a DN or the statement. The
 * characters are lib/free-text.ts's, shared with the directory.
 */
export const FREE_TEXT_CLAIMS: readonly string[] = ['client_name'];

/** Auth methods and grant types each DCR version knows. */
const VERSION_AUTH_METHODS: Record<BankSettings['specVersion'], string[]> = {
  '3.1': ['private_key_jwt', 'tls_client_auth'],
  '3.2': [
    'private_key_jwt',
    'client_secret_jwt',
    'client_secret_basic',
    'client_secret_post',
    'tls_client_auth',
  ],
  '3.3': [
    'private_key_jwt',
    'client_secret_jwt',
    'client_secret_basic',
    'client_secret_post',
    'tls_client_auth',
  ],
};
const VERSION_GRANTS: Record<BankSettings['specVersion'], string[]> = {
  '3.1': ['client_credentials', 'authorization_code', 'refresh_token'],
  '3.2': ['client_credentials', 'authorization_code', 'refresh_token'],
  '3.3': ['client_credentials', 'authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba'],
};

/** The claim that carries the certificate subject DN: renamed after v3.1. */
export const subjectDnClaim = (s: BankSettings): string =>
  s.specVersion === '3.1' ? 'tls_client_auth_dn' : 'tls_client_auth_subject_dn';

/** Auth methods this bank accepts at registration: its setting, within what its DCR version knows. */
export const acceptedAuthMethods = (s: BankSettings): string[] =>
  s.tokenEndpointAuthMethods.filter((m) => VERSION_AUTH_METHODS[s.specVersion].includes(m));

export const acceptedGrantTypes = (s: BankSettings): string[] =>
  s.grantTypes.filter((g) => VERSION_GRANTS[s.specVersion].includes(g));

/** What of the request decides which conditional claims are required. */
interface Conditions {
  jwtAuth: boolean;
  tlsAuth: boolean;
  ciba: boolean;
  notifiedCiba: boolean;
}

/** The switches a schema is built from: a schema is reused while each is the same value (or array). */
const schemaSwitches = (s: BankSettings): readonly unknown[] => [
  s.specVersion,
  s.trustModel,
  s.signingAlgs,
  s.tokenEndpointAuthMethods,
  s.grantTypes,
  s.responseTypes,
  s.requiredClaims,
];

/** Built schemas per settings object, at most 16 (one per combination of conditions) while its switches stay. */
const built = new WeakMap<BankSettings, { switches: readonly unknown[]; schemas: Map<string, Schema> }>();

/**
 * Types, presence and allowed values of the registration request's claims,
 * as a table for the bank's DCR version. Conditional claims are required
 * according to the claims actually sent (e.g. the subject DN iff tls_client_auth).
 * Built once per combination of those conditions and reused until a switch it
 * depends on changes (a profile swap assigns new values to the settings object).
 */
export function metadataSchema(settings: BankSettings, claims: Record<string, unknown>): Schema {
  const method = claims.token_endpoint_auth_method;
  const grants = Array.isArray(claims.grant_types) ? claims.grant_types : [];
  const ciba = grants.includes('urn:openid:params:grant-type:ciba');
  const conditions: Conditions = {
    jwtAuth: method === 'private_key_jwt' || method === 'client_secret_jwt',
    tlsAuth: method === 'tls_client_auth',
    ciba,
    notifiedCiba: ciba && claims.backchannel_token_delivery_mode !== 'poll',
  };
  const switches = schemaSwitches(settings);
  let entry = built.get(settings);
  if (!entry || entry.switches.some((v, i) => v !== switches[i])) {
    entry = { switches, schemas: new Map() };
    built.set(settings, entry);
  }
  const key = `${+conditions.jwtAuth}${+conditions.tlsAuth}${+conditions.ciba}${+conditions.notifiedCiba}`;
  let schema = entry.schemas.get(key);
  if (!schema) {
    schema = buildMetadataSchema(settings, conditions);
    entry.schemas.set(key, schema);
  }
  return schema;
}

function buildMetadataSchema(settings: BankSettings, c: Conditions): Schema {
  const ciba = c.ciba;
  const algs = settings.signingAlgs;
  const eidas = settings.trustModel === 'eidas';
  const schema: Schema = {
    iss: eidas
      ? { type: 'string', minLength: 1, maxLength: 255 }
      : { type: 'string', required: true, minLength: 1, maxLength: 22 },
    iat: { type: 'integer', required: !eidas },
    exp: { type: 'integer', required: !eidas },
    aud: { type: ['string', 'string[]'], required: !eidas, minLength: 1 },
    jti: { type: 'string', required: !eidas, minLength: 1, maxLength: 128 },
    token_endpoint_auth_method: { type: 'string', required: true, enum: acceptedAuthMethods(settings) },
    grant_types: { type: 'string[]', required: true, minItems: 1, enum: acceptedGrantTypes(settings) },
    response_types: { type: 'string[]', enum: settings.responseTypes },
    software_id: { type: 'string', minLength: 1, maxLength: eidas ? 255 : 22 },
    scope:
      settings.specVersion === '3.1'
        ? // v3.1's swagger: an array of strings, each 1 to 32 characters
          { type: 'string[]', required: !eidas, minItems: 1, minLength: 1, maxLength: 32 }
        : { type: 'string', required: !eidas, minLength: 1, maxLength: 256 },
    application_type: { type: 'string', required: !eidas, enum: ['web', 'mobile'] },
    id_token_signed_response_alg: { type: 'string', required: !eidas, enum: algs },
    request_object_signing_alg: { type: 'string', required: !eidas, enum: algs },
    token_endpoint_auth_signing_alg: {
      type: 'string',
      required: c.jwtAuth,
      enum: algs,
    },
    [subjectDnClaim(settings)]: {
      type: 'string',
      required: c.tlsAuth,
      minLength: 1,
      maxLength: 128,
    },
    backchannel_token_delivery_mode: { type: 'string', required: ciba, enum: ['poll', 'ping', 'push'] },
    backchannel_client_notification_endpoint: {
      type: 'string',
      required: c.notifiedCiba,
      maxLength: 256,
      format: 'https-uri',
    },
    backchannel_authentication_request_signing_alg: {
      type: 'string',
      required: ciba,
      enum: ['RS256', 'PS256', 'ES256'],
    },
    backchannel_user_code_parameter_supported: { type: 'boolean' },
    // RFC 7591 §2 metadata, not in the OB DCR swagger, which gives it no limit; obmock's (see FREE_TEXT_CLAIMS)
    client_name: { type: 'string', maxLength: CLIENT_NAME_MAX_LENGTH },
  };
  for (const [claim, value] of Object.entries(settings.requiredClaims)) {
    schema[claim] = { type: 'string', required: true, enum: [value] };
  }
  return schema;
}

const redirectUrisSchema = (required: boolean): Schema => ({
  redirect_uris: {
    type: 'string[]',
    required,
    minItems: 1,
    maxLength: 256,
    format: 'redirect-uri',
  },
});
/** Built once (a table, shared by every request): required but for eIDAS statements. */
const REDIRECT_SCHEMAS = { required: redirectUrisSchema(true), optional: redirectUrisSchema(false) };

/** redirect_uris fail with invalid_redirect_uri rather than invalid_client_metadata. */
export function redirectSchema(settings: BankSettings): Schema {
  return settings.trustModel !== 'eidas' ? REDIRECT_SCHEMAS.required : REDIRECT_SCHEMAS.optional;
}
