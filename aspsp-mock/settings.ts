/**
 * A bank's behaviour as named switches. Every default is the strict OB DCR
 * v3.3 behaviour; a profile changes switches, never code paths. The table in
 * profile/switches.ts documents and validates each one.
 */
export type AuthMethod =
  | 'private_key_jwt'
  | 'client_secret_jwt'
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'tls_client_auth';
export type SigningAlg = 'PS256' | 'ES256' | 'RS256';
export type HttpMethod = 'GET' | 'PUT' | 'DELETE';

export interface BankSettings {
  /** OB DCR version: claim names, scope form, allowed auth methods. */
  specVersion: '3.1' | '3.2' | '3.3';
  /** Request media types accepted by POST/PUT of the registration endpoint. */
  registrationMediaTypes: string[];
  /** `jws`: the body is the signed request (OB); `json`: an RFC 7591 JSON body with a software_statement. */
  requestFormat: 'jws' | 'json';
  /** Who signs the software statement: the OB directory, or the TPP itself with its QSeal (eIDAS). */
  trustModel: 'ob-directory' | 'eidas';
  /** Expected `aud`: `org-id` (spec), `issuer`, `any`, or `fixed:<value>`. */
  audience: string;
  /** `dn`: compare tls_client_auth_subject_dn attribute by attribute; `string`: exact string in `subjectDnRendering`. */
  subjectDnMatch: 'dn' | 'string';
  /** organizationIdentifier rendering expected when subjectDnMatch is `string`. */
  subjectDnRendering: 'name' | 'oid' | 'hex';
  /** Auth methods a client may register with (and the token endpoint accepts). */
  tokenEndpointAuthMethods: AuthMethod[];
  /** Algorithms accepted for the request, the SSA, client assertions and the *_alg metadata. */
  signingAlgs: SigningAlg[];
  /** Grant types a client may register. */
  grantTypes: string[];
  /** Response types a client may register. */
  responseTypes: string[];
  /** Extra claims the request must carry with exactly these values (e.g. subject_type: pairwise). */
  requiredClaims: Record<string, string>;
  /** Check redirect_uris (https, not localhost, within the SSA). Off only to imitate a broken bank. */
  checkRedirectUris: boolean;
  /**
   * The error code of a redirect URI refusal: RFC 7591's `invalid_redirect_uri` (strict default), or
   * the generic `invalid_client_metadata` some banks answer for every metadata refusal.
   */
  redirectErrorCode: 'invalid_redirect_uri' | 'invalid_client_metadata';
  /** Check that the TLS certificate belongs to the SSA's organisation/software. Off only to imitate a broken bank. */
  checkCertificateBinding: boolean;
  /** Also require the TLS certificate to be published with use=tls in the software JWKS (as some gateways do). */
  requireTransportCertInJwks: boolean;
  /** `scope` in responses: a space-separated string (spec) or an array. */
  scopeFormat: 'string' | 'array';
  /** `client_id_issued_at` in seconds (spec) or milliseconds. */
  clientIdIssuedAtUnit: 'seconds' | 'milliseconds';
  /** Timestamps in responses as numbers (spec) or strings. */
  timestampFormat: 'number' | 'string';
  /** Status of a successful registration: 201 (spec) or 200. */
  createStatus: 200 | 201;
  /** Which management operations exist on /register/{ClientId}; others answer 405. */
  managementOperations: HttpMethod[];
  /** `client-credentials` (OB), `scoped-token` (needs managementScope), `registration-access-token` (RFC 7592). */
  managementAuth: 'client-credentials' | 'scoped-token' | 'registration-access-token';
  /** Scope a management token must carry when managementAuth is `scoped-token`. */
  managementScope: string;
  /** RFC 7592: issue a new registration_access_token on each successful management call. */
  rotateRegistrationAccessToken: boolean;
  /** A second registration of the same software: `allow` (new client), `reject` (400), `return-existing` (200 with the client). */
  duplicateRegistration: 'allow' | 'reject' | 'return-existing';
  /** Path of the registration endpoint under the issuer. */
  registrationPath: string;
  /** Path of the discovery document under the issuer. */
  discoveryPath: string;
  /** Maximum accepted age of the software statement, seconds. */
  ssaMaxAgeSeconds: number;
  /** Tolerance for iat/exp/nbf comparisons, seconds. */
  clockSkewSeconds: number;
  /** Longest accepted request lifetime (exp − iat), seconds. */
  requestMaxLifetimeSeconds: number;
  /** Access token lifetime, seconds. */
  accessTokenLifetimeSeconds: number;
  /** Cache lifetime of fetched JWKS, seconds (an unknown kid triggers one refetch regardless). */
  jwksCacheSeconds: number;
  /** How long the directory's CRL is reused before it is fetched again, seconds. */
  crlCacheSeconds: number;
  /** How client certificates are checked for revocation: the directory CRL, OCSP, OCSP then CRL, or not at all. */
  revocationCheck: 'crl' | 'ocsp' | 'ocsp-then-crl' | 'none';
  /** eIDAS banks: `roles` maps the statement's PSD2 roles to scopes; `echo-statement` echoes the statement back. */
  eidasScope: 'roles' | 'echo-statement';
}

export const STRICT_OB_V33: BankSettings = {
  specVersion: '3.3',
  registrationMediaTypes: ['application/jose', 'application/jwt'],
  requestFormat: 'jws',
  trustModel: 'ob-directory',
  audience: 'org-id',
  subjectDnMatch: 'dn',
  subjectDnRendering: 'name',
  tokenEndpointAuthMethods: [
    'tls_client_auth',
    'private_key_jwt',
    'client_secret_basic',
    'client_secret_post',
  ],
  signingAlgs: ['PS256', 'ES256'],
  grantTypes: [
    'client_credentials',
    'authorization_code',
    'refresh_token',
    'urn:openid:params:grant-type:ciba',
  ],
  responseTypes: ['code', 'code id_token'],
  requiredClaims: {},
  checkRedirectUris: true,
  redirectErrorCode: 'invalid_redirect_uri',
  checkCertificateBinding: true,
  requireTransportCertInJwks: false,
  scopeFormat: 'string',
  clientIdIssuedAtUnit: 'seconds',
  timestampFormat: 'number',
  createStatus: 201,
  managementOperations: ['GET', 'PUT', 'DELETE'],
  managementAuth: 'client-credentials',
  managementScope: '',
  rotateRegistrationAccessToken: false,
  duplicateRegistration: 'allow',
  registrationPath: '/register',
  discoveryPath: '/.well-known/openid-configuration',
  ssaMaxAgeSeconds: 3600,
  clockSkewSeconds: 30,
  requestMaxLifetimeSeconds: 3600,
  accessTokenLifetimeSeconds: 3600,
  jwksCacheSeconds: 5,
  crlCacheSeconds: 1,
  revocationCheck: 'crl',
  eidasScope: 'roles',
};

/** OB scope ↔ SSA software role. `openid` is always allowed. */
export const SCOPE_ROLES: Record<string, string> = {
  accounts: 'AISP',
  payments: 'PISP',
  fundsconfirmations: 'CBPII',
};
