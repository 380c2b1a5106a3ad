import type { AuthMethod, BankSettings, SigningAlg } from '../settings.js';
import { STRICT_OB_V33 } from '../settings.js';
import { SWITCH_NAMES } from './switches.js';

/** A bank's OIDC discovery document, as far as inference reads it. */
export type DiscoveryDocument = Record<string, unknown>;

/** What `inferProfile` found: the switches set, where each came from, and what it could not tell. */
export interface InferredProfile {
  name: string;
  description: string;
  /** Switches that differ from strict OB v3.3 or were confirmed by the document, with their values. */
  switches: Partial<BankSettings>;
  /** For each switch in `switches`: the discovery field(s) it came from. */
  sources: Partial<Record<keyof BankSettings, string>>;
  /** Switches the document does not tell: the strict default is kept. */
  notAdvertised: (keyof BankSettings)[];
  /** Advertised values obmock has no switch for (e.g. an auth method it does not implement). */
  ignored: string[];
  /** The effective settings: strict OB v3.3 with `switches` applied. */
  settings: BankSettings;
}

/**
 * The switches a discovery document can tell, and from which fields (docs/reproduce.md has
 * this table). Everything else is behaviour a bank does not advertise.
 */
export const DISCOVERABLE_SWITCHES: Partial<Record<keyof BankSettings, string>> = {
  registrationPath:
    '`mtls_endpoint_aliases.registration_endpoint`, else `registration_endpoint` (its path under `issuer`)',
  discoveryPath: 'the URL the document was fetched from (its path under `issuer`); not from a saved file',
  registrationMediaTypes: '`ob_registration_media_types` (an obmock extension; real banks rarely publish it)',
  requestFormat:
    '`ob_registration_media_types`: only `application/json` means an RFC 7591 JSON body, only JOSE types a signed request',
  specVersion:
    'heuristic: the CIBA grant or a `client_secret_*` method or `application/jose` means v3.2+; `application/jwt` as the only media type with only `private_key_jwt`/`tls_client_auth` means v3.1',
  tokenEndpointAuthMethods: '`token_endpoint_auth_methods_supported`',
  signingAlgs:
    '`request_object_signing_alg_values_supported`, else `token_endpoint_auth_signing_alg_values_supported`, else `id_token_signing_alg_values_supported`',
  grantTypes: '`grant_types_supported`',
  responseTypes: '`response_types_supported`',
};

