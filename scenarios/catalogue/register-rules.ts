import type { RequestOptions } from '../context.js';
import type { Need, Scenario } from '../types.js';

const OB = 'OB DCR v3.3';

interface Rule {
  id: string;
  title: string;
  reference: string;
  /** The one change from a valid request. */
  change: (claims: Record<string, unknown>) => RequestOptions;
  error: string | string[];
  status?: number;
  needs?: Need[];
  tags?: string[];
  /** A reason to skip, when the TPP material cannot make this change. */
  precondition?: (claims: Record<string, unknown>) => string | undefined;
}

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
      title: `${claim} missing → 400`,
      reference: `${OB} OBClientRegistration1: ${claim} is required`,
      change: remove(claim),
      error,
      needs: ['jws-requests'],
      tags: ['required-claim'],
    }),
  ),
  {
    id: 'REG-IAT-future',
    title: 'iat an hour in the future → 400',
    reference: `${OB}: the request must be current (iat)`,
    change: () => ({ now: new Date(Date.now() + 3600_000) }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-ISS-other-software',
    title: "iss another software's id → 400",
    reference: `${OB}: iss = the SSA software_id`,
    change: () => ({ overrides: { iss: 'AAAAAAAAAAAAAAAAAAAAAA' } }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests', 'ob-directory-trust'],
  },
  {
    id: 'REG-SOFTWARE-ID-mismatch',
    title: 'software_id differs from the SSA → 400',
    reference: `${OB}: software_id, when sent, must equal the SSA's`,
    change: () => ({ overrides: { software_id: 'BBBBBBBBBBBBBBBBBBBBBB' } }),
    error: ['invalid_client_metadata', 'invalid_software_statement'],
  },
  {
    id: 'REG-AUD-wrong',
    title: "aud another bank's id → 400",
    reference: `${OB}: aud = the ASPSP's organisation id; profile switch audience`,
    change: () => ({ aud: '0015800001041REAAY' }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
    tags: ['aud'],
  },
  {
    id: 'REG-JTI-not-uuid',
    title: 'jti not a UUID v4 → 400',
    reference: `${OB}: jti is a UUID v4`,
    change: () => ({ jti: 'not-a-uuid-not-a-uuid-not-a-uuid-xx' }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-REDIRECT-http',
    title: 'redirect URI over http → 400',
    reference: `${OB}: redirect_uris use https`,
    change: () => ({ redirectUris: ['http://tpp.example.com/cb'] }),
    error: 'invalid_redirect_uri',
    tags: ['redirect'],
  },
  {
    id: 'REG-REDIRECT-localhost',
    title: 'redirect URI to localhost → 400',
    reference: `${OB}: redirect_uris must not point at localhost`,
    change: () => ({ redirectUris: ['https://localhost/cb'] }),
    error: 'invalid_redirect_uri',
    tags: ['redirect'],
  },
  {
    id: 'REG-REDIRECT-not-in-ssa',
    title: 'redirect URI the SSA does not list → 400',
    reference: `${OB}: redirect_uris ⊆ software_redirect_uris`,
    change: () => ({ redirectUris: ['https://attacker.example.net/callback'] }),
    error: 'invalid_redirect_uri',
    tags: ['redirect'],
  },
  {
    id: 'REG-SCOPE-beyond-roles',
    title: 'scope beyond the SSA roles → 400',
    reference: `${OB}: scope within the SSA's software_roles`,
    change: (c) => ({ scope: `openid ${missingScope(c)}` }),
    error: 'invalid_client_metadata',
    tags: ['scope'],
    precondition: (c) => (missingScope(c) ? undefined : 'the TPP holds every role: no scope is beyond them'),
  },
  {
    id: 'REG-AUTH-unsupported',
    title: "token_endpoint_auth_method 'none' → 400",
    reference: `${OB}: token_endpoint_auth_method enum; discovery token_endpoint_auth_methods_supported`,
    change: () => ({ overrides: { token_endpoint_auth_method: 'none' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-PKJ-no-signing-alg',
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
    title: 'tls_client_auth_subject_dn of another certificate → 400',
    reference: 'RFC 8705 §2.1.2; OB DCR v3.3: the DN names the client certificate',
    change: () => ({
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'CN=someone-else,OU=0015800001041REAAY,O=OpenBanking,C=GB',
    }),
    error: 'invalid_client_metadata',
    needs: ['tls_client_auth'],
  },
  {
    id: 'REG-GRANT-password',
    title: "grant type 'password' → 400",
    reference: `${OB}: grant_types enum`,
    change: () => ({ grantTypes: ['client_credentials', 'password'] }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-APPTYPE-desktop',
    title: "application_type 'desktop' → 400",
    reference: `${OB}: application_type web | mobile`,
    change: () => ({ overrides: { application_type: 'desktop' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-IDTOKEN-alg-none',
    title: "id_token_signed_response_alg 'none' → 400",
    reference: `${OB}: SupportedAlgorithms RS256 | PS256 | ES256 (FAPI: PS256/ES256)`,
    change: () => ({ overrides: { id_token_signed_response_alg: 'none' } }),
    error: 'invalid_client_metadata',
  },
  {
    id: 'REG-LIFETIME-long',
    title: 'a request valid for a day → 400',
    reference: `${OB}: banks bound the request lifetime (profile switch requestMaxLifetimeSeconds)`,
    change: () => ({ lifetimeSeconds: 86400 }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
  {
    id: 'REG-EXP-before-iat',
    title: 'exp before iat → 400',
    reference: 'RFC 7519 §4.1.4; OB DCR v3.3',
    change: () => ({ lifetimeSeconds: -60 }),
    error: 'invalid_client_metadata',
    needs: ['jws-requests'],
  },
];

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

export const registerRules: Scenario[] = RULES.map((r) => ({
  id: r.id,
  title: r.title,
  reference: r.reference,
  tags: ['register', 'negative', ...(r.tags ?? [])],
  ...(r.needs ? { needs: r.needs } : {}),
  async run(t) {
    const why = r.precondition?.(t.claims());
    if (why) t.skip(why);
    const res = await t.step(`register with one change: ${r.title.replace(/ → .*/, '')}`, async () =>
      t.register(await t.request(r.change(t.claims()))),
    );
    t.expectError(res, r.status ?? 400, r.error);
  },
}));
