import { RequestObjectError } from '../errors.js';
import type { Discovery, SigningAlg, TokenEndpointAuthMethod } from '../types.js';
import {
  type DcrSpecVersion,
  DEFAULT_GRANT_TYPES,
  DEFAULT_RESPONSE_TYPES,
  type RegistrationRequestFormat,
} from './build-registration-claims.js';
import { chooseAuthMethod, DEFAULT_AUTH_METHOD_PREFERENCE } from './choose-auth-method.js';

export type RegistrationMediaType = 'application/jose' | 'application/jwt' | 'application/json';
export const REGISTRATION_MEDIA_TYPES: readonly RegistrationMediaType[] = [
  'application/jose',
  'application/jwt',
  'application/json',
];

/**
 * The `aud` a bank expects: its OB organisation id (the spec; discovery `ob_organisation_id`),
 * its issuer URL, or a fixed string written `fixed:<value>`.
 */
export type AudienceForm = 'org-id' | 'issuer' | `fixed:${string}`;

/** Rendering of organizationIdentifier in the subject DN: `organizationIdentifier=`, `2.5.4.97=`, `2.5.4.97=#<DER hex>`. */
export type SubjectDnForm = 'name' | 'oid' | 'hex';

/**
 * How management calls (GET/PUT/DELETE of the registration) are authorised: a
 * client-credentials token of the client (OB), such a token with a scope, or the RFC 7592
 * `registration_access_token` returned at registration.
 */
export type ManagementAuth = 'client-credentials' | 'scoped-token' | 'registration-access-token';

/**
 * What a TPP must do differently at one bank. Every field is optional: `optionsForBank` fills
 * in what the discovery document tells and the spec defaults for the rest. The fields
 * discovery cannot tell — `specVersion`, `audience`, `subjectDnForm`, `management`,
 * `managementScope`, `extraClaims`, `maxSsaAgeSeconds` — come from the bank's documentation
 * (or, at obmock banks, from `GET {issuer}/profile` via `hintsFromProfile`).
 */
export interface BankOptions {
  /** OB DCR version; default '3.3'. '3.1': `tls_client_auth_dn`, `scope` as an array. */
  specVersion?: DcrSpecVersion;
  /** Content-Type of POST/PUT; default from discovery `ob_registration_media_types`, else jose (jwt for 3.1). */
  mediaType?: RegistrationMediaType;
  /** Default 'json' when the media type is application/json, else 'jws'. */
  requestFormat?: RegistrationRequestFormat;
  /** Default 'org-id'. */
  audience?: AudienceForm;
  /** Default 'name' (a bank comparing DNs properly accepts any). */
  subjectDnForm?: SubjectDnForm;
  /** Default: the first of `authMethodPreference` the bank lists. */
  authMethod?: TokenEndpointAuthMethod;
  /** Default tls_client_auth, private_key_jwt, client_secret_basic, client_secret_post. */
  authMethodPreference?: readonly TokenEndpointAuthMethod[];
  /** Request, statement and client-assertion alg; default the material's. */
  signingAlg?: SigningAlg;
  /** Default client_credentials, authorization_code, refresh_token — those the bank lists in `grant_types_supported`. */
  grantTypes?: string[];
  /** Default ['code id_token'], or what the bank lists in `response_types_supported`. */
  responseTypes?: string[];
  /** Default from the software statement's roles. */
  scope?: string | readonly string[];
  /** Claims the bank requires besides the spec's, e.g. `{ subject_type: 'pairwise' }`. */
  extraClaims?: Record<string, unknown>;
  /**
   * Default 'client-credentials', or 'scoped-token' when `managementScope` is given; a
   * registration answer carrying a `registration_access_token` switches to RFC 7592 unless
   * set explicitly.
   */
  management?: ManagementAuth;
  /** Scope of the management token (e.g. 'accounts') for 'scoped-token'. */
  managementScope?: string;
  /** The oldest software statement the bank accepts: an older SSA is refreshed before registering. */
  maxSsaAgeSeconds?: number;
}

/** BankOptions with every default applied (for one bank's discovery). */
export interface ResolvedBankOptions extends BankOptions {
  specVersion: DcrSpecVersion;
  mediaType: RegistrationMediaType;
  requestFormat: RegistrationRequestFormat;
  audience: AudienceForm;
  subjectDnForm: SubjectDnForm;
  authMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  responseTypes: string[];
  extraClaims: Record<string, unknown>;
  management: ManagementAuth;
  /** Whether `management` was given (so a returned registration access token does not override it). */
  managementExplicit: boolean;
}

/**
 * The registration options for a bank: what its discovery document tells — the media types it
 * accepts (`ob_registration_media_types`), its auth methods, grant and response types —
 * combined with `hints` for what discovery cannot tell (spec version, `aud` form, DN
 * rendering, management authorisation, extra claims, SSA age). A hint always wins. The
 * registration endpoint itself is read from discovery when calling.
 */
