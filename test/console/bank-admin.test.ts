/**
 * The bank's admin listings (clients, tokens, consents) and the registration
 * checklist its message tap records — the data the console's Banks page and
 * live flow show (docs/bank.md, docs/console.md).
 */
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../lib/check-outcome.js';
import type { TappedMessage } from '../../lib/http/index.js';
import {
  call,
  onboardTpp,
  registrationClaims,
  signRequest,
  type TestSandbox,
  type TestTpp,
} from '../helpers/sandbox.js';
import {
  bankTap,
  registerWith as registerAt,
  startTwoClientBank,
  type TwoClientBank,
  tokenCall,
} from '../helpers/two-client-bank.js';

let bank: TwoClientBank;
let sb: TestSandbox;
let tpp: TestTpp;
let other: TestTpp;
let plain: Agent;
let clientId: string;
let secretClientId: string;
let clientSecret: string;
let accessToken: string;
let consentId: string;

const admin = (path: string, token: string | null = sb.directory.adminToken, method = 'GET') =>
  call(plain, method, `${sb.bank.issuer}/admin/${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

const registerWith = (t: TestTpp, overrides: Record<string, unknown> = {}) => registerAt(sb, t, overrides);

/** The bank tap's entries for POST …/register, newest last. */
const tappedRegistrations = (): Promise<TappedMessage[]> => bankTap(sb, plain, 'POST', '/register');

const resultOf = (checks: CheckOutcome[] | undefined, id: string) =>
  checks?.find((c) => c.check === id)?.result;

beforeAll(async () => {
  bank = await startTwoClientBank();
  ({ sb, tpp, other, plain, clientId, secretClientId, clientSecret } = bank);
  const token = await tokenCall(sb, tpp.agent, {
    grant_type: 'client_credentials',
    client_id: clientId,
    scope: 'accounts',
  });
  expect(token.status, token.text).toBe(200);
  accessToken = String(token.json().access_token);
  const consent = await call(
    tpp.agent,
    'POST',
    `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`,
    {
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
    },
  );
  expect(consent.status, consent.text).toBe(201);
  consentId = (consent.json().Data as { ConsentId: string }).ConsentId;
});

afterAll(async () => {
  await bank?.close();
});

describe('bank admin listings', () => {
  it('lists the registered clients newest first, the client secret only as a short fingerprint', async () => {
    const res = await admin('clients');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const page = res.json() as {
      bank: string;
      total: number;
      limit: number;
      items: Record<string, unknown>[];
    };
    expect(page).toMatchObject({ bank: sb.bank.id, total: 2, limit: 20 });
    expect(page.items.map((c) => c.client_id)).toEqual([secretClientId, clientId]);
    expect(page.items[1]).toMatchObject({
      software_id: tpp.softwareId,
      org_id: tpp.orgId,
      token_endpoint_auth_method: 'tls_client_auth',
    });
    expect(page.items[1].client_secret).toBeUndefined();
    expect(page.items[0].client_secret).toMatch(/^sha256:[0-9a-f]{12}…$/);
    expect(res.text).not.toContain(clientSecret);
    expect(res.text).not.toContain('software_statement');
  });

  it('lists issued tokens as fingerprints, never the token', async () => {
    const res = await admin('tokens');
    expect(res.status, res.text).toBe(200);
    const page = res.json() as { total: number; items: Record<string, unknown>[] };
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ client_id: clientId, scope: 'accounts', active: true });
    expect(page.items[0].token).toMatch(/^sha256:[0-9a-f]{12}…$/);
    expect(res.text).not.toContain(accessToken);
    expect(res.text).not.toContain(accessToken.slice(0, 12));
  });

  it('lists consents', async () => {
    const res = await admin('consents');
    expect(res.status, res.text).toBe(200);
    const page = res.json() as { total: number; items: Record<string, unknown>[] };
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      ConsentId: consentId,
      client_id: clientId,
      Status: 'AwaitingAuthorisation',
      Permissions: ['ReadAccountsBasic'],
    });
  });

  it('pages with a bounded limit and an opaque cursor, newest first, without gaps or repeats', async () => {
    const first = await admin('clients?limit=1');
    expect(first.status).toBe(200);
    const p1 = first.json() as { items: { client_id: string }[]; next_cursor?: string; total: number };
    expect(p1.items.map((c) => c.client_id)).toEqual([secretClientId]);
    expect(p1.total).toBe(2);
    expect(p1.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await admin(`clients?limit=1&cursor=${p1.next_cursor}`);
    const p2 = second.json() as { items: { client_id: string }[]; next_cursor?: string };
    expect(p2.items.map((c) => c.client_id)).toEqual([clientId]);
    expect(p2.next_cursor).toBeUndefined();
  });

  it('filters every listing by organisation, software id or client id (exact match, every filter given)', async () => {
    const items = async (path: string) => {
      const res = await admin(path);
      expect(res.status, res.text).toBe(200);
      const page = res.json() as { total: number; items: Record<string, unknown>[] };
      expect(page.total).toBe(page.items.length);
      return page.items;
    };
    const ids = (list: Record<string, unknown>[]) => list.map((c) => c.client_id);
    expect(ids(await items(`clients?client_id=${clientId}`))).toEqual([clientId]);
    expect(ids(await items(`clients?software_id=${other.softwareId}`))).toEqual([secretClientId]);
    expect(ids(await items(`clients?org_id=${tpp.orgId}`))).toEqual([clientId]);
    expect(ids(await items(`clients?org_id=${tpp.orgId}&software_id=${other.softwareId}`))).toEqual([]);
    expect(ids(await items('clients?client_id=no-such-client'))).toEqual([]);
    // Tokens and consents through the client that holds them.
    expect(ids(await items(`tokens?org_id=${tpp.orgId}`))).toEqual([clientId]);
    expect(ids(await items(`tokens?software_id=${other.softwareId}`))).toEqual([]);
    expect(ids(await items(`consents?client_id=${clientId}`))).toEqual([clientId]);
    expect(ids(await items(`consents?org_id=${other.orgId}`))).toEqual([]);
    // A filter and the cursor together: the cursor pages within the filtered listing.
    const first = (await admin(`clients?org_id=${tpp.orgId}&limit=1`)).json() as { next_cursor?: string };
    expect(first.next_cursor).toBeUndefined();
  });

  const refusals: [string, string | null | 'tpp-token' | 'client-secret', string, number, string][] = [
    ['no token', null, 'clients', 401, 'invalid_token'],
    ['a wrong token', 'not-the-admin-token', 'tokens', 401, 'invalid_token'],
    ['Basic instead of Bearer', 'basic', 'consents', 401, 'invalid_token'],
    ['a TPP access token', 'tpp-token', 'clients', 401, 'invalid_token'],
    ['a TPP client secret', 'client-secret', 'tokens', 401, 'invalid_token'],
    ['limit 0', 'admin', 'clients?limit=0', 400, 'invalid_request'],
    ['limit above the maximum', 'admin', 'clients?limit=101', 400, 'invalid_request'],
    ['a negative limit', 'admin', 'tokens?limit=-1', 400, 'invalid_request'],
    ['a fractional limit', 'admin', 'tokens?limit=1.5', 400, 'invalid_request'],
    ['a huge limit', 'admin', 'consents?limit=99999999999999999999', 400, 'invalid_request'],
    ['limit twice', 'admin', 'clients?limit=1&limit=2', 400, 'invalid_request'],
    ['a cursor not issued here', 'admin', 'clients?cursor=bm90LWEtY3Vyc29y', 400, 'invalid_request'],
    ['a cursor with odd characters', 'admin', 'clients?cursor=%3Cscript%3E', 400, 'invalid_request'],
    ['an empty cursor', 'admin', 'consents?cursor=', 400, 'invalid_request'],
    ['an overlong cursor', 'admin', `tokens?cursor=${'A'.repeat(600)}`, 400, 'invalid_request'],
    [
      'a cursor of the wrong shape',
      'admin',
      `clients?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      400,
      'invalid_request',
    ],
    ['an empty filter', 'admin', 'clients?client_id=', 400, 'invalid_request'],
    ['a filter given twice', 'admin', 'clients?org_id=a&org_id=b', 400, 'invalid_request'],
    ['a filter with markup', 'admin', 'tokens?software_id=%3Cscript%3E', 400, 'invalid_request'],
    ['a filter with a space', 'admin', 'consents?org_id=a%20b', 400, 'invalid_request'],
    ['an overlong filter', 'admin', `clients?client_id=${'a'.repeat(129)}`, 400, 'invalid_request'],
    ['a filter with a path', 'admin', 'clients?client_id=..%2F..%2Fetc', 400, 'invalid_request'],
    ['a filter with a NUL', 'admin', 'tokens?client_id=a%00b', 400, 'invalid_request'],
    ['POST to a listing', 'admin-post', 'clients', 405, 'method_not_allowed'],
  ];
  it.each(refusals)('refuses %s with a spec-shaped error', async (_name, who, path, status, code) => {
    const token =
      who === 'tpp-token'
        ? accessToken
        : who === 'client-secret'
          ? clientSecret
          : who === null
            ? null
            : who === 'not-the-admin-token'
              ? who
              : sb.directory.adminToken;
    const res =
      who === 'basic'
        ? await call(plain, 'GET', `${sb.bank.issuer}/admin/${path}`, {
            headers: {
              authorization: `Basic ${Buffer.from(`admin:${sb.directory.adminToken}`).toString('base64')}`,
            },
          })
        : await admin(path, token, who === 'admin-post' ? 'POST' : 'GET');
    expect(res.status, res.text).toBe(status);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(code);
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.text).not.toMatch(/at \S+\.(ts|js):\d+|node_modules|[/\\]aspsp-mock[/\\]/);
  });

  it('answers 404 for an unknown bank, and a TPP’s own credentials work only on its own routes', async () => {
    const res = await call(
      plain,
      'GET',
      `${new URL(sb.bank.issuer).origin}/banks/no-such-bank/admin/clients`,
      {
        headers: { authorization: `Bearer ${sb.directory.adminToken}` },
      },
    );
    expect(res.status).toBe(404);
    expect(res.json().error).toBe('not_found');
    // The TPP over its own mTLS with its own token: still not admin.
    const mtls = await call(tpp.agent, 'GET', `${sb.bank.issuer}/admin/clients`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(mtls.status).toBe(401);
  });

  it('leaves the store intact and the bank answering after hostile listings', async () => {
    const res = await admin('clients');
    expect((res.json() as { total: number }).total).toBe(2);
    const health = await call(plain, 'GET', `${new URL(sb.bank.issuer).origin}/health`);
    expect(health.status).toBe(200);
  });
});

