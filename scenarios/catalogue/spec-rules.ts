import type { SpecRule } from '../records.js';

const DCR = 'OB DCR v3.1–v3.3';
const SW = (v: string) => `OB DCR ${v} swagger`;

/**
 * The specification sentences the catalogue checks: one row per rule, with its RFC 2119
 * level and the sentence quoted. Every scenario cites at least one id (`Scenario.rules`); every
 * rule here is cited by at least one scenario (test/scenarios/spec-rules.test.ts). The table
 * in docs/scenarios.md is generated from this one (`renderRuleTable`).
 *
 * Levels: what the sentence obliges the *bank* to do. A sentence that obliges the TPP (e.g. the
 * format of `jti`) but leaves the bank free to tolerate a deviation is a SHOULD or MAY here,
 * so a bank that tolerates it gets a warning, never a failure.
 */
export const SPEC_RULES: SpecRule[] = [
  // ——— discovery
  {
    id: 'disc.endpoints',
    level: 'MUST',
    source: 'OpenID Connect Discovery 1.0 §3',
    quote:
      "issuer REQUIRED. URL using the https scheme with no query or fragment component … token_endpoint URL of the OP's OAuth 2.0 Token Endpoint. This is REQUIRED unless only the Implicit Flow is used.",
  },
  {
    id: 'disc.json-media-type',
    level: 'MUST',
    source: 'OpenID Connect Discovery 1.0 §4.2',
    quote:
      'A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type that contains a set of Claims as its members that are a subset of the Metadata values defined in Section 3.',
  },
  // ——— POST /register: the request object
  {
    id: 'reg.accept-valid',
    level: 'MUST',
    source: `${SW('v3.3')} POST /register responses`,
    quote: "'201': Client registration — a valid request (signed, current, within the SSA) is registered.",
  },
  {
    id: 'reg.request-signature',
    level: 'MUST',
    source: `${DCR} §Validation of the request; RFC 7515 §5.2`,
    quote:
      "The registration request is a JWS signed by the TPP with a key published at the SSA's software_jwks_endpoint; if the signature does not verify, the JWS MUST be rejected (RFC 7515 §5.2).",
  },
  {
    id: 'reg.request-alg',
    level: 'MUST',
    source: `${SW('v3.3')} SupportedAlgorithms; FAPI 1.0 Advanced §8.6`,
    quote:
      'For JWS, both clients and authorization servers shall use PS256 or ES256 algorithms (FAPI 1.0 Advanced §8.6); an unsigned request (alg none) is no signed request at all.',
  },
  {
    id: 'reg.request-exp',
    level: 'MUST',
    source: `${SW('v3.3')} OBClientRegistration1.exp; RFC 7519 §4.1.4`,
    quote:
      'The processing of the "exp" claim requires that the current date/time MUST be before the expiration date/time listed in the "exp" claim.',
  },
  {
    id: 'reg.request-iat',
    level: 'SHOULD',
    source: `${SW('v3.3')} OBClientRegistration1.iat; RFC 7519 §4.1.6`,
    quote:
      '"iat": The time at which the request was issued by the TPP expressed as seconds since 1970-01-01T00:00:00Z as measured in UTC.',
  },
  {
    id: 'reg.request-lifetime',
    level: 'MAY',
    source: `${SW('v3.3')} OBClientRegistration1.exp`,
    quote:
      '"exp": The time at which the request expires … (no maximum lifetime is specified: a bank may bound it).',
  },
  {
    id: 'reg.request-iss',
    level: 'MUST',
    source: `${DCR} Data Dictionary iss; ${SW('v3.3')} OBClientRegistration1.iss`,
    quote:
      'iss: Unique identifier for the TPP. Implemented as Base62 encoded GUID (pattern ^[0-9a-zA-Z]{1,22}$). For SSAs issued by the OB Directory, this must be the software_id.',
  },
  {
    id: 'reg.request-aud',
    level: 'MAY',
    source: `${SW('v3.3')} OBClientRegistration1.aud`,
    quote:
      'aud: The audience for the request. This should be the unique identifier for the ASPSP issued by the issuer of the software statement. (The ASPSP may validate it.)',
  },
  {
    id: 'reg.request-jti-format',
    level: 'SHOULD',
    source: `${SW('v3.3')} OBClientRegistration1.jti`,
    quote: 'jti: Unique identifier for the JWT implemented as UUID v4.',
  },
  {
    id: 'reg.request-jti-replay',
    level: 'SHOULD',
    source: 'RFC 7519 §4.1.7; OB DCR v3.3 jti',
    quote:
      'The "jti" claim can be used to prevent the JWT from being replayed. (OB DCR makes jti a unique UUID v4; refusing a replayed request is expected but not stated as a MUST.)',
  },
  {
    id: 'reg.required-claims',
    level: 'MUST',
    source: `${SW('v3.1/v3.2/v3.3')} OBClientRegistration1 required`,
    quote:
      'required: iss, iat, exp, aud, jti, redirect_uris, token_endpoint_auth_method, grant_types, scope (v3.2+), software_statement, application_type, id_token_signed_response_alg, request_object_signing_alg. (Two omissions the Data Dictionary gives a meaning: scope "if not specified, default scopes are assigned by the AS"; redirect_uris "If the request_uris metadata element is omitted from the request, the entire contents of the software_redirect_uris element in the SSA are considered to be requested by the TPP".)',
  },
  {
    id: 'reg.software-id',
    level: 'MUST',
    source: `${DCR} Data Dictionary software_id; RFC 7591 §2.3`,
    quote:
      'If the software_id is specified, it must match the software_id in the software statement (RFC 7591 §2.3: values in the software statement take precedence).',
  },
  // ——— the software statement
  {
    id: 'reg.ssa-signature',
    level: 'MUST',
    source: 'RFC 7591 §3.1.1; RFC 8725 §3.1',
    quote:
      'If the authorization server determines that the claims in a software statement uniquely identify a piece of software … it MUST reject a software statement whose signature it cannot verify (invalid_software_statement); libraries MUST NOT accept alg "none" unless asked to (RFC 8725 §3.1).',
  },
  {
    id: 'reg.ssa-age',
    level: 'SHOULD',
    source: 'OB Directory SSA iat; RFC 7519 §4.1.6',
    quote:
      'The SSA iat is the time it was issued: a bank should refuse an SSA issued in the future or too long ago.',
  },
  {
    id: 'reg.ssa-status',
    level: 'MUST',
    source: 'OB Directory SSA org_status; RFC 7591 §3.2.2 unapproved_software_statement',
    quote:
      'unapproved_software_statement: The software statement presented is not approved for use by this authorization server. (An SSA of a Withdrawn/Revoked organisation, or a deactivated software statement, is not approved.)',
  },
  // ——— client metadata
  {
    id: 'reg.redirect-subset',
    level: 'MUST',
    source: `${DCR} Data Dictionary redirect_uris`,
    quote:
      'redirect_uris: Registered URIs the TPP will use to interact with the ASPSP AS. MUST match or be a subset of the software_redirect_uris claim in the SSA.',
  },
  {
    id: 'reg.redirect-https',
    level: 'MUST',
    source: `${DCR} Data Dictionary redirect_uris; FAPI 1.0 Baseline §5.2.2`,
    quote:
      'The authorization server shall require redirect URIs to use the https scheme (FAPI 1.0 Baseline §5.2.2-20); OB: redirect URIs must not resolve to localhost.',
  },
  {
    id: 'reg.response-types',
    level: 'MUST',
    source: `${SW('v3.3')} response_types enum; RFC 7591 §2`,
    quote:
      "response_types: code | code id_token. The authorization server MAY reject or replace any of the client's requested metadata values (RFC 7591 §2): refused, or registered without the unsupported value.",
  },
  {
    id: 'reg.grant-types',
    level: 'MUST',
    source: `${SW('v3.3')} grant_types enum; RFC 7591 §2`,
    quote:
      'grant_types: client_credentials | authorization_code | refresh_token | urn:openid:params:grant-type:ciba. Unsupported values: reject, or register and return the value actually used.',
  },
  {
    id: 'reg.application-type',
    level: 'MUST',
    source: `${SW('v3.3')} application_type enum; RFC 7591 §2`,
    quote:
      'application_type: web | mobile. Unsupported values: reject, or register and return the value actually used.',
  },
  {
    id: 'reg.algs',
    level: 'MUST',
    source: `${SW('v3.3')} SupportedAlgorithms`,
    quote:
      'id_token_signed_response_alg, request_object_signing_alg, token_endpoint_auth_signing_alg: RS256 | PS256 | ES256 (never none). Unsupported values: reject, or register and return the value actually used.',
  },
  {
    id: 'reg.scope-roles',
    level: 'MUST',
    source: `${DCR} Data Dictionary scope`,
    quote:
      'scope: Scopes the client is asking for (if not specified, default scopes are assigned by the AS) … the scopes must be within the roles of the software statement; the AS may register fewer.',
  },
  {
    id: 'reg.auth-method',
    level: 'MUST',
    source: `${SW('v3.3')} token_endpoint_auth_method enum; RFC 7591 §2`,
    quote:
      'token_endpoint_auth_method: private_key_jwt | client_secret_jwt | client_secret_basic | client_secret_post | tls_client_auth (v3.1: private_key_jwt | tls_client_auth). Unsupported values: reject, or return the value actually used.',
  },
  {
    id: 'reg.auth-signing-alg',
    level: 'MUST',
    source: `${DCR} Data Dictionary token_endpoint_auth_signing_alg`,
    quote:
      'token_endpoint_auth_signing_alg: Algorithm which the TPP uses to authenticate with the token endpoint if using private_key_jwt or client_secret_jwt.',
  },
  {
    id: 'reg.tls-subject-dn',
    level: 'MUST',
    source: `${DCR} Data Dictionary tls_client_auth_subject_dn (v3.1: tls_client_auth_dn); RFC 8705 §2.1.2`,
    quote:
      'tls_client_auth_subject_dn: This value must be set iff token_endpoint_auth_method is set to tls_client_auth. … An [RFC4514] string representation of the expected subject distinguished name of the certificate that the OAuth client will use in mutual TLS authentication.',
  },
  {
    id: 'reg.response-schema',
    level: 'MUST',
    source: `${SW('v3.1/v3.2/v3.3')} responses OBClientRegistration1 (required client_id); RFC 7591 §3.2.1`,
    quote:
      'The response is the registered client metadata with client_id required, each field of its schema type. client_secret: OPTIONAL (RFC 7591 §3.2.1); "The ASPSP may choose not to generate the client_secret if it does not support client authentication mechanisms that require it" (OB DCR Data Dictionary) — a secret returned to any client is allowed.',
  },
  // ——— mutual TLS at registration
  {
    id: 'reg.cert-required',
    level: 'MUST',
    source: `${DCR} §Endpoints POST /register: authentication`,
    quote: 'POST /register: the TPP authenticates with its transport certificate over mutual TLS.',
  },
  {
    id: 'reg.cert-trusted',
    level: 'MUST',
    source: 'RFC 8705 §2.2; RFC 5280 §6',
    quote:
      'The authorization server … validates the certificate chain against its trust anchors (here the OB directory CA) and its validity period; refusing it in the TLS handshake is one allowed way.',
  },
  {
    id: 'reg.cert-revoked',
    level: 'MUST',
    source: 'RFC 5280 §6.3; OB directory CRL',
    quote:
      'A certificate revoked by its CA (listed on its CRL) is not valid for authentication; a bank notices within its CRL refresh interval.',
  },
  {
    id: 'reg.cert-owner',
    level: 'MUST',
    source: 'OB DCR v3.3 §Validation; RFC 8705 §2',
    quote:
      "The transport certificate must belong to the software statement's organisation and software, whatever token_endpoint_auth_method is registered.",
  },
  // ——— management
  {
    id: 'mgmt.get',
    level: 'MUST',
    source: `${SW('v3.3')} GET /register/{ClientId} 200; RFC 7592 §2.1`,
    quote: "'200': Client registration — the registered metadata of that client.",
  },
  {
    id: 'mgmt.put',
    level: 'MUST',
    source: `${SW('v3.3')} PUT /register/{ClientId} 200; RFC 7592 §2.2`,
    quote:
      "'200': Client registration — the metadata replaced with the request's. (OB DCR PUT: \"The ASPSP may reject the request if it does not support changes to certain claims.\")",
  },
  {
    id: 'mgmt.delete',
    level: 'MUST',
    source: `${SW('v3.3')} DELETE /register/{ClientId} 204`,
    quote: "'204': Client deleted.",
  },
  {
    id: 'mgmt.auth',
    level: 'MUST',
    source: `${SW('v3.3')} 401Error, 403Error; RFC 6750 §3.1`,
    quote:
      "'401': Request failed due to unknown or invalid Client or invalid access token. '403': The client does not have permission to read, update or delete the Client.",
  },
  {
    id: 'mgmt.deleted',
    level: 'MUST',
    source: `${SW('v3.3')} 401Error; OB DCR v3.3 §DELETE`,
    quote:
      "'401': Request failed due to unknown or invalid Client or invalid access token (a deleted client is unknown).",
  },
  // ——— token endpoint
  {
    id: 'token.client-credentials',
    level: 'MUST',
    source: 'RFC 6749 §4.4.3; OB DCR token_endpoint_auth_method',
    quote:
      'If the access token request is valid and authorized, the authorization server issues an access token as described in Section 5.1.',
  },
  {
    id: 'token.client-auth',
    level: 'MUST',
    source: 'RFC 6749 §5.2 invalid_client; RFC 7523 §3; RFC 8705 §2',
    quote:
      'invalid_client: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The authorization server MAY return an HTTP 401 (Unauthorized) status code.',
  },
  {
    id: 'token.fapi-client-auth',
    level: 'MUST',
    source: 'FAPI 1.0 Advanced §5.2.2-14; OB DCR v3.1–v3.3 Data Dictionary token_endpoint_auth_method',
    quote:
      'The authorization server shall authenticate the confidential client using one of the following methods: tls_client_auth or self_signed_tls_client_auth …; private_key_jwt. (OB: "only tls_client_auth and private_key_jwt are FAPI compliant" — a client registered with one of them is not authenticated by a client secret, even one the bank returned.)',
  },
  {
    id: 'token.assertion-replay',
    level: 'MAY',
    source: 'RFC 7523 §3 item 7',
    quote:
      'The authorization server MAY ensure that JWTs are not replayed by maintaining the set of used "jti" values for the length of time for which the JWT would be considered valid.',
  },
  {
    id: 'token.grant-type',
    level: 'MUST',
    source: 'RFC 6749 §5.2 unsupported_grant_type, unauthorized_client',
    quote:
      'unsupported_grant_type: The authorization grant type is not supported by the authorization server. unauthorized_client: The authenticated client is not authorized to use this authorization grant type.',
  },
  {
    id: 'token.cert-owner',
    level: 'MUST',
    source: 'RFC 8705 §3; OB DCR v3.3 mutual TLS',
    quote:
      "A client authenticates to the token endpoint over mutual TLS with its own transport certificate; another organisation's certificate is refused (401, or 400 invalid_client, or in the handshake).",
  },
  {
    id: 'token.cert-bound',
    level: 'MUST',
    source: 'RFC 8705 §3',
    quote:
      'The protected resource MUST obtain … the client certificate used for mutual TLS and MUST verify that the certificate matches the certificate associated with the access token. If they do not match, the resource access attempt MUST be rejected with an error, as per [RFC6750], using an HTTP 401 status code and the "invalid_token" error code.',
  },
  {
    id: 'token.cert-revoked',
    level: 'MUST',
    source: 'RFC 8705 §3; RFC 5280 §6.3',
    quote:
      'A token bound to a certificate is only as good as the certificate: once the certificate is revoked, calls over it are refused (the bank notices within its CRL refresh interval).',
  },
  // ——— the directory's OAuth front door (directory scenarios)
  {
    id: 'dir.oauth-client-credentials',
    level: 'MUST',
    source: 'OB Directory API v2.1 swagger components.securitySchemes; RFC 6749 §4.4',
    quote:
      'This API uses OAuth 2 with the client credentials grant flow (tokenUrl …/as/token.oauth2; scopes TPPReadAccess: "Retrieve or Search for Third Party Providers", TPPManage: "Modify Your Third Third Party Provider Record").',
  },
  {
    id: 'dir.scope-required',
    level: 'MUST',
    source:
      'OB Directory API v2.1 swagger POST /v2.1/organisation/{OrganisationId}/software-statement security; RFC 6749 §3.3',
    quote:
      'security: OAuth2SecurityReadWriteOps [ASPSPReadAccess, TPPReadAccess, TPPManage] — an operation that modifies records needs a token granted the Manage scope ("TPPManage: Modify Your Third Third Party Provider Record").',
  },
  {
    id: 'dir.insufficient-scope-403',
    level: 'SHOULD',
    source: 'RFC 6750 §3.1',
    quote:
      'insufficient_scope: The request requires higher privileges than provided by the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the "scope" attribute with the scope necessary to access the protected resource.',
  },
  {
    id: 'dir.token-bound-certificate',
    level: 'MUST',
    source: 'RFC 8705 §3 (the directory as protected resource)',
    quote:
      'The protected resource MUST obtain … the client certificate used for mutual TLS and MUST verify that the certificate matches the certificate associated with the access token. If they do not match, the resource access attempt MUST be rejected with an error, as per [RFC6750], using an HTTP 401 status code and the "invalid_token" error code.',
  },
  // ——— the first protected resource
  {
    id: 'consent.create',
    level: 'MUST',
    source: 'OB Read/Write API v3.1 Account and Transaction: account-access-consents',
    quote: 'POST /account-access-consents → 201 with Data.ConsentId and Status AwaitingAuthorisation.',
  },
  {
    id: 'consent.auth',
    level: 'MUST',
    source: 'RFC 6750 §3.1',
    quote:
      'invalid_token … The resource SHOULD respond with the HTTP 401 (Unauthorized) status code; insufficient_scope … The resource server SHOULD respond with the HTTP 403 (Forbidden) status code.',
  },
  // ——— keys and the TPP library
  {
    id: 'reg.jwks-refresh',
    level: 'SHOULD',
    source: 'OB Directory keystore; OpenID Connect Core §10.1.1',
    quote:
      'The verifier knows to go back to the jwks_uri location to re-retrieve the keys when it sees an unfamiliar kid value.',
  },
  {
    id: 'tpp.retry',
    level: 'SHOULD',
    source: 'RFC 6585 §4; RFC 9110 §10.2.3; RFC 6749 §5.2 temporarily_unavailable',
    quote:
      'Retry-After: indicates how long the user agent ought to wait before making a follow-up request (the obmock TPP library honours it; a client-side rule, checked only in the sandbox).',
  },
];

const BY_ID = new Map(SPEC_RULES.map((r) => [r.id, r]));

/** The rule with this id (throws for an unknown id: a catalogue bug). */
export function specRule(id: string): SpecRule {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown spec rule ${id}`);
  return rule;
}

const RANK = { MUST: 3, SHOULD: 2, MAY: 1 } as const;

/** The strongest level among these rules (MUST > SHOULD > MAY); MUST when there are none. */
export function strongestLevel(rules: SpecRule[]): SpecRule['level'] {
  if (rules.length === 0) return 'MUST';
  return rules.reduce((a, r) => (RANK[r.level] > RANK[a.level] ? r : a)).level;
}
