import type { BankSettings } from '../../aspsp-mock/settings.js';
import type { FailedRequest } from './read-exchange.js';

/** Switches changed from the base profile, with their new values. */
export type SwitchChange = Partial<BankSettings>;

/** The changes to try for one switch (a change may set a switch it only works with, e.g. the DN rendering). */
type Candidates = (base: BankSettings, request: FailedRequest) => SwitchChange[];

const without = (list: string[], x: string) => list.filter((v) => v !== x);
const requested = (request: FailedRequest, claim: string): string[] => {
  const v = request.claims[claim];
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : [];
};
const each =
  <K extends keyof BankSettings>(
    name: K,
    values: (base: BankSettings, request: FailedRequest) => unknown[],
  ): Candidates =>
  (base, request) =>
    values(base, request).map((v) => ({ [name]: v }) as SwitchChange);
const toggle = (list: string[], x: string) => (list.includes(x) ? without(list, x) : [...list, x]);
const lifetime = (request: FailedRequest): number | undefined => {
  const { iat, exp } = request.claims;
  return typeof iat === 'number' && typeof exp === 'number' ? exp - iat : undefined;
};

/**
 * The values differential replay tries for each switch a registration request can reveal. The
 * other switches (management, response shapes, paths, caches, duplicates) cannot change how a
 * bank answers one registration POST, so replay never varies them; nor does it vary
 * checkCertificateBinding and requireTransportCertInJwks: the sandbox TPP's transport certificate
 * is always its own and published in its JWKS, so they cannot change the replayed answer.
 */
export const REPLAY_CANDIDATES: Partial<Record<keyof BankSettings, Candidates>> = {
  specVersion: each('specVersion', () => ['3.1', '3.2', '3.3']),
  registrationMediaTypes: each('registrationMediaTypes', () => [
    ['application/jose'],
    ['application/jwt'],
    ['application/jose', 'application/jwt'],
  ]),
  // The JSON body format comes with its media type.
  requestFormat: (base) =>
    base.requestFormat === 'json'
      ? [{ requestFormat: 'jws', registrationMediaTypes: ['application/jose', 'application/jwt'] }]
      : [{ requestFormat: 'json', registrationMediaTypes: ['application/json'] }],
  audience: each('audience', () => ['org-id', 'issuer', 'any']),
  // A string comparison is always in one rendering.
  subjectDnMatch: (base) =>
    base.subjectDnMatch === 'string'
      ? [{ subjectDnMatch: 'dn', subjectDnRendering: 'name' }]
      : (['name', 'oid', 'hex'] as const).map((r) => ({ subjectDnMatch: 'string', subjectDnRendering: r })),
  subjectDnRendering: (base) =>
    base.subjectDnMatch === 'string'
      ? (['name', 'oid', 'hex'] as const).map((r) => ({ subjectDnRendering: r }))
      : [],
  tokenEndpointAuthMethods: each('tokenEndpointAuthMethods', (base, request) =>
    requested(request, 'token_endpoint_auth_method').map((m) => toggle(base.tokenEndpointAuthMethods, m)),
  ),
  signingAlgs: each('signingAlgs', () => [
    ['PS256'],
    ['PS256', 'ES256'],
    ['PS256', 'RS256'],
    ['PS256', 'ES256', 'RS256'],
  ]),
  grantTypes: each('grantTypes', (base, request) =>
    requested(request, 'grant_types').map((g) => toggle(base.grantTypes, g)),
  ),
  responseTypes: each('responseTypes', (base, request) =>
    requested(request, 'response_types').map((r) => toggle(base.responseTypes, r)),
  ),
  requiredClaims: each('requiredClaims', () => [{}, { subject_type: 'pairwise' }]),
  checkRedirectUris: each('checkRedirectUris', () => [true, false]),
  redirectErrorCode: each('redirectErrorCode', () => ['invalid_redirect_uri', 'invalid_client_metadata']),
  createStatus: each('createStatus', () => [200, 201]),
  ssaMaxAgeSeconds: each('ssaMaxAgeSeconds', () => [60, 300, 3600, 86400]),
  clockSkewSeconds: each('clockSkewSeconds', () => [0, 30, 300]),
  requestMaxLifetimeSeconds: each('requestMaxLifetimeSeconds', (_b, request) => {
    const l = lifetime(request);
    return [60, 300, 600, 3600, 86400].filter((v) => l === undefined || v < l || v === 3600);
  }),
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const changeKey = (c: SwitchChange) =>
  JSON.stringify(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)));

/** Only the switches a change really changes from `base`. */
export function effectiveChange(base: BankSettings, change: SwitchChange): SwitchChange {
  return Object.fromEntries(
    Object.entries(change).filter(([k, v]) => !same(v, base[k as keyof BankSettings])),
  ) as SwitchChange;
}

/** Every one-switch change of `base` the table lists (no-ops and duplicates left out), in table order. */
export function singleChanges(base: BankSettings, request: FailedRequest): SwitchChange[] {
  const seen = new Set<string>();
  const out: SwitchChange[] = [];
  for (const candidates of Object.values(REPLAY_CANDIDATES) as Candidates[]) {
    for (const raw of candidates(base, request)) {
      const change = effectiveChange(base, raw);
      const key = changeKey(change);
      if (Object.keys(change).length === 0 || seen.has(key)) continue;
      seen.add(key);
      out.push(change);
    }
  }
  return out;
}

/**
 * Two-switch changes: each of the `leads` (the single changes that moved the answer closest to
 * the real one) with every single change of another switch, without duplicates, at most `max`.
 */
export function pairChanges(leads: SwitchChange[], singles: SwitchChange[], max: number): SwitchChange[] {
  const seen = new Set<string>();
  const out: SwitchChange[] = [];
  for (const lead of leads) {
    for (const other of singles) {
      if (out.length >= max) return out;
      if (Object.keys(other).some((k) => k in lead)) continue;
      const pair = { ...lead, ...other };
      const key = changeKey(pair);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(pair);
    }
  }
  return out;
}