describe('registration checklist in the message tap', () => {
  it('an accepted registration: every check passed or skipped by the profile, none in the response body', async () => {
    const third = await onboardTpp(sb);
    try {
      const res = await registerWith(third);
      expect(res.status, res.text).toBe(201);
      expect(res.text).not.toContain('"checks"');
      const entry = (await tappedRegistrations()).at(-1)!;
      expect(entry.status).toBe(201);
      const results = new Set(entry.checks?.map((c) => c.result));
      expect([...results].every((r) => r === 'passed' || r === 'skipped')).toBe(true);
      expect(resultOf(entry.checks, 'certificate-revocation')).toBe('passed');
      expect(resultOf(entry.checks, 'software-statement')).toBe('passed');
      expect(resultOf(entry.checks, 'jti-unused')).toBe('passed');
      // A check this profile does not make is skipped, with the switch that turns it off.
      expect(entry.checks?.find((c) => c.check === 'transport-cert-in-jwks')).toMatchObject({
        result: 'skipped',
        detail: 'profile: requireTransportCertInJwks off',
      });
      expect(entry.checks?.filter((c) => c.result === 'skipped').map((c) => c.check)).toEqual([
        'transport-cert-in-jwks',
      ]);
    } finally {
      await third.agent.close();
    }
  });

  it('a refused registration lists every check: earlier ones passed, exactly the failing one failed, later ones not reached', async () => {
    const res = await registerWith(tpp, { aud: 'someone-else' });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_client_metadata');
    expect(res.text).not.toContain('not reached');
    const entry = (await tappedRegistrations()).at(-1)!;
    expect(entry.status).toBe(400);
    const checks = entry.checks!;
    const ids = checks.map((c) => c.check);
    expect(ids).toEqual([
      'certificate-presented',
      'certificate-parses',
      'certificate-chain',
      'certificate-validity',
      'certificate-revocation',
      'request-format',
      'software-statement',
      'request-signature',
      'certificate-binding',
      'transport-cert-in-jwks',
      'claim-types',
      'issuer',
      'audience',
      'times',
      'jti',
      'redirect-uris',
      'scope',
      'subject-dn',
      'client-software',
      'organisation-room',
      'jti-unused',
    ]);
    const failed = checks.filter((c) => c.result === 'failed');
    expect(failed.map((c) => c.check)).toEqual(['audience']);
    expect(failed[0].detail).toBe(String(res.json().error_description));
    const at = ids.indexOf('audience');
    expect(checks.slice(0, at).every((c) => c.result === 'passed' || c.result === 'skipped')).toBe(true);
    expect(checks.slice(at + 1).every((c) => c.result === 'not reached')).toBe(true);
  });

  it('a registration without a client certificate fails the first check; nothing after it is reached', async () => {
    const jwt = await signRequest(
      registrationClaims(tpp, sb.bank, await tpp.ssa()),
      tpp.signing.key.privateKey,
      {
        alg: 'PS256',
        kid: tpp.signing.kid,
      },
    );
    const res = await call(plain, 'POST', `${sb.bank.issuer}/register`, {
      headers: { 'content-type': 'application/jose' },
      body: jwt,
    });
    expect(res.status).toBe(401);
    const entry = (await tappedRegistrations()).at(-1)!;
    expect(entry.checks?.[0]).toMatchObject({ check: 'certificate-presented', result: 'failed' });
    expect(entry.checks?.slice(1).every((c) => c.result === 'not reached')).toBe(true);
  });

  it('a revoked certificate: presented, parses, chains and is valid, but the revocation check failed', async () => {
    const victim = await onboardTpp(sb);
    try {
      const auth = { authorization: `Bearer ${victim.token}` };
      const certs = await call(
        plain,
        'GET',
        `${sb.directory.url}/v2.1/organisation/${victim.orgId}/software-statement/${victim.softwareId}/certificate`,
        { headers: auth },
      );
      const transport = (certs.json().keys as { kid: string; use: string }[]).find((k) => k.use === 'tls');
      const revoked = await call(
        plain,
        'DELETE',
        `${sb.directory.url}/v2.1/organisation/${victim.orgId}/certificate/kid/${transport?.kid}`,
        { headers: auth },
      );
      expect(revoked.status).toBe(204);
      // The bank refetches the CRL after the profile's crlCacheSeconds.
      await new Promise((r) => setTimeout(r, (sb.bank.ctx.settings.crlCacheSeconds + 0.2) * 1000));
      const res = await registerWith(victim);
      expect(res.status).toBe(401);
      const checks = (await tappedRegistrations()).at(-1)!.checks!;
      expect(checks.slice(0, 5).map((c) => [c.check, c.result])).toEqual([
        ['certificate-presented', 'passed'],
        ['certificate-parses', 'passed'],
        ['certificate-chain', 'passed'],
        ['certificate-validity', 'passed'],
        ['certificate-revocation', 'failed'],
      ]);
      expect(checks[4].detail).toMatch(/revoked/);
      expect(checks.slice(5).every((c) => c.result === 'not reached')).toBe(true);
    } finally {
      await victim.agent.close();
    }
  });
});
