import { CERTIFICATE_CHECKS } from '../checklist.js';

/**
 * Every check of a token request (POST {issuer}/token), in the order the bank
 * makes them (aspsp-mock/routes/token.ts, aspsp-mock/token/authenticate-client.ts).
 */
export const TOKEN_CHECKS = [
  ['parameters', 'no parameter the endpoint reads is given more than once'],
  ['grant-type', 'grant_type is client_credentials'],
  ...CERTIFICATE_CHECKS,
  [
    'client-credential',
    'exactly one credential is presented (Basic header, client_secret, client_assertion or the certificate alone); a client_id beside a Basic header names the same client',
  ],
  ['client-known', 'it names a registered client'],
  ['auth-method', 'it is the token endpoint auth method the client registered'],
  [
    'client-authenticated',
    'it verifies (secret; or assertion signature, sub, aud, exp within 1 h, jti of at most 256 characters unused; or certificate subject DN)',
  ],
  ['certificate-binding', 'the client certificate belongs to the client’s software statement'],
  ['client-grant', 'client_credentials is among the client’s grant_types'],
  ['scope', 'the requested scope (at most 1,024 characters, each word once) was registered for the client'],
] as const;

export type TokenCheck = (typeof TOKEN_CHECKS)[number][0];

/**
 * Every check of a call authorised by a certificate-bound access token
 * (RFC 8705), in order (aspsp-mock/token/access-token.ts).
 */
export const ACCESS_TOKEN_CHECKS = [
  ['access-token-presented', 'a bearer access token is presented'],
  ['access-token-known', 'it is a token this bank issued and has not revoked'],
  ['access-token-unexpired', 'it has not expired'],
  ['token-binding', 'it is presented over the TLS client certificate it was issued to (cnf.x5t#S256)'],
  ['token-certificate', 'that certificate still chains to the directory CA, is valid and not revoked'],
] as const;

export type AccessTokenCheck = (typeof ACCESS_TOKEN_CHECKS)[number][0];

/** Every check of an account-access-consent call (aspsp-mock/routes/consents.ts), in order. */
export const CONSENT_CHECKS = [
  ...ACCESS_TOKEN_CHECKS,
  ['token-scope', 'the access token has scope accounts'],
  ['consent-request', 'Data.Permissions are known permissions; ExpirationDateTime is a date-time (POST)'],
  ['consent-owner', 'the consent exists and is the client’s (GET)'],
] as const;
