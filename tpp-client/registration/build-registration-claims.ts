import { randomUUID } from 'node:crypto';
import { certificateSubject, dnToString } from '../../certs/index.js';
import { RequestObjectError } from '../errors.js';
import { certificateBlocks } from '../material/certificate-blocks.js';
import type { SigningAlg, TokenEndpointAuthMethod } from '../types.js';
import { decodeSsa } from './decode-ssa.js';
import { scopeForRoles } from './scope-for-roles.js';

export const DEFAULT_GRANT_TYPES: readonly string[] = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
];
export const DEFAULT_RESPONSE_TYPES: readonly string[] = ['code id_token'];

/** OB DCR versions whose request shapes differ: 3.1 names the DN claim `tls_client_auth_dn` and sends `scope` as an array. */
export type DcrSpecVersion = '3.1' | '3.2' | '3.3';

/** `jws`: the signed OB request object; `json`: an RFC 7591 JSON body (no iss/iat/exp/aud/jti). */
export type RegistrationRequestFormat = 'jws' | 'json';

export interface RegistrationClaimsOptions {
  /**
   * The software statement (compact JWS): `software_statement`; `iss`, default redirect URIs and
   * scope come from it. An OB directory SSA, or an eIDAS self-signed statement.
   */
  softwareStatement: string;
  /**
   * The bank's OB organisation id (discovery `ob_organisation_id`), or what the bank wants
   * (its issuer URL, a fixed name). Required for `jws`, not sent in `json`.
   */
  aud?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Default '3.3'. '3.1': the DN goes in `tls_client_auth_dn` and `scope` is a JSON array. */
  specVersion?: DcrSpecVersion;
  /** Default 'jws'. 'json' leaves out the JWT claims iss, iat, exp, aud and jti. */
  requestFormat?: RegistrationRequestFormat;
  /** For tls_client_auth: the transport certificate whose subject becomes `tls_client_auth_subject_dn`. */
  transportCertPem?: string;
  /** For tls_client_auth: the subject DN string itself (wins over `transportCertPem`). */
  tlsClientAuthSubjectDn?: string;
  /** Rendering of organizationIdentifier in the DN: 'name' (default), 'oid' or 'hex' (RFC 4514 #…). */
  subjectDnForm?: 'name' | 'oid' | 'hex';
  /**
   * Default: the SSA's software_redirect_uris that a bank accepts under OB DCR (https, host
   * not localhost, at most 256 characters); test-only entries of a statement stay out unless
   * asked for here.
   */
  redirectUris?: string[];
  /** Default client_credentials, authorization_code, refresh_token. */
  grantTypes?: string[];
  /** Default ['code id_token']. */
  responseTypes?: string[];
  /**
   * Default from the SSA's software_roles (AISP → accounts, PISP → payments, CBPII →
   * fundsconfirmations) plus openid. Sent space-separated (v3.2+) or as an array (v3.1),
   * whichever form is given.
   */
  scope?: string | readonly string[];
  /** Default 'web'. */
  applicationType?: 'web' | 'mobile';
  /** Default PS256. */
  idTokenSignedResponseAlg?: SigningAlg;
  /** Default PS256. */
  requestObjectSigningAlg?: SigningAlg;
  /** Sent only for private_key_jwt and client_secret_jwt; default PS256. */
  tokenEndpointAuthSigningAlg?: SigningAlg;
  /** Add the optional `software_id` claim (= the SSA's). Default false, as the OBIE conformance tool. */
  includeSoftwareId?: boolean;
  /** `iat`; default now. */
  now?: Date;
  /** `exp` − `iat` in seconds; default 300. */
  lifetimeSeconds?: number;
  /** Default a random UUID v4. */
  jti?: string;
  /** Claims some banks require besides the spec's, e.g. `{ subject_type: 'pairwise' }`; before `overrides`. */
  extraClaims?: Record<string, unknown>;
  /**
   * Applied last: each key replaces the claim, or removes it when the value is `undefined` —
   * so a negative test changes exactly one thing. A claim named here is never required.
   */
  overrides?: Record<string, unknown>;
}

/** A registration request's claims, in the order OB DCR v3.3 lists them. */
export type RegistrationClaims = Record<string, unknown>;

/**
 * Every claim of an OB DCR v3.3 registration request: required `iss` (= software_id), `iat`,
 * `exp`, `aud`, `jti`, `redirect_uris`, `token_endpoint_auth_method`, `grant_types`, `scope`,
 * `software_statement`, `application_type`, `id_token_signed_response_alg`,
 * `request_object_signing_alg`; `response_types`; conditional
 * `token_endpoint_auth_signing_alg` (iff private_key_jwt/client_secret_jwt) and
 * `tls_client_auth_subject_dn` (iff tls_client_auth, RFC 4514 string of the transport
 * certificate's subject); optional `software_id`. Then `extraClaims`, then `overrides`.
 *
 * `specVersion` '3.1' names the DN claim `tls_client_auth_dn` and sends `scope` as an array;
 * `requestFormat` 'json' (RFC 7591 body) leaves out iss, iat, exp, aud and jti.
 */
