/**
 * A bank's behaviour as named switches. Every default is the strict OB DCR
 * v3.3 behaviour; profiles (later) change switches, never code paths.
 */
export type AuthMethod =
  | 'private_key_jwt'
  | 'client_secret_jwt'
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'tls_client_auth';
export type SigningAlg = 'PS256' | 'ES256' | 'RS256';

export interface BankSettings {
  /** Request media types accepted by POST/PUT /register. */
  registrationMediaTypes: string[];
  /** Auth methods a client may register with (and the token endpoint accepts). */
  tokenEndpointAuthMethods: AuthMethod[];
  /** Algorithms accepted for the request JWS, the SSA, and the *_alg metadata. */
  signingAlgs: SigningAlg[];
  /** Grant types a client may register. */
  grantTypes: string[];
  /** Response types a client may register. */
  responseTypes: string[];
  /** Maximum accepted age of the SSA (`iat`), seconds. */
  ssaMaxAgeSeconds: number;
  /** Tolerance for `iat`/`exp`/`nbf` comparisons, seconds. */
  clockSkewSeconds: number;
  /** Longest accepted request lifetime (`exp - iat`), seconds. */
  requestMaxLifetimeSeconds: number;
  /** Access token lifetime, seconds. */
  accessTokenLifetimeSeconds: number;
  /** Cache lifetime of fetched JWKS, seconds (an unknown kid triggers one refetch regardless). */
  jwksCacheSeconds: number;
  /** How long the directory's CRL is reused before it is fetched again, seconds. */
  crlCacheSeconds: number;
}

export const STRICT_OB_V33: BankSettings = {
  registrationMediaTypes: ['application/jose', 'application/jwt'],
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
  ssaMaxAgeSeconds: 3600,
  clockSkewSeconds: 30,
  requestMaxLifetimeSeconds: 3600,
  accessTokenLifetimeSeconds: 3600,
  jwksCacheSeconds: 5,
  crlCacheSeconds: 1,
};

/** OB scope ↔ SSA software role. `openid` is always allowed. */
export const SCOPE_ROLES: Record<string, string> = {
  accounts: 'AISP',
  payments: 'PISP',
  fundsconfirmations: 'CBPII',
};
