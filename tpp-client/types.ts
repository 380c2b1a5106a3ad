import type { HttpClient } from './http/create-http-client.js';
import type { RetryOptions } from './http/with-retry.js';

/** JWS algorithms a TPP signs with. RS256 is not FAPI: only used when explicitly requested. */
export type SigningAlg = 'PS256' | 'ES256' | 'RS256';

export const SIGNING_ALGS: readonly SigningAlg[] = ['PS256', 'ES256', 'RS256'];

/** `token_endpoint_auth_method` values of OB DCR v3.3. */
export type TokenEndpointAuthMethod =
  | 'tls_client_auth'
  | 'private_key_jwt'
  | 'client_secret_jwt'
  | 'client_secret_basic'
  | 'client_secret_post';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'tls_client_auth',
  'private_key_jwt',
  'client_secret_jwt',
  'client_secret_basic',
  'client_secret_post',
];

/** Methods `getToken` can authenticate with. */
export type TokenAuthMethod = Exclude<TokenEndpointAuthMethod, 'client_secret_jwt'>;

/** The methods `getToken` can authenticate with, in the order the library prefers them. */
export const TOKEN_AUTH_METHODS: readonly TokenAuthMethod[] = [
  'tls_client_auth',
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
];

/**
 * Everything a TPP needs to register at banks. Private keys are PEM (PKCS#8 or PKCS#1);
 * `saveMaterial` writes them to separate 0600 files, never into material.json.
 */
export interface TppMaterial {
  /** OB organisation id (`org_id` of the SSA). */
  organisationId: string;
  /** Software statement id = `software_id` of the SSA = `iss` of registration requests. */
  softwareStatementId: string;
  /** The software statement's `ClientId` at the directory (`software_client_id`), when known. */
  clientIdAtDirectory?: string;
  /** mTLS credentials. `certPem` may carry the chain after the leaf. */
  transport: { certPem: string; keyPem: string; kid?: string };
  /** Request-signing key; `kid` as published in the software JWKS (OB: the certificate's x5t). */
  signing: { keyPem: string; kid: string; certPem?: string; alg: SigningAlg };
  /** The software statement assertion (compact JWS). Banks enforce a maximum age: refresh with `refreshSsa`. */
  ssa: string;
  /** CA certificates trusted for servers (directory, banks); PEM, one or more. */
  caBundlePem: string;
  /**
   * The directory the material came from. `keystoreUrl` is the prefix of keystore paths:
   * `${keystoreUrl}/${org}/${software_id}.jwks`. `accessToken` (the organisation's directory
   * credential, for SSA refresh) is stored in a 0600 file, never in material.json.
   */
  directory?: { url: string; keystoreUrl: string; accessToken?: string };
}

/** The fields of a bank's OIDC discovery document this library uses (the rest is kept). */
export interface Discovery {
  issuer: string;
  registration_endpoint: string;
  token_endpoint: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  request_object_signing_alg_values_supported?: string[];
  grant_types_supported?: string[];
  response_types_supported?: string[];
  scopes_supported?: string[];
  tls_client_certificate_bound_access_tokens?: boolean;
  mtls_endpoint_aliases?: Record<string, string>;
  /** obmock extension: the bank's OB organisation id, the `aud` of registration requests. */
  ob_organisation_id?: string;
  /** obmock extension: the Content-Types the registration endpoint accepts. */
  ob_registration_media_types?: string[];
  [claim: string]: unknown;
}

/**
 * A client as a bank returned it from POST/GET/PUT /register, normalised (`normaliseClient`):
 * `scope` a space-separated string even when the bank sent an array, `client_id_issued_at` and
 * `client_secret_expires_at` numbers of seconds even when sent as strings or in milliseconds.
 * Every other member is kept as received.
 */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_id_issued_at?: number;
  client_secret_expires_at?: number;
  token_endpoint_auth_method?: string;
  scope?: string;
  /** RFC 7592: the bearer for GET/PUT/DELETE of this registration (banks may rotate it). */
  registration_access_token?: string;
  /** RFC 7592: where this registration is managed. */
  registration_client_uri?: string;
  [claim: string]: unknown;
}

/** An OAuth token response. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  [member: string]: unknown;
}

/** A bank's error answer, parsed. Never thrown: returned by every bank call. */
export interface BankFailure {
  ok: false;
  status: number;
  /** The body's `error` (OAuth/DCR), else the first OB `Errors[].ErrorCode` or `Code`, else the
   * `WWW-Authenticate` error, else `invalid_response` (a 2xx with an unusable body) or `http_<status>`. */
  error: string;
  error_description?: string;
  headers: Record<string, string>;
  /** The body as received. */
  raw: string;
  /** HTTP attempts the call took (1 without retries); set by every bank call. */
  attempts?: number;
}

export interface BankSuccess {
  ok: true;
  status: number;
  headers: Record<string, string>;
  raw: string;
  /** HTTP attempts the call took (1 without retries); set by every bank call. */
  attempts?: number;
}

export type RegistrationResult = (BankSuccess & { client: RegisteredClient }) | BankFailure;
export type DeleteRegistrationResult = BankSuccess | BankFailure;
export type TokenResult = (BankSuccess & { token: TokenResponse }) | BankFailure;

/** OB Read/Write account-access-consent `Data`. */
export interface AccountAccessConsent {
  ConsentId: string;
  Status: string;
  Permissions?: string[];
  ExpirationDateTime?: string;
  CreationDateTime?: string;
  StatusUpdateDateTime?: string;
  [member: string]: unknown;
}

export type ConsentResult = (BankSuccess & { consent: AccountAccessConsent; body: unknown }) | BankFailure;

/** Claims of an OB directory-issued SSA this library reads. */
export interface SsaClaims {
  iss?: string;
  iat?: number;
  jti?: string;
  software_id?: string;
  software_client_id?: string;
  software_roles?: string[];
  software_redirect_uris?: string[];
  software_jwks_endpoint?: string;
  org_id?: string;
  org_name?: string;
  org_status?: string;
  [claim: string]: unknown;
}

/** A bank reached over mutual TLS: the TPP's mTLS client and the bank's validated discovery document. */
export interface BankConnection {
  http: HttpClient;
  discovery: Discovery;
  /**
   * Retry policy of this connection's calls (a call's own `retry` option wins); absent or
   * false: one attempt. POST calls retry only on 429/503, GET/PUT/DELETE also on 502/504 and
   * network failures (see `withRetry`).
   */
  retry?: RetryOptions | false;
}