const AUTH_METHODS: AuthMethod[] = [
  'tls_client_auth',
  'private_key_jwt',
  'client_secret_jwt',
  'client_secret_basic',
  'client_secret_post',
];
const ALGS: SigningAlg[] = ['PS256', 'ES256', 'RS256'];
const GRANTS = STRICT_OB_V33.grantTypes;
const RESPONSE_TYPES = ['code', 'code id_token'];
const MEDIA_TYPES = ['application/jose', 'application/jwt', 'application/json'];
const CIBA = 'urn:openid:params:grant-type:ciba';

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** The path of `url` under `issuer` (the part after the issuer's path), or undefined if not a URL. */
function pathUnder(issuer: string | undefined, url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  let path = u.pathname;
  if (issuer) {
    try {
      const i = new URL(issuer);
      const base = i.pathname.replace(/\/+$/, '');
      if (i.origin === u.origin && base && path.startsWith(`${base}/`)) path = path.slice(base.length);
    } catch {
      // an issuer that is not a URL: keep the whole path
    }
  }
  return /^\/[A-Za-z0-9._~/-]{0,200}$/.test(path) && !path.includes('//') && !path.includes('..')
    ? path
    : undefined;
}

/** Keeps the known values of an advertised list, in the order of `known`; notes the others. */
function known<T extends string>(
  list: string[],
  allowed: readonly T[],
  field: string,
  ignored: string[],
): T[] {
  for (const v of list) if (!allowed.includes(v as T)) ignored.push(`${field}: ${JSON.stringify(v)}`);
  return allowed.filter((a) => list.includes(a));
}

/**
 * A bank profile whose switches follow what a discovery document advertises. Each switch set
 * records the field it came from; switches the document cannot tell keep the strict OB v3.3
 * default and are listed in `notAdvertised`. `discoveryUrl`, when the document was fetched,
 * tells the discovery path.
 */
export function inferProfile(
  discovery: DiscoveryDocument,
  opts: { discoveryUrl?: string } = {},
): InferredProfile {
  const d = discovery;
  const issuer = typeof d.issuer === 'string' ? d.issuer : undefined;
  const switches: Partial<BankSettings> = {};
  const sources: Partial<Record<keyof BankSettings, string>> = {};
  const ignored: string[] = [];
  const set = <K extends keyof BankSettings>(k: K, v: BankSettings[K], from: string) => {
    switches[k] = v;
    sources[k] = from;
  };

  const aliases =
    typeof d.mtls_endpoint_aliases === 'object' && d.mtls_endpoint_aliases !== null
      ? (d.mtls_endpoint_aliases as Record<string, unknown>)
      : {};
  const aliasPath = pathUnder(issuer, aliases.registration_endpoint);
  const regPath = aliasPath ?? pathUnder(issuer, d.registration_endpoint);
  if (regPath)
    set(
      'registrationPath',
      regPath,
      aliasPath ? 'mtls_endpoint_aliases.registration_endpoint' : 'registration_endpoint',
    );
  const discoveryPath = pathUnder(issuer, opts.discoveryUrl);
  if (discoveryPath && discoveryPath !== regPath) set('discoveryPath', discoveryPath, 'the discovery URL');

  const media = strings(d.ob_registration_media_types);
  const mediaKnown = media ? known(media, MEDIA_TYPES, 'ob_registration_media_types', ignored) : [];
  if (mediaKnown.length) {
    set('registrationMediaTypes', mediaKnown, 'ob_registration_media_types');
    if (mediaKnown.every((t) => t === 'application/json'))
      set('requestFormat', 'json', 'ob_registration_media_types (only application/json)');
    else if (!mediaKnown.includes('application/json'))
      set('requestFormat', 'jws', 'ob_registration_media_types (only JOSE media types)');
  }

  const methodsAdvertised = strings(d.token_endpoint_auth_methods_supported);
  const methods = methodsAdvertised
    ? known(methodsAdvertised, AUTH_METHODS, 'token_endpoint_auth_methods_supported', ignored)
    : [];
  if (methods.length) set('tokenEndpointAuthMethods', methods, 'token_endpoint_auth_methods_supported');

  for (const field of [
    'request_object_signing_alg_values_supported',
    'token_endpoint_auth_signing_alg_values_supported',
    'id_token_signing_alg_values_supported',
  ]) {
    const list = strings(d[field]);
    if (!list) continue;
    const algs = known(list, ALGS, field, ignored);
    if (algs.length) {
      set('signingAlgs', algs, field);
      break;
    }
  }

  const grantsAdvertised = strings(d.grant_types_supported);
  const grants = grantsAdvertised ? known(grantsAdvertised, GRANTS, 'grant_types_supported', ignored) : [];
  if (grants.length) set('grantTypes', grants, 'grant_types_supported');

  const rtAdvertised = strings(d.response_types_supported);
  const rts = rtAdvertised ? known(rtAdvertised, RESPONSE_TYPES, 'response_types_supported', ignored) : [];
  if (rts.length) set('responseTypes', rts, 'response_types_supported');

  const version = inferSpecVersion(grants, methods, mediaKnown);
  if (version) set('specVersion', version.value, version.from);

  const settings: BankSettings = { ...STRICT_OB_V33, ...switches };
  // A JSON-only bank cannot take a signed request; a JWS bank needs a JOSE media type.
  const host = issuer ? safeHost(issuer) : undefined;
  return {
    name: host ? `inferred-${host}` : 'inferred',
    description: `Inferred from the discovery document${issuer ? ` of ${issuer}` : ''}: switches the document advertises; every other switch keeps the strict OB v3.3 default.`,
    switches,
    sources,
    notAdvertised: SWITCH_NAMES.filter((n) => !(n in switches)),
    ignored,
    settings,
  };
}

function safeHost(issuer: string): string | undefined {
  try {
    return new URL(issuer).hostname.replace(/[^a-z0-9.-]/gi, '-').slice(0, 60) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * DCR version, from what only some versions know: CIBA (v3.3), the client_secret_* methods and
 * application/jose (v3.2+); application/jwt alone with only the two v3.1 methods reads as v3.1.
 * v3.2 and v3.3 differ only in the CIBA grant, which `grantTypes` already carries.
 */
function inferSpecVersion(
  grants: string[],
  methods: string[],
  media: string[],
): { value: BankSettings['specVersion']; from: string } | undefined {
  if (grants.includes(CIBA)) return { value: '3.3', from: 'grant_types_supported (CIBA is v3.3 only)' };
  const v31Methods = ['private_key_jwt', 'tls_client_auth'];
  if (methods.some((m) => !v31Methods.includes(m)) || media.includes('application/jose')) return undefined;
  if (media.length === 1 && media[0] === 'application/jwt' && methods.length > 0)
    return {
      value: '3.1',
      from: 'ob_registration_media_types (only application/jwt) and token_endpoint_auth_methods_supported (only v3.1 methods)',
    };
  return undefined;
}
