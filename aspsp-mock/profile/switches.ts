import { type BankSettings, STRICT_OB_V33 } from '../settings.js';

/** One switch: how to check a value, and what to tell a reader about it. */
export interface SwitchSpec {
  /** The values it takes, for docs and error messages. */
  values: string;
  /** What it changes. */
  doc: string;
  /** The real-world behaviour it reproduces when changed from the strict default. */
  reproduces: string;
  /** An error message when the value is bad, else undefined. */
  check(value: unknown): string | undefined;
}

const oneOf =
  (...allowed: unknown[]) =>
  (v: unknown) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;

const subsetOf =
  (allowed: string[], opts: { nonEmpty?: boolean } = { nonEmpty: true }) =>
  (v: unknown) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return 'must be an array of strings';
    if (opts.nonEmpty && v.length === 0) return 'must not be empty';
    const bad = v.filter((x) => !allowed.includes(x));
    return bad.length
      ? `has unknown value(s) ${bad.map((b) => JSON.stringify(b)).join(', ')} (allowed: ${allowed.join(', ')})`
      : undefined;
  };

const bool = (v: unknown) => (typeof v === 'boolean' ? undefined : 'must be true or false');

/** The largest `clockSkewSeconds` a profile may set. */
export const MAX_CLOCK_SKEW_SECONDS = 86400;
/** The largest `requestMaxLifetimeSeconds` a profile may set. */
export const MAX_REQUEST_LIFETIME_SECONDS = 30 * 86400;

const seconds = (max: number) => (v: unknown) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max
    ? undefined
    : `must be a whole number of seconds, 0–${max}`;

const path = (v: unknown) =>
  typeof v === 'string' && /^\/[A-Za-z0-9._~/-]{0,200}$/.test(v) && !v.includes('//') && !v.includes('..')
    ? undefined
    : "must be a path starting with '/' (letters, digits, . _ ~ - /)";

const MEDIA_TYPES = ['application/jose', 'application/jwt', 'application/json'];
const AUTH_METHODS = [
  'private_key_jwt',
  'client_secret_jwt',
  'client_secret_basic',
  'client_secret_post',
  'tls_client_auth',
];
const GRANTS = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'urn:openid:params:grant-type:ciba',
];

