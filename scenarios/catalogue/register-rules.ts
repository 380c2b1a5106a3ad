import { decodeSsa, type RegisteredClient, SCOPE_FOR_ROLE } from '../../tpp-client/index.js';
import type { RequestOptions, ScenarioContext } from '../context.js';
import type { Need, Scenario } from '../types.js';
import { acceptableRedirects } from './acceptable-redirects.js';
import { ISS_ERRORS, REDIRECT_ERRORS } from './conformance.js';

const OB = 'OB DCR v3.3';

interface Rule {
  id: string;
  title: string;
  reference: string;
  /** Spec rule ids (spec-rules.ts) the scenario checks. */
  rules: string[];
  /** RFC 7591 §2 lets the bank register a supported value instead of refusing: the claim and the unsupported value. */
  replace?: { claim: string; bad: string };
  /** The positive twin (default `register`). */
  baseline?: string;
  /** The one change from a valid request. */
  change: (claims: Record<string, unknown>) => RequestOptions;
  error: string | string[];
  status?: number;
  needs?: Need[];
  tags?: string[];
  /**
   * The claim's omission has a meaning in the OB Data Dictionary: a registration is accepted as
   * well as a refusal; this returns what is wrong with such a registration (undefined: nothing).
   */
  omitted?: (client: RegisteredClient, t: ScenarioContext) => string | undefined;
  /** A reason to skip, when the TPP material cannot make this change. */
  precondition?: (claims: Record<string, unknown>, specVersion?: string) => string | undefined;
}

/** The subject DN of a certificate this TPP does not hold (another organisation's). */
const OTHER_DN = 'CN=someone-else,OU=0015800001041REAAY,O=OpenBanking,C=GB';

const remove = (claim: string) => () => ({ overrides: { [claim]: undefined } });

