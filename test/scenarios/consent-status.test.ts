import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, type RunSummary, runCatalogue, selectScenarios } from '../../scenarios/index.js';
import type { Target } from '../../scenarios/target.js';
import { keyPool, sendJson, startTppAndStubBank, type TppAndStubBank } from '../tpp-client/helpers.js';
import { stubBankTarget } from './stub-bank-target.js';

/**
 * The consent refusals against a stub bank that registers every request and issues a token to
 * every client (the token names its scope), and whose account-access-consents endpoint creates
 * the consent for a token with scope accounts (the positive twin, the `consent` baseline) and
 * answers the status the first path segment names to every other call (201: to every call). A refusal is the MUST (consent.auth); its status is RFC 6750
 * §3.1's SHOULD, and OB lets an ASPSP "return other standard HTTP status codes"
 * (consent.auth-status): another 4xx is a warning, a success a failure.
 */
let setup: TppAndStubBank;

const payload = (jws: string) =>
  JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res) => {
    const [, mode, ...rest] = req.path.split('/');
    const base = `${setup.stub.url}/${mode}`;
    const what = `/${rest.join('/')}`;
    if (what === '/.well-known/openid-configuration')
      return sendJson(res, 200, {
        issuer: base,
        registration_endpoint: `${base}/register`,
        token_endpoint: `${base}/token`,
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
        request_object_signing_alg_values_supported: ['PS256'],
        ob_organisation_id: '0015800001041REAAY',
      });
    if (what === '/register') {
      const { iss: _i, iat: _t, exp: _e, aud: _a, jti: _j, ...metadata } = payload(req.body);
      return sendJson(res, 201, { client_id: `c-${Math.random().toString(36).slice(2)}`, ...metadata });
    }
    if (what === '/token') {
      const scope = new URLSearchParams(String(req.body)).get('scope') ?? '';
      const access_token = `scope.${scope.split(' ').join('.')}.${'a'.repeat(24)}`;
      return sendJson(res, 200, { access_token, token_type: 'Bearer', expires_in: 300 });
    }
    if (what === '/open-banking/v3.1/aisp/account-access-consents') {
      const scopes = String(req.headers.authorization ?? '')
        .replace(/^Bearer /, '')
        .split('.');
      const status = scopes[0] === 'scope' && scopes.includes('accounts') ? 201 : Number(mode);
      return status === 201
        ? sendJson(res, 201, { Data: { ConsentId: 'x', Status: 'AwaitingAuthorisation' }, Risk: {} })
        : sendJson(res, status, { Code: String(status), Message: 'refused', Errors: [] });
    }
    return sendJson(res, 404, { error: 'not_found' });
  });
}, 120_000);
afterAll(async () => {
  await setup?.close();
  keyPool.close();
});

const target = (mode: string): Target => {
  const t = stubBankTarget(setup, mode);
  return { ...t, hints: { resourceBaseUrl: `${setup.stub.url}/${mode}/open-banking/v3.1` } };
};

async function consents(mode: string): Promise<RunSummary> {
  const selected = selectScenarios(CATALOGUE, ['CONSENT-scope-without-accounts', 'CONSENT-no-token'], []);
  return runCatalogue(selected, target(mode), { concurrency: 2 });
}
const byId = (s: RunSummary, id: string) => s.results.find((r) => r.id === id)!;

describe('consent refusals: refused is the MUST, the status a SHOULD', () => {
  it('401 to every call but a valid one: no token passes; a token lacking scope accounts refused with 401 is a warning', async () => {
    const s = await consents('401');
    expect(byId(s, 'CONSENT-no-token').outcome).toBe('passed');
    const scope = byId(s, 'CONSENT-scope-without-accounts');
    expect(scope.outcome).toBe('warning');
    expect(scope.expectation?.level).toBe('SHOULD');
    expect(scope.expectation?.rule?.id).toBe('consent.auth-status');
    expect(scope.expectation?.message).toMatch(/answered 401.*expected 403/);
  }, 120_000);

  it('403 to every call but a valid one: a missing token refused with 403 is a warning', async () => {
    const s = await consents('403');
    expect(byId(s, 'CONSENT-scope-without-accounts').outcome).toBe('passed');
    const none = byId(s, 'CONSENT-no-token');
    expect(none.outcome).toBe('warning');
    expect(none.expectation?.rule?.id).toBe('consent.auth-status');
  }, 120_000);

  it('201 to every call: both fail, citing the refusal (MUST)', async () => {
    const s = await consents('201');
    for (const id of ['CONSENT-scope-without-accounts', 'CONSENT-no-token']) {
      expect(byId(s, id).outcome, id).toBe('failed');
      expect(byId(s, id).expectation?.rule?.id, id).toBe('consent.auth');
      expect(byId(s, id).expectation?.message, id).toMatch(/answered 201: the call was not refused/);
    }
  }, 120_000);
});