/** Every switch a profile may set. The strict OB v3.3 value of each is in STRICT_OB_V33. */
export const SWITCHES: { [K in keyof BankSettings]: SwitchSpec } = {
  specVersion: {
    values: '"3.1" | "3.2" | "3.3"',
    doc: 'OB DCR version: 3.1 uses `tls_client_auth_dn` and `scope` as an array and allows only private_key_jwt and tls_client_auth; 3.2+ use `tls_client_auth_subject_dn` and a space-separated `scope`.',
    reproduces: 'Banks still on DCR v3.1 or v3.2.',
    check: oneOf('3.1', '3.2', '3.3'),
  },
  registrationMediaTypes: {
    values: `subset of ${MEDIA_TYPES.join(', ')}`,
    doc: 'Content types accepted by POST/PUT of the registration endpoint; others get 415.',
    reproduces: 'Banks that accept only `application/jose` (v3.2+) or only `application/jwt` (v3.1 docs).',
    check: subsetOf(MEDIA_TYPES),
  },
  requestFormat: {
    values: '"jws" | "json"',
    doc: '`jws`: the body is the signed registration request (OB). `json`: an RFC 7591 JSON body carrying `software_statement`.',
    reproduces: 'eIDAS-style banks outside the OB directory.',
    check: oneOf('jws', 'json'),
  },
  trustModel: {
    values: '"ob-directory" | "eidas"',
    doc: "`ob-directory`: SSA signed by the directory, verified with its keystore. `eidas`: software statement signed by the TPP's own QSeal key, fetched from its `software_jwks_endpoint`, `iss` = the TPP organisation identifier, mTLS with a QWAC.",
    reproduces: 'Banks registering eIDAS certificate holders directly (RFC 7591 + QWAC/QSeal).',
    check: oneOf('ob-directory', 'eidas'),
  },
  audience: {
    values: '"org-id" | "issuer" | "any" | "fixed:<value>"',
    doc: "Expected `aud` of the request: the bank's OB organisation id (spec), its issuer URL, anything, or one fixed string.",
    reproduces: 'Banks that want their issuer URL, a fixed name, or do not check `aud` at all.',
    check: (v) =>
      typeof v === 'string' && (['org-id', 'issuer', 'any'].includes(v) || /^fixed:.{1,256}$/.test(v))
        ? undefined
        : 'must be "org-id", "issuer", "any" or "fixed:<value>"',
  },
  subjectDnMatch: {
    values: '"dn" | "string"',
    doc: '`dn`: `tls_client_auth_subject_dn` is parsed (RFC 4514) and compared attribute by attribute, accepting any rendering. `string`: it must equal the certificate subject rendered as `subjectDnRendering`, character for character.',
    reproduces: 'Banks that compare the DN as a raw string in one rendering.',
    check: oneOf('dn', 'string'),
  },
  subjectDnRendering: {
    values: '"name" | "oid" | "hex"',
    doc: 'How organizationIdentifier must be written when `subjectDnMatch` is `string`: `organizationIdentifier=PSDGB-…`, `2.5.4.97=PSDGB-…` or `2.5.4.97=#13…` (DER hex).',
    reproduces: 'The three renderings seen at real banks.',
    check: oneOf('name', 'oid', 'hex'),
  },
  tokenEndpointAuthMethods: {
    values: `subset of ${AUTH_METHODS.join(', ')}`,
    doc: 'Auth methods a client may register and use at the token endpoint (advertised in discovery).',
    reproduces: 'Banks supporting only some methods (e.g. only private_key_jwt), or client_secret_post.',
    check: subsetOf(AUTH_METHODS),
  },
  signingAlgs: {
    values: 'subset of PS256, ES256, RS256',
    doc: 'Algorithms accepted for the request, the software statement, client assertions and the `*_alg` metadata.',
    reproduces: 'Banks accepting RS256 (not FAPI), or only PS256.',
    check: subsetOf(['PS256', 'ES256', 'RS256']),
  },
  grantTypes: {
    values: `subset of ${GRANTS.join(', ')}`,
    doc: 'Grant types a client may register; others give invalid_client_metadata.',
    reproduces: 'Banks rejecting `refresh_token` or CIBA.',
    check: subsetOf(GRANTS),
  },
  responseTypes: {
    values: 'subset of code, code id_token',
    doc: 'Response types a client may register.',
    reproduces: 'Banks allowing only `code id_token` (or only `code`).',
    check: subsetOf(['code', 'code id_token']),
  },
  requiredClaims: {
    values: 'object: claim name → required string value',
    doc: 'Extra claims the request must carry with exactly that value.',
    reproduces: 'Banks requiring e.g. `subject_type: pairwise`.',
    check: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === 'string')
        ? undefined
        : 'must be an object of claim name → string value',
  },
  checkRedirectUris: {
    values: 'true | false',
    doc: 'Check redirect_uris (https, not localhost, within the SSA). `false` only to imitate a broken bank.',
    reproduces: 'A bank that does not check redirect URIs (a bug the scenarios must catch).',
    check: bool,
  },
  redirectErrorCode: {
    values: '"invalid_redirect_uri" | "invalid_client_metadata"',
    doc: 'The error code of a refused redirect URI (http, localhost, not in the SSA, not a URL). RFC 7591 §3.2.2 defines `invalid_redirect_uri` for it; `invalid_client_metadata` is its generic code for any metadata value, which the spec also allows.',
    reproduces:
      'Banks that answer every metadata refusal, redirect URIs included, with `invalid_client_metadata`.',
    check: oneOf('invalid_redirect_uri', 'invalid_client_metadata'),
  },
  checkCertificateBinding: {
    values: 'true | false',
    doc: "Check that the TLS client certificate belongs to the SSA's organisation and software. `false` only to imitate a broken bank.",
    reproduces: 'A bank that accepts any valid certificate (a bug the scenarios must catch).',
    check: bool,
  },
  requireTransportCertInJwks: {
    values: 'true | false',
    doc: 'Also require the TLS certificate to be published with `use: tls` in the software JWKS.',
    reproduces: 'Gateways that look the transport certificate up in the SSA JWKS.',
    check: bool,
  },
  scopeFormat: {
    values: '"string" | "array"',
    doc: '`scope` in registration responses.',
    reproduces: 'Banks returning `scope` as an array.',
    check: oneOf('string', 'array'),
  },
  clientIdIssuedAtUnit: {
    values: '"seconds" | "milliseconds"',
    doc: '`client_id_issued_at` unit in responses.',
    reproduces: 'Banks returning milliseconds.',
    check: oneOf('seconds', 'milliseconds'),
  },
  timestampFormat: {
    values: '"number" | "string"',
    doc: 'Timestamps (`client_id_issued_at`, `client_secret_expires_at`) in responses as JSON numbers or strings.',
    reproduces: 'Banks returning timestamps as strings.',
    check: oneOf('number', 'string'),
  },
  createStatus: {
    values: '201 | 200',
    doc: 'Status of a successful registration.',
    reproduces: 'Banks answering 200 instead of 201.',
    check: oneOf(200, 201),
  },
  managementOperations: {
    values: 'subset of GET, PUT, DELETE (may be empty)',
    doc: 'Which of GET/PUT/DELETE /register/{ClientId} exist; the others answer 405.',
    reproduces: 'Banks without DELETE or PUT, or with no management at all.',
    check: subsetOf(['GET', 'PUT', 'DELETE'], { nonEmpty: false }),
  },
  managementAuth: {
    values: '"client-credentials" | "scoped-token" | "registration-access-token"',
    doc: 'How management calls are authorised: a client-credentials token of the client (OB, scope may be empty), such a token with `managementScope`, or an RFC 7592 `registration_access_token` returned with `registration_client_uri` at registration.',
    reproduces:
      'Banks needing a scoped token (accounts/payments/openid), or RFC 7592 registration access tokens.',
    check: oneOf('client-credentials', 'scoped-token', 'registration-access-token'),
  },
  managementScope: {
    values: 'a scope string',
    doc: 'Scope the management token must carry when `managementAuth` is `scoped-token`.',
    reproduces: 'Banks requiring `accounts`, `payments` or `openid` on the management token.',
    check: (v) => (typeof v === 'string' && v.length <= 64 ? undefined : 'must be a scope string'),
  },
  rotateRegistrationAccessToken: {
    values: 'true | false',
    doc: 'RFC 7592: return a new `registration_access_token` on each successful GET/PUT; the old one stops working.',
    reproduces: 'Authorisation servers that rotate registration access tokens.',
    check: bool,
  },
  duplicateRegistration: {
    values: '"allow" | "reject" | "return-existing"',
    doc: 'A second registration of the same software_id at this bank: a new client, a 400 invalid_client_metadata, or the existing client (200).',
    reproduces: 'Banks allowing one client per software.',
    check: oneOf('allow', 'reject', 'return-existing'),
  },
  registrationPath: {
    values: 'a path, e.g. "/register"',
    doc: 'Path of the registration endpoint under the issuer (advertised as `registration_endpoint`).',
    reproduces: "Versioned paths or PingFederate's `/as/clients.oauth2`.",
    check: path,
  },
  discoveryPath: {
    values: 'a path, e.g. "/.well-known/openid-configuration"',
    doc: 'Path of the discovery document under the issuer.',
    reproduces: 'Discovery at a non-standard path.',
    check: path,
  },
  ssaMaxAgeSeconds: {
    values: 'seconds',
    doc: 'Oldest accepted software statement (`iat`).',
    reproduces: 'Banks accepting only very fresh SSAs, or old ones.',
    check: seconds(10 * 365 * 86400),
  },
  clockSkewSeconds: {
    values: 'seconds',
    doc: 'Tolerance for `iat`/`exp`/`nbf`.',
    reproduces: 'Banks with tight or loose clock tolerance.',
    check: seconds(MAX_CLOCK_SKEW_SECONDS),
  },
  requestMaxLifetimeSeconds: {
    values: 'seconds',
    doc: 'Longest accepted `exp − iat` of the request.',
    reproduces: 'Banks refusing long-lived requests.',
    check: seconds(MAX_REQUEST_LIFETIME_SECONDS),
  },
  accessTokenLifetimeSeconds: {
    values: 'seconds',
    doc: 'Lifetime of issued access tokens.',
    reproduces: 'Short-lived tokens that expire mid-flow.',
    check: seconds(30 * 86400),
  },
  jwksCacheSeconds: {
    values: 'seconds',
    doc: 'How long fetched JWKS are reused (an unknown kid triggers one refetch regardless).',
    reproduces: 'Banks caching keys for a long time.',
    check: seconds(86400),
  },
  crlCacheSeconds: {
    values: 'seconds',
    doc: 'How long the directory CRL is reused.',
    reproduces: 'Banks slow to notice revocations.',
    check: seconds(86400),
  },
  revocationCheck: {
    values: '"crl" | "ocsp" | "ocsp-then-crl" | "none"',
    doc: "How a client certificate is checked for revocation on each certificate-authenticated call. `crl`: the directory CRL (reused `crlCacheSeconds`; the directory unreachable with no CRL in hand → the call fails). `ocsp`: the directory's OCSP responder, asked with a nonce on every call; revoked or unknown → 401 invalid_client, and the responder unreachable or answering badly → 401 invalid_client too (fail closed). `ocsp-then-crl`: OCSP, and when the responder cannot answer, the CRL decides. `none`: chain and validity only — a revoked certificate is accepted.",
    reproduces:
      'Banks and gateways that check revocation by OCSP (common for eIDAS QWACs), fall back to the CRL, or do not check at all.',
    check: oneOf('crl', 'ocsp', 'ocsp-then-crl', 'none'),
  },
  eidasScope: {
    values: '"roles" | "echo-statement"',
    doc: 'eIDAS banks (`trustModel: eidas`) only. `roles`: the statement\'s PSD2 roles (`software_roles`, or `scope: [{"role": "AIS"}, …]`) become `software_roles` in the response, and when the request names no scope the client is registered for `openid` plus AIS → accounts, PIS → payments, CBPII/PIIS → fundsconfirmations, returned as a space-separated `scope`. `echo-statement`: the statement\'s claims are echoed back as they are (role objects as `scope`) and no scope is registered, so a token request naming a scope gets invalid_scope.',
    reproduces: 'eIDAS banks that echo the software statement and register no scope for the client.',
    check: oneOf('roles', 'echo-statement'),
  },
};

export const SWITCH_NAMES = Object.keys(SWITCHES) as (keyof BankSettings)[];
export { STRICT_OB_V33 };
