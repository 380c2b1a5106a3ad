import { describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import type { ClientRecord } from '../../aspsp-mock/model.js';
import { clientView, flattenSsa } from '../../aspsp-mock/register/client-view.js';

// clientView builds the registration response by assignment (it used to be one object spread);
// the JSON a client receives must be the spread's, byte for byte, key order included.

type Settings = BankContext['settings'];

/** The response as the spread built it, for comparison. */
function spreadView(
  issuer: string,
  s: Settings,
  client: ClientRecord,
  issued: { secret?: string; registrationAccessToken?: string } = {},
): Record<string, unknown> {
  const time = (seconds: number): number | string => {
    const value = s.clientIdIssuedAtUnit === 'milliseconds' ? seconds * 1000 : seconds;
    return s.timestampFormat === 'string' ? String(value) : value;
  };
  const scope = client.metadata.scope;
  const scopes = Array.isArray(scope)
    ? scope
    : typeof scope === 'string'
      ? scope.split(' ').filter(Boolean)
      : [];
  return {
    ...client.ssaClaims,
    ...client.metadata,
    ...(scope === undefined ? {} : { scope: s.scopeFormat === 'array' ? scopes : scopes.join(' ') }),
    client_id: client.client_id,
    ...(issued.secret
      ? { client_secret: issued.secret, client_secret_expires_at: s.timestampFormat === 'string' ? '0' : 0 }
      : {}),
    client_id_issued_at: time(client.client_id_issued_at),
    ...(s.managementAuth === 'registration-access-token'
      ? {
          registration_client_uri: `${issuer}${s.registrationPath}/${client.client_id}`,
          ...(issued.registrationAccessToken
            ? { registration_access_token: issued.registrationAccessToken }
            : {}),
        }
      : {}),
  };
}

// claims as JSON.parse gives them: hostile names are own properties
const ssa = JSON.parse(
  '{"iss":"OpenBanking Ltd","iat":1,"jti":"j","software_id":"sw1","2":"an integer-like key",' +
    '"software_redirect_uris":["https://tpp.example/cb"],"org_id":"org","scope":"from the statement",' +
    '"client_id":"not this one","constructor":"a claim","__proto__":{"polluted":true},"toString":"x"}',
) as Record<string, unknown>;

const metadata = JSON.parse(
  '{"redirect_uris":["https://tpp.example/cb"],"software_id":"sw1","__proto__":"meta","scope":"accounts  payments","token_endpoint_auth_method":"tls_client_auth","1":"x"}',
) as Record<string, unknown>;

const record = (scope: unknown): ClientRecord =>
  ({
    client_id: 'c-1',
    client_id_issued_at: 1_700_000_000,
    software_id: 'sw1',
    org_id: 'org',
    metadata: scope === undefined ? { ...metadata, scope: undefined } : { ...metadata, scope },
    ssaClaims: flattenSsa(ssa),
    software_jwks_endpoint: 'https://dir.example/jwks',
    createdAt: '',
    updatedAt: '',
  }) as unknown as ClientRecord;

describe('clientView', () => {
  it('flattenSsa drops the JWT claims and keeps every other claim as an own property, __proto__ included', () => {
    const flat = flattenSsa(ssa);
    expect(Object.keys(flat)).toEqual(Object.keys(ssa).filter((k) => !['iss', 'iat', 'jti'].includes(k)));
    expect(Object.getPrototypeOf(flat)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(flat, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const combos: Partial<Settings>[] = [];
  for (const clientIdIssuedAtUnit of ['seconds', 'milliseconds'] as const)
    for (const timestampFormat of ['number', 'string'] as const)
      for (const scopeFormat of ['string', 'array'] as const)
        for (const managementAuth of ['client-credentials', 'registration-access-token'] as const)
          combos.push({ clientIdIssuedAtUnit, timestampFormat, scopeFormat, managementAuth });

  it.each(combos)('answers what the object spread answered, key order included: %o', (switches) => {
    const settings = { registrationPath: '/register', ...switches } as Settings;
    const ctx = { issuer: 'https://bank.example/banks/b', settings } as BankContext;
    for (const scope of ['accounts  payments', ['accounts'], undefined])
      for (const issued of [{}, { secret: 's3cret', registrationAccessToken: 'rat' }]) {
        const client = record(scope);
        const view = clientView(ctx, client, issued);
        expect(JSON.stringify(view)).toBe(JSON.stringify(spreadView(ctx.issuer, settings, client, issued)));
        expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
      }
  });
});
