import type { SpecRule } from '../records.js';

const DD = 'OB DCR v3.1–v3.3 Data Dictionary';
const OBDCR = 'OB DCR v3.1–v3.3';
const SW = (v: string) => `OB DCR ${v} swagger`;
const DIR =
  'OB Directory API v2.1 swagger, GET …/software-statement-assertion description, §Request Validation';
const RW = 'OB Read/Write Data API Profile, HTTP Status Codes';

/**
 * The specification sentences the catalogue checks: one row per rule, with its RFC 2119
 * level and the sentence quoted. Every scenario cites at least one id (`Scenario.rules`); every
 * rule here is cited by at least one scenario (test/scenarios/spec-rules.test.ts). The table
 * in docs/scenarios.md is generated from this one (`renderRuleTable`).
 *
 * Quotes: the words outside square brackets are the source's own (`…` marks a cut; a swagger
 * enum or `required` list is written as `a | b`); the words inside [obmock: …] are the catalogue's: what
 * it checks, or why the level is what it is. A quote marked [obmock: not checked against the text] could
 * not be compared with a stored copy of its source.
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
    source: `OpenID Connect Discovery 1.0 §3; ${OBDCR} §Discovery; ${SW('v3.3')} schemes`,
    quote:
      "issuer REQUIRED. URL using the https scheme with no query or fragment component … token_endpoint URL of the OP's OAuth 2.0 Token Endpoint. This is REQUIRED unless only the Implicit Flow is used. — OB DCR: The URL of the registration end-point should be advertised on the ASPSP's OIDC Discovery Endpoint using the registration_endpoint claim … — swagger: schemes: https [obmock: without a registration_endpoint nothing can be registered: the run stops before any scenario (exit 3). The OpenID Connect Discovery §3 wording was not checked against the text]",
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
    source: `${OBDCR} POST /register; ${SW('v3.3')} POST /register responses`,
    quote:
      "If client creation is successful, the ASPSP responds with a JSON payload that describes the client that was created. — '201': Client registration [obmock: a valid request — signed, current, within the SSA — is registered]",
  },
  {
    id: 'reg.request-signature',
    level: 'MUST',
    source: DIR,
    quote:
      'Prior to issuing a client registration response, the ASPSP MUST perform the following checks … The registration request MUST be signed with a key contained in the JWKS referenced in the SSA included with the request.',
  },
  {
    id: 'reg.request-alg',
    level: 'MUST',
    source: `FAPI 1.0 Advanced §8.6; RFC 8725 §3.1`,
    quote:
      'For JWS, both clients and authorization servers … shall use PS256 or ES256 algorithms … shall not use none [obmock: not checked against the text: no stored copy of FAPI 1.0 was found; the OB DCR swagger SupportedAlgorithms still lists RS256 for the *_alg metadata, which this rule does not concern]',
  },
  {
    id: 'reg.request-exp',
    level: 'MUST',
    source: `${DD} exp; RFC 7519 §4.1.4`,
    quote:
      'exp: The time at which the request expires expressed as seconds since the epoch. An ASPSP processing the request must reject requests where the current time is greater than the time specified in the claim.',
  },
  {
    id: 'reg.request-iat',
    level: 'MAY',
    source: `${DD} iat; RFC 7519 §4.1.6`,
    quote:
      'iat: The time at which the request was issued by the TPP expressed as "seconds since the epoch" [obmock: no sentence tells the bank what to do with an iat in the future, so refusing one is the bank\'s option: a refusal passes, an acceptance is a warning (MAY, never a failure)]',
  },
  {
    id: 'reg.request-lifetime',
    level: 'MAY',
    source: `${SW('v3.3')} OBClientRegistration1.exp`,
    quote:
      'The time at which the request expires expressed as seconds since 1970-01-01T00:00:00Z as measured in UTC [obmock: no maximum lifetime is specified: a bank may bound it]',
  },
  {
    id: 'reg.request-iss',
    level: 'MUST',
    source: `${DD} iss; ${SW('v3.3')} OBClientRegistration1.iss pattern`,
    quote:
      'iss: Identifier for the TPP. This value must be unique for each TPP registered by the issuer of the SSA. The value must be a Base62 encoded GUID. For SSAs issued by the OB Directory, this must be the software_id — pattern: ^[0-9a-zA-Z]{1,22}$ [obmock: a MUST here as in the OBIE conformance suite (DCR-004), which expects 400 for each such iss]',
  },
  {
    id: 'reg.request-aud',
    level: 'MAY',
    source: `${DD} aud; RFC 7519 §4.1.3`,
    quote:
      'aud: The audience for the request. This should be the unique identifier for the ASPSP issued by the issuer of the software statement. An ASPSP processing the software statement may validate the value of the claim and reject software statements for which the ASPSP is not the audience. — RFC 7519: If the principal processing the claim does not identify itself with a value in the "aud" claim when this claim is present, then the JWT MUST be rejected. [obmock: OB makes validating aud the bank\'s choice, and RFC 7519\'s MUST applies only when aud is present: a wrong or missing aud accepted is a warning]',
  },
  {
    id: 'reg.request-jti-format',
    level: 'SHOULD',
    source: `${DD} jti; ${SW('v3.3')} OBClientRegistration1.jti pattern`,
    quote: 'jti: A unique identifier for the JWT. The value must be a UUIDv4 GUID.',
  },
  {
    id: 'reg.request-jti-replay',
    level: 'MAY',
    source: `RFC 7519 §4.1.7; ${DD} jti`,
    quote:
      'The "jti" claim can be used to prevent the JWT from being replayed. [obmock: OB: "A unique identifier for the JWT"; "can be used" leaves refusing a replayed request to the bank, as RFC 7523 §3 does for client assertions (token.assertion-replay, MAY): an acceptance is a warning (MAY, never a failure)]',
  },
  {
    id: 'reg.required-claims',
    level: 'MUST',
    source: `${SW('v3.1/v3.2/v3.3')} OBClientRegistration1 required; ${DD} Occurrence`,
    quote:
      'required: iss | iat | exp | aud | jti | redirect_uris | token_endpoint_auth_method | grant_types | scope (v3.2+) | software_statement | application_type | id_token_signed_response_alg | request_object_signing_alg [obmock: each 1..1 in the Data Dictionary. Omissions the Data Dictionary gives a meaning are accepted: scope "if not specified, default scopes are assigned by the AS"; redirect_uris "If the request_uris metadata element is omitted from the request, the entire contents of the software_redirect_uris element in the SSA are considered to be requested by the TPP". A missing aud is reg.request-aud (MAY)]',
  },
  {
    id: 'reg.software-id',
    level: 'MUST',
    source: `${DD} software_id; RFC 7591 §2.3`,
    quote:
      'software_id: If specified, the software_id in the request MUST match the software_id specified in the SSA.',
  },
  // ——— the software statement
  {
    id: 'reg.ssa-signature',
    level: 'MUST',
    source: `${DIR}; RFC 8725 §3.1`,
    quote:
      "The SSA MUST be validated according to [RFC7519], including validation of the signature and validity window. [obmock: an SSA whose signature does not verify with the directory's keys, or with alg none, is refused]",
  },
  {
    id: 'reg.ssa-age',
    level: 'SHOULD',
    source: 'OB Directory API v2.1 swagger, GET …/software-statement-assertion description, §SSA Lifetime',
    quote:
      "The SSA's Lifetime / Validity period is not defined by Open Banking. ASPSPs in the Open Banking ecosystem are required to implement pragmatic time ranges in which to accept an SSA. [obmock: the range is the bank's: an SSA a week old, or issued an hour ahead, accepted is a warning]",
  },
  {
    id: 'reg.ssa-status',
    level: 'MAY',
    source: 'OB Directory API v2.1 swagger SSA org_status; RFC 7591 §3.2.2 unapproved_software_statement',
    quote:
      'org_status: Included to cater for voluntary withdrawal from OB scenarios — Active, Revoked, or Withdrawn. — RFC 7591: unapproved_software_statement The software statement presented is not approved for use by this authorization server. [obmock: no sentence obliges the bank to refuse the SSA of a Withdrawn organisation: accepted, a warning; refused, with invalid_software_statement or unapproved_software_statement. The RFC 7591 wording was not checked against the text]',
  },
  // ——— client metadata
  {
    id: 'reg.redirect-subset',
    level: 'MUST',
    source: `${DD} redirect_uris`,
    quote:
      'redirect_uris: Registered URIs the TPP will use to interact with the ASPSP AS. If the software statement defines a master set of redirect URIs, this must match or be a subset of the redirect URIs in the SSA.',
  },
  {
    id: 'reg.redirect-https',
    level: 'MUST',
    source: `${DD} redirect_uris`,
    quote:
      'Each of the URIs must adhere to the following rules: The URI MUST use the https scheme The URI MUST NOT contain a host with a value of localhost',
  },
  {
    id: 'reg.redirect-error-code',
    level: 'MAY',
    source: 'RFC 7591 §3.2.2; OBIE conformance-dcr forks',
    quote:
      'invalid_redirect_uri: The value of one or more redirection URIs is invalid. [obmock: the code RFC 7591 defines for a refused redirect URI, which the OBIE conformance tool\'s fork expects; no sentence requires it over invalid_client_metadata, "The value of one of the client metadata fields is invalid", so the generic code is a warning (MAY, never a failure), shown where the official tool would fail the bank. RFC 7591 wording not checked against a stored copy]',
  },
  {
    id: 'reg.response-types',
    level: 'MUST',
    source: `${DD}; ${SW('v3.3')} response_types enum; RFC 7591 §2`,
    quote:
      'If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request with an appropriate error message and error code accept the request and modify the value of the field to one that it supports. It must return the modified value as part of the response. — response_types: code | code id_token',
  },
  {
    id: 'reg.grant-types',
    level: 'MUST',
    source: `${DD}; ${SW('v3.3')} grant_types enum; RFC 7591 §2`,
    quote:
      'If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request … accept the request and modify the value of the field to one that it supports. It must return the modified value as part of the response. — grant_types: client_credentials | authorization_code | refresh_token | urn:openid:params:grant-type:ciba',
  },
  {
    id: 'reg.application-type',
    level: 'MUST',
    source: `${DD}; ${SW('v3.3')} application_type enum; RFC 7591 §2`,
    quote:
      'If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request … accept the request and modify the value of the field to one that it supports. It must return the modified value as part of the response. — application_type: web | mobile',
  },
  {
    id: 'reg.algs',
    level: 'MUST',
    source: `${DD}; ${SW('v3.3')} SupportedAlgorithms`,
    quote:
      'If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request … accept the request and modify the value of the field to one that it supports. It must return the modified value as part of the response. — SupportedAlgorithms: RS256 | PS256 | ES256',
  },
  {
    id: 'reg.scope-roles',
    level: 'MUST',
    source: `${DD} scope; ${OBDCR} §Data Mapping (non-normative) scope`,
    quote:
      'scope: Scopes the client is asking for (if not specified, default scopes are assigned by the AS). — Data Mapping: Specified in the scope claimed. This must be a subset of the scopes in the SSA — If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request … accept the request and modify the value [obmock: a scope beyond the SSA roles is refused, or registered without it]',
  },
  {
    id: 'reg.auth-method',
    level: 'MUST',
    source: `${DD}; ${SW('v3.3')} token_endpoint_auth_method enum; RFC 7591 §2`,
    quote:
      'If the requests contains a value that the ASPSP does not support, the ASPSP must either: reject the request … accept the request and modify the value of the field to one that it supports. It must return the modified value as part of the response. — token_endpoint_auth_method: private_key_jwt | client_secret_jwt | client_secret_basic | client_secret_post | tls_client_auth',
  },
  {
    id: 'reg.auth-signing-alg',
    level: 'MUST',
    source: `${DD} token_endpoint_auth_signing_alg`,
    quote:
      'token_endpoint_auth_signing_alg: Algorithm which the TPP uses to authenticate with the token endpoint if using private_key_jwt or client_secret_jwt. Must be specified if token_endpoint_auth_method is private_key_jwt or client_secret_jwt',
  },
  {
    id: 'reg.tls-subject-dn',
    level: 'MUST',
    source: `${DD} tls_client_auth_subject_dn (v3.1: tls_client_auth_dn); RFC 8705 §2.1.2`,
    quote:
      'tls_client_auth_subject_dn: This value must be set iff token_endpoint_auth_method is set to tls_client_auth The tls_client_auth_subject_dn claim MUST contain the DN of the certificate that the TPP will present to the ASPSP token endpoint. The ASPSP may decide to match only a part of the DN … [obmock: a DN that does not name the certificate is refused, or replaced and returned (RFC 7591 §2 "reject or replace")]',
  },
  {
    id: 'reg.response-schema',
    level: 'MUST',
    source: `${SW('v3.1/v3.2/v3.3')} responses OBClientRegistration1 (required client_id); ${DD} client_secret; RFC 7591 §3.2.1`,
    quote:
      'OBClientRegistration1: allOf OBClientRegistration1, required: client_id — client_secret: A shared secret generated by the ASPSP. The ASPSP may choose not to generate the client_secret if it does not support client authentication mechanisms that require it. [obmock: the response is checked against the schema; a secret returned to any client is allowed]',
  },
  // ——— mutual TLS at registration
  {
    id: 'reg.cert-required',
    level: 'MUST',
    source: `${OBDCR} §Authentication, POST Operations; ${SW('v3.3')} POST /register`,
    quote:
      'These APIs rely on TLS Mutual Authentication for authenticating the TPP. — Endpoint will be secured by way of Mutual Authentication over TLS',
  },
  {
    id: 'reg.cert-trusted',
    level: 'MUST',
    source: `${OBDCR} §Authentication, POST Operations; RFC 8705 §2.1`,
    quote:
      "These APIs rely on TLS Mutual Authentication for authenticating the TPP. — RFC 8705: The TLS handshake is utilized to validate the client's possession of the private key corresponding to the public key in the certificate and to validate the corresponding certificate chain. [obmock: an expired certificate, or one from a CA the bank does not trust, authenticates nobody; refusing it in the handshake is one allowed way. The RFC 8705 §2.1 wording was not checked against the text (§2.2, seen, says the self-signed method, unlike the PKI one, does not validate the chain)]",
  },
  {
    id: 'reg.cert-revoked',
    level: 'MUST',
    source: 'RFC 5280 §6.1.3 (a)(3); OB directory CRL',
    quote:
      'At the current time, the certificate is not revoked. This may be determined by obtaining the appropriate CRL (Section 6.3), by status information, or by out-of-band mechanisms. [obmock: not checked against the text: no stored copy of RFC 5280 was found. A bank notices within its CRL refresh interval]',
  },
  {
    id: 'reg.cert-owner',
    level: 'SHOULD',
    source: DIR,
    quote:
      "The ASPSP SHOULD check whether the TPP that initiated the TLS connection is the same TPP as listed in the SSA. [obmock: whatever token_endpoint_auth_method is asked for; with tls_client_auth the subject DN check (reg.tls-subject-dn, MUST) refuses another organisation's certificate as well]",
  },
  // ——— management
  {
    id: 'mgmt.get',
    level: 'MUST',
    source: `${OBDCR} GET /register/{ClientId}; ${SW('v3.3')} 200; RFC 7592 §2.1`,
    quote:
      'If the request is successful and the identifier matches the client to whom the Client Credentials grant access token was issued, the ASPSP must return an object of type OBClientRegistrationRequest1.',
  },
  {
    id: 'mgmt.put',
    level: 'MUST',
    source: `${OBDCR} PUT /register/{ClientId}; ${SW('v3.3')} 200; RFC 7592 §2.2`,
    quote:
      'If client modification is successful, the ASPSP responds with a JSON payload that describes the client that was created. … The ASPSP may reject the request if it does not support changes to certain claims.',
  },
  {
    id: 'mgmt.delete',
    level: 'MUST',
    source: `${OBDCR} DELETE /register/{ClientId}; ${SW('v3.3')} 204`,
    quote:
      "If the request is successful and the client Id matches the client to whom the client-credentials grant access token was issued, the ASPSP must delete the client and invalidate long lived access tokens that were issued to the client. — '204': Client deleted",
  },
  {
    id: 'mgmt.auth',
    level: 'MUST',
    source: `${OBDCR} §Authentication, GET, PUT and DELETE operations; ${SW('v3.3')} 401Error, 403Error`,
    quote:
      "TPPs must authenticate themselves with a client credentials grant in order to get access to the GET, PUT and DELETE operations. — '401': Request failed due to unknown or invalid Client or invalid access token — '403': The client does not have permission to read, update or delete the Client",
  },
  {
    id: 'mgmt.deleted',
    level: 'MUST',
    source: `${OBDCR} GET, PUT, DELETE /register/{ClientId}; ${SW('v3.3')} 401Error`,
    quote:
      'If the ClientId is unknown, the ASPSP responds with an Unauthorized status code and immediately revokes the access token. [obmock: a deleted client is unknown]',
  },
  // ——— token endpoint
  {
    id: 'token.client-credentials',
    level: 'MUST',
    source: 'RFC 6749 §4.4.3',
    quote:
      'If the access token request is valid and authorized, the authorization server issues an access token as described in Section 5.1. [obmock: not checked against the text]',
  },
  {
    id: 'token.client-auth',
    level: 'MUST',
    source: 'RFC 6749 §5.2 invalid_client; RFC 7523 §3; RFC 8705 §2',
    quote:
      'invalid_client Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The authorization server MAY return an HTTP 401 (Unauthorized) status code to indicate which HTTP authentication schemes are supported. … [obmock: 401 or 400, with invalid_client. Not checked against the text]',
  },
  {
    id: 'token.fapi-client-auth',
    level: 'MUST',
    source: 'FAPI 1.0 Advanced §5.2.2-14; OB DCR v3.1–v3.3 Data Dictionary token_endpoint_auth_method',
    quote:
      'shall authenticate the confidential client using one of the following methods … tls_client_auth or self_signed_tls_client_auth … private_key_jwt … — OB: It should be noted that only tls_client_auth and private_key_jwt are FAPI compliant. [obmock: a client registered with one of them is not authenticated by a client secret, even one the bank returned. FAPI wording not checked against the text: no stored copy was found]',
  },
  {
    id: 'token.assertion-replay',
    level: 'MAY',
    source: 'RFC 7523 §3 item 7',
    quote:
      'The authorization server MAY ensure that JWTs are not replayed by maintaining the set of used "jti" values for the length of time for which the JWT would be considered valid … [obmock: not checked against the text]',
  },
  {
    id: 'token.grant-type',
    level: 'MUST',
    source: 'RFC 6749 §5.2 unsupported_grant_type, unauthorized_client',
    quote:
      'unauthorized_client The authenticated client is not authorized to use this authorization grant type. unsupported_grant_type The authorization grant type is not supported by the authorization server. [obmock: not checked against the text]',
  },
  {
    id: 'token.cert-owner',
    level: 'MAY',
    source: 'RFC 8705 §2, §3',
    quote:
      "For all requests to the authorization server utilizing mutual-TLS client authentication, the client MUST include the client_id parameter … The authorization server MUST enforce the binding between client and certificate … — §3: Binding the access token to the client certificate in that fashion has the benefit of decoupling that binding from the client's authentication with the authorization server … [obmock: a private_key_jwt client does not authenticate with its certificate: no sentence obliges the bank to refuse its assertion over another organisation's certificate (the token is then bound to that certificate). A bank that checks it refuses with invalid_client; one that does not gets a warning]",
  },
  {
    id: 'token.cert-bound',
    level: 'MUST',
    source: 'RFC 8705 §3',
    quote:
      'The protected resource MUST obtain, from its TLS implementation layer, the client certificate used for mutual TLS and MUST verify that the certificate matches the certificate associated with the access token. If they do not match, the resource access attempt MUST be rejected with an error, as per [RFC6750], using an HTTP 401 status code and the "invalid_token" error code. [obmock: this paragraph of §3 was not checked against the text; its first paragraph was]',
  },
  {
    id: 'token.cert-revoked',
    level: 'MUST',
    source: 'RFC 8705 §3; RFC 5280 §6.1.3 (a)(3)',
    quote:
      'At the current time, the certificate is not revoked. … [obmock: a token bound to a revoked certificate is refused over it; the bank notices within its CRL refresh interval. RFC 5280 wording not checked against the text: no stored copy was found]',
  },
  // ——— the directory's OAuth front door (directory scenarios)
  {
    id: 'dir.oauth-client-credentials',
    level: 'MUST',
    source: 'OB Directory API v2.1 swagger components.securitySchemes; RFC 6749 §4.4',
    quote:
      'This API uses OAuth 2 with the client credentials grant flow — tokenUrl: https://sso.openbanking.me.uk/as/token.oauth2 — TPPReadAccess: Retrieve or Search for Third Party Providers — TPPManage: Modify Your Third Third Party Provider Record',
  },
  {
    id: 'dir.scope-required',
    level: 'MUST',
    source:
      'OB Directory API v2.1 swagger POST /v2.1/organisation/{OrganisationId}/software-statement security; RFC 6749 §3.3',
    quote:
      'OAuth2SecurityReadWriteOps: TPPReadAccess | TPPManage — TPPManage: Modify Your Third Third Party Provider Record [obmock: an operation that modifies records needs a token granted the Manage scope]',
  },
  {
    id: 'dir.insufficient-scope-403',
    level: 'SHOULD',
    source: 'RFC 6750 §3.1',
    quote:
      'insufficient_scope The request requires higher privileges than provided by the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the "scope" attribute with the scope necessary to access the protected resource. [obmock: not checked against the text]',
  },
  {
    id: 'dir.token-bound-certificate',
    level: 'MUST',
    source: 'RFC 8705 §3 (the directory as protected resource)',
    quote:
      'The protected resource MUST obtain, from its TLS implementation layer, the client certificate used for mutual TLS and MUST verify that the certificate matches the certificate associated with the access token. If they do not match, the resource access attempt MUST be rejected with an error, as per [RFC6750], using an HTTP 401 status code and the "invalid_token" error code. [obmock: this paragraph of §3 was not checked against the text; its first paragraph was]',
  },
  // ——— the first protected resource
  {
    id: 'consent.create',
    level: 'MUST',
    source: `OB Read/Write Account and Transaction API v3.1 account-access-consents; ${RW}`,
    quote:
      'Normal execution. The request has succeeded. | 201 Created | The operation results in the creation of a new resource. [obmock: POST /account-access-consents with a client-credentials token of scope accounts → 201 with Data.ConsentId; GET → Status AwaitingAuthorisation: the Account and Transaction API wording not checked against the text]',
  },
  {
    id: 'consent.auth',
    level: 'MUST',
    source: RW,
    quote:
      'Authorization header missing or invalid token | 401 Unauthorized | The operation was refused access. … Token has incorrect scope or a security policy was violated. | 403 Forbidden | The operation was refused access. [obmock: refused: any 4xx; which status is consent.auth-status]',
  },
  {
    id: 'consent.auth-status',
    level: 'SHOULD',
    source: `RFC 6750 §3.1; ${RW}`,
    quote:
      'invalid_token … The resource SHOULD respond with the HTTP 401 (Unauthorized) status code. … insufficient_scope … The resource server SHOULD respond with the HTTP 403 (Forbidden) status code … — OB: An ASPSP MAY return other standard HTTP status codes (e.g. from gateways and other edge devices) as described in RFC 7231 - Section 6. [obmock: the RFC 6750 wording was not checked against the text; the OB sentence was]',
  },
  // ——— keys and the TPP library
  {
    id: 'reg.jwks-refresh',
    level: 'MAY',
    source: 'OpenID Connect Core 1.0 §10.1.1; OB Directory keystore',
    quote:
      "The verifier knows to go back to the jwks_uri location to re-retrieve the keys when it sees an unfamiliar kid value. [obmock: a description of the rotation practice, with no MUST or SHOULD, and no OB sentence bounds how long a bank may cache the software JWKS: refetching on an unknown kid is the bank's option, so a refusal of the new key is a warning (MAY, never a failure). Not checked against the text: no stored copy was found]",
  },
  {
    id: 'tpp.retry',
    level: 'SHOULD',
    source: 'RFC 9110 §10.2.3; RFC 6585 §4; RFC 6749 §5.2 temporarily_unavailable',
    quote:
      'Servers send the "Retry-After" header field to indicate how long the user agent ought to wait before making a follow-up request. [obmock: the obmock TPP library honours it: a client-side rule, checked only in the sandbox. Not checked against the text]',
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