export function buildRegistrationClaims(opts: RegistrationClaimsOptions): RegistrationClaims {
  const overrides = opts.overrides ?? {};
  const overridden = (claim: string) => Object.hasOwn(overrides, claim);
  const ssa = decodeSsa(opts.softwareStatement);
  const require = <T>(claim: string, value: T | undefined, why: string): T | undefined => {
    if (value === undefined && !overridden(claim)) {
      throw new RequestObjectError(`cannot set ${claim}: ${why} (or give it in overrides)`);
    }
    return value;
  };

  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const lifetime = opts.lifetimeSeconds ?? 300;
  const method = opts.tokenEndpointAuthMethod;
  const softwareId = typeof ssa.software_id === 'string' ? ssa.software_id : undefined;
  const roles = Array.isArray(ssa.software_roles) ? ssa.software_roles.map(String) : undefined;
  const ssaRedirects = Array.isArray(ssa.software_redirect_uris)
    ? ssa.software_redirect_uris.map(String).filter(registrableRedirectUri)
    : undefined;

  const json = opts.requestFormat === 'json';
  const v31 = opts.specVersion === '3.1';
  const claims: RegistrationClaims = json
    ? {}
    : {
        iss: require('iss', softwareId, 'the SSA has no software_id'),
        iat,
        exp: iat + lifetime,
        aud: require('aud', opts.aud, "the bank's expected audience is not known"),
        jti: opts.jti ?? randomUUID(),
      };
  // An RFC 7591 request may leave redirect_uris out (the bank uses the statement's).
  const redirects = opts.redirectUris ?? (ssaRedirects?.length ? ssaRedirects : undefined);
  claims.redirect_uris = json
    ? redirects
    : require('redirect_uris', redirects, 'the SSA lists no https redirect URI');
  claims.token_endpoint_auth_method = method;
  if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
    claims.token_endpoint_auth_signing_alg = opts.tokenEndpointAuthSigningAlg ?? 'PS256';
  }
  if (method === 'tls_client_auth') {
    const dnClaim = v31 ? 'tls_client_auth_dn' : 'tls_client_auth_subject_dn';
    claims[dnClaim] = require(dnClaim, opts.tlsClientAuthSubjectDn ??
      subjectDn(
        opts.transportCertPem,
        opts.subjectDnForm,
      ), 'tls_client_auth needs transportCertPem or tlsClientAuthSubjectDn');
  }
  claims.grant_types = [...(opts.grantTypes ?? DEFAULT_GRANT_TYPES)];
  claims.response_types = [...(opts.responseTypes ?? DEFAULT_RESPONSE_TYPES)];
  const scope = require('scope', opts.scope ??
    (roles ? scopeForRoles(roles) : undefined), 'the SSA has no software_roles');
  claims.scope =
    scope === undefined
      ? undefined
      : v31
        ? scopeList(scope)
        : typeof scope === 'string'
          ? scope
          : scope.join(' ');
  claims.software_statement = opts.softwareStatement;
  if (opts.includeSoftwareId) claims.software_id = softwareId;
  claims.application_type = opts.applicationType ?? 'web';
  claims.id_token_signed_response_alg = opts.idTokenSignedResponseAlg ?? 'PS256';
  claims.request_object_signing_alg = opts.requestObjectSigningAlg ?? 'PS256';

  for (const [claim, value] of Object.entries(opts.extraClaims ?? {})) claims[claim] = value;
  for (const [claim, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[claim];
    else claims[claim] = value;
  }
  for (const [claim, value] of Object.entries(claims)) if (value === undefined) delete claims[claim];
  return claims;
}

/** OB DCR's rule for a redirect URI: https, a host other than localhost, at most 256 characters. */
function registrableRedirectUri(uri: string): boolean {
  if (uri.length > 256 || !URL.canParse(uri)) return false;
  const url = new URL(uri);
  return url.protocol === 'https:' && url.hostname !== 'localhost' && !url.hostname.endsWith('.localhost');
}

function scopeList(scope: string | readonly string[]): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...scope];
}

function subjectDn(
  certPem: string | undefined,
  form: 'name' | 'oid' | 'hex' | undefined,
): string | undefined {
  if (certPem === undefined) return undefined;
  const leaf = certificateBlocks(certPem)[0];
  if (!leaf) throw new RequestObjectError('transportCertPem holds no CERTIFICATE block');
  return dnToString(certificateSubject(leaf), { oiForm: form ?? 'name' });
}