export function optionsForBank(discovery: Discovery, hints: BankOptions = {}): ResolvedBankOptions {
  const specVersion = hints.specVersion ?? '3.3';
  const mediaType =
    hints.mediaType ??
    (hints.requestFormat === 'json'
      ? 'application/json'
      : chooseMediaType(discovery.ob_registration_media_types, specVersion, hints.requestFormat));
  const requestFormat = hints.requestFormat ?? (mediaType === 'application/json' ? 'json' : 'jws');
  const authMethod =
    hints.authMethod ??
    chooseAuthMethod(
      discovery,
      (hints.authMethodPreference ?? DEFAULT_AUTH_METHOD_PREFERENCE).filter(
        (m) => specVersion !== '3.1' || m === 'tls_client_auth' || m === 'private_key_jwt',
      ),
    );
  const management = hints.management ?? (hints.managementScope ? 'scoped-token' : 'client-credentials');
  return {
    ...hints,
    specVersion,
    mediaType,
    requestFormat,
    audience: hints.audience ?? 'org-id',
    subjectDnForm: hints.subjectDnForm ?? 'name',
    authMethod,
    grantTypes: hints.grantTypes ?? supportedOr(DEFAULT_GRANT_TYPES, discovery.grant_types_supported),
    responseTypes:
      hints.responseTypes ?? supportedOr(DEFAULT_RESPONSE_TYPES, discovery.response_types_supported),
    extraClaims: { ...hints.extraClaims },
    management,
    managementExplicit: hints.management !== undefined,
  };
}

/**
 * The media type to send from those a bank accepts: v3.2+ prefer application/jose, v3.1
 * application/jwt, the JWS format never picks application/json; nothing listed: the
 * version's own type.
 */
export function chooseMediaType(
  accepted: readonly string[] | undefined,
  specVersion: DcrSpecVersion = '3.3',
  requestFormat?: RegistrationRequestFormat,
): RegistrationMediaType {
  const jws: RegistrationMediaType[] =
    specVersion === '3.1' ? ['application/jwt', 'application/jose'] : ['application/jose', 'application/jwt'];
  const order: RegistrationMediaType[] =
    requestFormat === 'jws'
      ? jws
      : requestFormat === 'json'
        ? ['application/json']
        : [...jws, 'application/json'];
  const lower = (accepted ?? []).map((t) => t.toLowerCase());
  return order.find((t) => lower.includes(t)) ?? (requestFormat === 'json' ? 'application/json' : jws[0]);
}

/** The `aud` value for a form: discovery `ob_organisation_id`, `issuer`, or the fixed value. */
export function audienceFor(discovery: Discovery, form: AudienceForm = 'org-id'): string {
  if (form === 'issuer') return discovery.issuer;
  if (form.startsWith('fixed:')) return form.slice('fixed:'.length);
  if (discovery.ob_organisation_id === undefined) {
    throw new RequestObjectError(
      "the discovery has no ob_organisation_id: give aud (the bank OB org id) or audience 'issuer' / 'fixed:<value>'",
    );
  }
  return discovery.ob_organisation_id;
}

/** The defaults the bank lists (all of them when it lists none); if it lists none of them, its own first. */
function supportedOr(defaults: readonly string[], supported: readonly string[] | undefined): string[] {
  if (!supported) return [...defaults];
  const common = defaults.filter((d) => supported.includes(d));
  if (common.length > 0) return common;
  return supported.length > 0 ? [supported[0]] : [...defaults];
}

/** The obmock `GET {issuer}/profile` answer: the bank's effective switches. */
export interface BankProfileDocument {
  bank?: string;
  profile?: string;
  description?: string;
  chain?: string[];
  switches: Record<string, unknown>;
}

/**
 * BankOptions hints from an obmock bank's switches (`GET {issuer}/profile`): spec version,
 * request format and media types, `aud` form, DN rendering (when the bank compares DNs as
 * strings), extra required claims, management authorisation and scope, SSA age. Real banks
 * have no such endpoint: there the same hints come from their documentation.
 */
export function hintsFromProfile(profile: BankProfileDocument): BankOptions {
  const s = profile.switches ?? {};
  const hints: BankOptions = {};
  if (s.specVersion === '3.1' || s.specVersion === '3.2' || s.specVersion === '3.3') {
    hints.specVersion = s.specVersion;
  }
  if (s.requestFormat === 'jws' || s.requestFormat === 'json') hints.requestFormat = s.requestFormat;
  if (Array.isArray(s.registrationMediaTypes)) {
    hints.mediaType = chooseMediaType(
      s.registrationMediaTypes.map(String),
      hints.specVersion,
      hints.requestFormat,
    );
  }
  if (s.audience === 'org-id' || s.audience === 'issuer') hints.audience = s.audience;
  else if (typeof s.audience === 'string' && s.audience.startsWith('fixed:')) {
    hints.audience = s.audience as AudienceForm;
  }
  if (
    s.subjectDnMatch === 'string' &&
    (s.subjectDnRendering === 'name' || s.subjectDnRendering === 'oid' || s.subjectDnRendering === 'hex')
  ) {
    hints.subjectDnForm = s.subjectDnRendering;
  }
  if (isRecord(s.requiredClaims) && Object.keys(s.requiredClaims).length > 0) {
    hints.extraClaims = { ...s.requiredClaims };
  }
  if (
    s.managementAuth === 'client-credentials' ||
    s.managementAuth === 'scoped-token' ||
    s.managementAuth === 'registration-access-token'
  ) {
    hints.management = s.managementAuth;
  }
  if (s.managementAuth === 'scoped-token' && typeof s.managementScope === 'string' && s.managementScope) {
    hints.managementScope = s.managementScope;
  }
  if (typeof s.ssaMaxAgeSeconds === 'number') hints.maxSsaAgeSeconds = s.ssaMaxAgeSeconds;
  return hints;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