/** Every negative rule of POST /register, one change at a time from a valid request. */
const RULES: Rule[] = [
  ...(
    [
      ['iss', 'invalid_client_metadata'],
      ['iat', 'invalid_client_metadata'],
      ['exp', 'invalid_client_metadata'],
      ['aud', 'invalid_client_metadata'],
      ['jti', 'invalid_client_metadata'],
      ['token_endpoint_auth_method', 'invalid_client_metadata'],
      ['grant_types', 'invalid_client_metadata'],
      ['scope', 'invalid_client_metadata'],
      ['software_statement', ['invalid_software_statement', 'invalid_client_metadata']],
      ['application_type', 'invalid_client_metadata'],
      ['id_token_signed_response_alg', 'invalid_client_metadata'],
      ['request_object_signing_alg', 'invalid_client_metadata'],
      ['redirect_uris', ['invalid_redirect_uri', 'invalid_client_metadata']],
    ] as [string, string | string[]][]
  ).map(
    ([claim, error]): Rule => ({
      id: `REG-REQ-${claim}`,
      title:
        claim === 'scope'
          ? 'scope missing → 400, or default scopes within the SSA roles'
          : claim === 'redirect_uris'
            ? "redirect_uris missing → 400, or the SSA's https redirect URIs"
            : claim === 'aud'
              ? 'aud missing → 400 (MAY: a warning when accepted)'
              : `${claim} missing → 400`,
      reference:
        claim === 'aud'
          ? `${OB} OBClientRegistration1: aud is required, but the ASPSP "may validate" it; RFC 7519 §4.1.3 binds only a present aud`
          : `${OB} OBClientRegistration1: ${claim} is required`,
      // A bank that does not validate aud ("may validate", Data Dictionary) can accept it missing.
      rules: [claim === 'aud' ? 'reg.request-aud' : 'reg.required-claims'],
      change: remove(claim),
      error,
      needs: ['jws-requests'],
      tags: ['required-claim'],
      // v3.1 does not require scope (its swagger leaves it out of `required`).
      ...(claim === 'scope'
        ? {
            precondition: (_c, v) => (v === '3.1' ? 'OB DCR v3.1 does not require scope' : undefined),
            omitted: defaultScopeProblem,
          }
        : {}),
      ...(claim === 'redirect_uris' ? { omitted: defaultRedirectProblem } : {}),
    }),
  ),
  {
    id: 'REG-IAT-future',
    rules: ['reg.request-iat'],
    title: 'iat an hour in the future → 400',
    reference: `${OB}: the request must be current (iat)`,
    change: () => ({ now: new Date(Date.now() + 3600_000) }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-ISS-other-software',
    rules: ['reg.request-iss'],
    title: "iss another software's id → 400",
    reference: `${OB}: iss = the SSA software_id`,
    change: () => ({ overrides: { iss: 'AAAAAAAAAAAAAAAAAAAAAA' } }),
    // the same rule as REG-SOFTWARE-ID-mismatch (iss must be the SSA's software_id): either code
    error: ISS_ERRORS,
    needs: ['jws-requests', 'ob-directory-trust'],
  },
  {
    id: 'REG-SOFTWARE-ID-mismatch',
    rules: ['reg.software-id'],
    title: 'software_id differs from the SSA → 400',
    reference: `${OB}: software_id, when sent, must equal the SSA's`,
    change: () => ({ overrides: { software_id: 'BBBBBBBBBBBBBBBBBBBBBB' } }),
    error: ['invalid_client_metadata', 'invalid_software_statement'],
  },
  {
    id: 'REG-AUD-wrong',
    rules: ['reg.request-aud'],
    title: "aud another bank's id → 400 (MAY: a warning when accepted)",
    reference: `${OB}: aud should be the ASPSP's organisation id; the ASPSP may validate it`,
    change: () => ({ aud: '0015800001041REAAY' }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
    tags: ['aud'],
  },
  {
    id: 'REG-JTI-not-uuid',
    rules: ['reg.request-jti-format'],
    title: 'jti not a UUID v4 → 400',
    reference: `${OB}: jti is a UUID v4`,
    change: () => ({ jti: 'not-a-uuid-not-a-uuid-not-a-uuid-xx' }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-REDIRECT-http',
    rules: ['reg.redirect-https'],
    title: 'redirect URI over http → 400',
    reference: `${OB}: redirect_uris use https`,
    change: () => ({ redirectUris: ['http://tpp.example.com/cb'] }),
    error: REDIRECT_ERRORS,
    tags: ['redirect'],
  },
  {
    id: 'REG-REDIRECT-localhost',
    rules: ['reg.redirect-https'],
    title: 'redirect URI to localhost → 400',
    reference: `${OB}: redirect_uris must not point at localhost`,
    change: () => ({ redirectUris: ['https://localhost/cb'] }),
    error: REDIRECT_ERRORS,
    tags: ['redirect'],
  },
  {
    id: 'REG-REDIRECT-not-in-ssa',
    rules: ['reg.redirect-subset'],
    title: 'redirect URI the SSA does not list → 400',
    reference: `${OB}: redirect_uris ⊆ software_redirect_uris`,
    change: () => ({ redirectUris: ['https://attacker.example.net/callback'] }),
    error: REDIRECT_ERRORS,
    tags: ['redirect'],
  },
  {
    id: 'REG-SCOPE-beyond-roles',
    rules: ['reg.scope-roles'],
    title: 'scope beyond the SSA roles → 400',
    reference: `${OB}: scope within the SSA's software_roles`,
    replace: { claim: 'scope', bad: 'fundsconfirmations' },
    change: (c) => ({ scope: `openid ${missingScope(c)}` }),
    error: 'invalid_client_metadata',
    tags: ['scope'],
    precondition: (c) => (missingScope(c) ? undefined : 'the TPP holds every role: no scope is beyond them'),
  },
  {
    id: 'REG-AUTH-unsupported',
    rules: ['reg.auth-method'],
    replace: { claim: 'token_endpoint_auth_method', bad: 'none' },
    title: "token_endpoint_auth_method 'none' → 400",
    reference: `${OB}: token_endpoint_auth_method enum; discovery token_endpoint_auth_methods_supported`,
    change: () => ({ overrides: { token_endpoint_auth_method: 'none' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-PKJ-no-signing-alg',
    rules: ['reg.auth-signing-alg'],
    baseline: 'register-private_key_jwt',
    title: 'private_key_jwt without token_endpoint_auth_signing_alg → 400',
    reference: `${OB}: token_endpoint_auth_signing_alg required iff private_key_jwt`,
    change: () => ({
      tokenEndpointAuthMethod: 'private_key_jwt',
      overrides: { token_endpoint_auth_signing_alg: undefined },
    }),
    error: 'invalid_client_metadata',
    needs: ['private_key_jwt'],
  },
  {
    id: 'REG-TLS-no-subject-dn',
    rules: ['reg.tls-subject-dn'],
    baseline: 'register-tls_client_auth',
    title: 'tls_client_auth without the subject DN → 400',
    reference: `${OB}: tls_client_auth_subject_dn required iff tls_client_auth (RFC 8705)`,
    change: () => ({
      tokenEndpointAuthMethod: 'tls_client_auth',
      overrides: { tls_client_auth_subject_dn: undefined, tls_client_auth_dn: undefined },
    }),
    error: 'invalid_client_metadata',
    needs: ['tls_client_auth'],
  },
  {
    id: 'REG-TLS-wrong-subject-dn',
    rules: ['reg.tls-subject-dn'],
    baseline: 'register-tls_client_auth',
    // OB Data Dictionary: a value the ASPSP does not support is rejected, or modified and returned
    replace: { claim: 'tls_client_auth_subject_dn', bad: OTHER_DN },
    title: 'tls_client_auth_subject_dn of another certificate → 400, or registered with the DN replaced',
    reference: 'RFC 8705 §2.1.2; OB DCR v3.3: the DN names the client certificate',
    change: () => ({
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: OTHER_DN,
    }),
    error: 'invalid_client_metadata',
    needs: ['tls_client_auth'],
  },
  {
    id: 'REG-GRANT-password',
    rules: ['reg.grant-types'],
    replace: { claim: 'grant_types', bad: 'password' },
    title: "grant type 'password' → 400",
    reference: `${OB}: grant_types enum`,
    change: () => ({ grantTypes: ['client_credentials', 'password'] }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-APPTYPE-desktop',
    rules: ['reg.application-type'],
    replace: { claim: 'application_type', bad: 'desktop' },
    title: "application_type 'desktop' → 400",
    reference: `${OB}: application_type web | mobile`,
    change: () => ({ overrides: { application_type: 'desktop' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-IDTOKEN-alg-none',
    rules: ['reg.algs'],
    replace: { claim: 'id_token_signed_response_alg', bad: 'none' },
    title: "id_token_signed_response_alg 'none' → 400",
    reference: `${OB}: SupportedAlgorithms RS256 | PS256 | ES256 (FAPI: PS256/ES256)`,
    change: () => ({ overrides: { id_token_signed_response_alg: 'none' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-LIFETIME-long',
    rules: ['reg.request-lifetime'],
    title: 'a request valid for a day → 400 (MAY: no spec maximum, a warning when accepted)',
    reference: `${OB}: no maximum lifetime is specified; a bank may bound it (profile switch requestMaxLifetimeSeconds)`,
    change: () => ({ lifetimeSeconds: 86400 }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-EXP-before-iat',
    rules: ['reg.request-exp'],
    title: 'exp before iat → 400',
    reference: 'RFC 7519 §4.1.4; OB DCR v3.3',
    change: () => ({ lifetimeSeconds: -60 }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
];

/**
 * scope omitted: "if not specified, default scopes are assigned by the AS" (OB DCR Data
 * Dictionary). The defaults must still be within the SSA's roles.
 */
function defaultScopeProblem(client: RegisteredClient, t: ScenarioContext): string | undefined {
  const roles = decodeSsa(t.tpp.material.ssa).software_roles ?? [];
  const value = client.scope as unknown;
  const scopes = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(' ') : [];
  const beyond = scopes.filter((s) =>
    Object.entries(SCOPE_FOR_ROLE).some(([r, sc]) => sc === s && !roles.includes(r)),
  );
  return beyond.length
    ? `the default scope ${JSON.stringify(value)} assigned includes ${beyond.join(', ')}, beyond the SSA roles`
    : undefined;
}

/**
 * redirect_uris omitted: "the entire contents of the software_redirect_uris element in the SSA are
 * considered to be requested by the TPP" (OB DCR Data Dictionary); what is registered must still
 * be in the SSA, https and not localhost.
 */
function defaultRedirectProblem(client: RegisteredClient, t: ScenarioContext): string | undefined {
  const acceptable = acceptableRedirects(t);
  const got = Array.isArray(client.redirect_uris) ? client.redirect_uris.map(String) : [];
  if (!got.length) return 'the bank registered the client without redirect_uris';
  const bad = got.filter((u) => !acceptable.includes(u));
  return bad.length
    ? `the bank registered ${JSON.stringify(bad)} for the omitted redirect_uris: each must be one of the SSA's https URIs, not localhost`
    : undefined;
}

/** A scope whose role the SSA lacks, if any. */
function missingScope(claims: Record<string, unknown>): string | undefined {
  const ssa = String(claims.software_statement ?? '');
  let roles: string[] = [];
  try {
    roles = JSON.parse(Buffer.from(ssa.split('.')[1] ?? '', 'base64url').toString()).software_roles ?? [];
  } catch {
    roles = [];
  }
  if (!roles.includes('CBPII')) return 'fundsconfirmations';
  if (!roles.includes('PISP')) return 'payments';
  if (!roles.includes('AISP')) return 'accounts';
  return undefined;
}

/** The same signed request twice: the second is a replay of its jti. */
const jtiReplay: Scenario = {
  id: 'REG-JTI-replay',
  rules: ['reg.request-jti-replay'],
  baseline: 'register',
  title: 'the same signed request (same jti) sent twice → the second refused',
  reference: `${OB}: jti is a unique UUID v4; RFC 7519 §4.1.7 (jti prevents replay)`,
  tags: ['register', 'negative', 'replay'],
  needs: ['jws-requests'],
  async run(t) {
    const body = await t.request();
    const first = await t.step('register with a valid request', () => t.register(body));
    t.expectStatus(first, [t.target.hints.createStatus ?? 201, 200], 'the bank', {
      rule: 'reg.accept-valid',
    });
    const second = await t.step('send the very same request again', () => t.register(body));
    t.expectError(second, 400, ['invalid_client_metadata', 'invalid_software_statement']);
  },
};

/** The valid request with its JWS header set to alg none and no signature (RFC 7515 §3.6 Unsecured JWS). */
const algNone: Scenario = {
  id: 'REG-ALG-none',
  rules: ['reg.request-alg'],
  baseline: 'register',
  title: "the request as an unsecured JWS (alg 'none', no signature) → 400",
  reference: `${OB}: the request is a JWS signed PS256/ES256; RFC 8725 §3.1 (never accept alg none)`,
  tags: ['register', 'negative', 'signature'],
  needs: ['jws-requests'],
  async run(t) {
    const signed = await t.request();
    const [header, payload] = signed.split('.');
    const unsigned = `${Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(header ?? '', 'base64url').toString()), alg: 'none' }),
    ).toString('base64url')}.${payload}.`;
    const res = await t.step("register with the request as alg 'none'", () => t.register(unsigned));
    t.expectError(res, 400, ['invalid_client_metadata', 'invalid_software_statement']);
  },
};

export const registerRules: Scenario[] = [
  ...RULES.map(
    (r): Scenario => ({
      id: r.id,
      title: r.title,
      reference: r.reference,
      rules: r.rules,
      baseline: r.baseline ?? 'register',
      tags: ['register', 'negative', ...(r.tags ?? [])],
      ...(r.needs ? { needs: r.needs } : {}),
      async run(t) {
        const why = r.precondition?.(t.claims(), t.target.hints.specVersion);
        if (why) t.skip(why);
        const change = r.change(t.claims());
        const res = await t.step(`register with one change: ${r.title.replace(/ → .*/, '')}`, async () =>
          t.register(await t.request(change)),
        );
        const errors = Array.isArray(r.error) ? r.error : [r.error];
        if (r.omitted && res.ok) {
          // the defaults are registered metadata: the response shows them (schema: both required)
          t.expectSchemaValid(res.raw, 'registration');
          const problem = r.omitted(res.client, t);
          t.check(problem === undefined, problem ?? '');
          return;
        }
        if (r.replace) {
          // v3.1 names the DN claim tls_client_auth_dn
          const claim =
            r.replace.claim === 'tls_client_auth_subject_dn' && t.target.hints.specVersion === '3.1'
              ? 'tls_client_auth_dn'
              : r.replace.claim;
          // scope: the role the SSA lacks is the one asked for beyond it
          const bad =
            r.replace.claim === 'scope'
              ? (String(change.scope ?? '')
                  .split(' ')
                  .at(-1) ?? '')
              : r.replace.bad;
          t.expectRefusedOrReplaced(res, claim, bad, { errors });
        } else t.expectError(res, r.status ?? 400, errors);
      },
    }),
  ),
  jtiReplay,
  algNone,
];
