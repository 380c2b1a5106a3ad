/**
 * The checks the bank's message tap records for the token endpoint, the
 * registration management routes and consents — what the console's live flow
 * shows when the bank refuses (docs/bank.md "Checks in the message tap").
 */
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../lib/check-outcome.js';
import type { TappedMessage } from '../../lib/http/index.js';
import { call, type TestSandbox, type TestTpp } from '../helpers/sandbox.js';
import {
  bankTap,
  startTwoClientBank,
  type TwoClientBank,
  tokenCall as tokenCallAt,
} from '../helpers/two-client-bank.js';

let bank: TwoClientBank;
let sb: TestSandbox;
let tpp: TestTpp;
let other: TestTpp;
let plain: Agent;
let clientId: string;
let otherClientId: string;
let otherSecret: string;
let accessToken: string;
let otherToken: string;

const TOKEN_IDS = [
  'parameters',
  'grant-type',
  'certificate-presented',
  'certificate-parses',
  'certificate-chain',
  'certificate-validity',
  'certificate-revocation',
  'client-credential',
  'client-known',
  'auth-method',
  'client-authenticated',
  'certificate-binding',
  'client-grant',
  'scope',
];

const MANAGEMENT_IDS = [
  'access-token-presented',
  'access-token-known',
  'access-token-unexpired',
  'token-binding',
  'token-certificate',
  'client-registered',
  'client-match',
  'management-scope',
  'registration-access-token',
  'management-certificate',
  'management-certificate-binding',
];
/** The checks of RFC 7592 management (registration access token), skipped at a bank managed by access tokens. */
const RAT_IDS = MANAGEMENT_IDS.slice(-3);

const tokenCall = (agent: Agent, form: Record<string, string>, headers: Record<string, string> = {}) =>
  tokenCallAt(sb, agent, form, headers);

/** The checks of the bank tap's newest entry for this method and path. */
async function tappedChecks(method: string, path: string): Promise<TappedMessage> {
  const entry = (await bankTap(sb, plain, method, path)).at(-1);
  expect(entry, `no tap entry for ${method} ${path}`).toBeDefined();
  return entry!;
}

/** Exactly `failed` failed; every check before it passed or was skipped; every one after it not reached. */
function expectRefusedAt(checks: CheckOutcome[] | undefined, ids: string[], failed: string): CheckOutcome {
  expect(checks?.map((c) => c.check)).toEqual(ids);
  const list = checks!;
  expect(list.filter((c) => c.result === 'failed').map((c) => c.check)).toEqual([failed]);
  const at = ids.indexOf(failed);
  for (const c of list.slice(0, at)) expect(['passed', 'skipped'], c.check).toContain(c.result);
  for (const c of list.slice(at + 1)) expect(c.result, c.check).toBe('not reached');
  return list[at];
}

beforeAll(async () => {
  bank = await startTwoClientBank();
  ({ sb, tpp, other, plain, clientId } = bank);
  otherClientId = bank.secretClientId;
  otherSecret = bank.clientSecret;
  const t1 = await tokenCall(tpp.agent, { grant_type: 'client_credentials', client_id: clientId });
  expect(t1.status, t1.text).toBe(200);
  accessToken = String(t1.json().access_token);
  const basic = Buffer.from(`${otherClientId}:${otherSecret}`).toString('base64');
  const t2 = await tokenCall(
    other.agent,
    { grant_type: 'client_credentials' },
    { authorization: `Basic ${basic}` },
  );
  expect(t2.status, t2.text).toBe(200);
  otherToken = String(t2.json().access_token);
});

afterAll(async () => {
  await bank?.close();
});

describe('token endpoint checks in the message tap', () => {
  it('an issued token: every check passed or skipped, none in the response body', async () => {
    const res = await tokenCall(tpp.agent, { grant_type: 'client_credentials', client_id: clientId });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain('"checks"');
    const { checks } = await tappedChecks('POST', '/token');
    expect(checks?.map((c) => c.check)).toEqual(TOKEN_IDS);
    for (const c of checks!) expect(['passed', 'skipped'], c.check).toContain(c.result);
    expect(checks?.find((c) => c.check === 'client-authenticated')?.result).toBe('passed');
  });

  it('an unsupported grant type fails the first check; nothing after it is reached', async () => {
    const res = await tokenCall(tpp.agent, { grant_type: 'password', client_id: clientId });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('unsupported_grant_type');
    const failed = expectRefusedAt((await tappedChecks('POST', '/token')).checks, TOKEN_IDS, 'grant-type');
    expect(failed.detail).toBe(String(res.json().error_description));
  });

  it('no client certificate: the grant type passed, certificate-presented failed', async () => {
    const res = await tokenCall(plain, { grant_type: 'client_credentials', client_id: clientId });
    expect(res.status).toBe(401);
    expect(res.json().error).toBe('invalid_client');
    expectRefusedAt((await tappedChecks('POST', '/token')).checks, TOKEN_IDS, 'certificate-presented');
  });

  it('a wrong client secret (client_secret_basic): the credential is known and of its method, but fails to authenticate', async () => {
    const basic = Buffer.from(`${otherClientId}:not-the-secret`).toString('base64');
    const res = await tokenCall(
      other.agent,
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(401);
    expect(res.json().error).toBe('invalid_client');
    const failed = expectRefusedAt(
      (await tappedChecks('POST', '/token')).checks,
      TOKEN_IDS,
      'client-authenticated',
    );
    expect(failed.detail).toBe('client secret is wrong');
    expect(JSON.stringify(await tappedChecks('POST', '/token'))).not.toContain('not-the-secret');
  });

  it('tls_client_auth for a client registered for client_secret_basic: the auth method check fails', async () => {
    const res = await tokenCall(other.agent, { grant_type: 'client_credentials', client_id: otherClientId });
    expect(res.status).toBe(401);
    const failed = expectRefusedAt((await tappedChecks('POST', '/token')).checks, TOKEN_IDS, 'auth-method');
    expect(failed.detail).toMatch(/registered for client_secret_basic, not tls_client_auth/);
  });

  it('an unknown client_id: client-known fails', async () => {
    const res = await tokenCall(tpp.agent, { grant_type: 'client_credentials', client_id: 'nobody' });
    expect(res.status).toBe(401);
    expectRefusedAt((await tappedChecks('POST', '/token')).checks, TOKEN_IDS, 'client-known');
  });

  it('a scope the client did not register: only the last check fails', async () => {
    const res = await tokenCall(tpp.agent, {
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: 'payments-of-others',
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_scope');
    expectRefusedAt((await tappedChecks('POST', '/token')).checks, TOKEN_IDS, 'scope');
  });
});

describe('registration management checks in the message tap', () => {
  const manage = (agent: Agent, id: string, token?: string) =>
    call(agent, 'GET', `${sb.bank.issuer}/register/${id}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('a read of its own registration: every check passed, the other auth mode skipped', async () => {
    const res = await manage(tpp.agent, clientId, accessToken);
    expect(res.status, res.text).toBe(200);
    const { checks } = await tappedChecks('GET', `/register/${clientId}`);
    expect(checks?.map((c) => c.check)).toEqual(MANAGEMENT_IDS);
    for (const id of RAT_IDS) expect(checks?.find((c) => c.check === id)?.result).toBe('skipped');
    for (const c of checks!) expect(['passed', 'skipped'], c.check).toContain(c.result);
  });

  it('no access token: the first check fails', async () => {
    const res = await manage(tpp.agent, clientId);
    expect(res.status).toBe(401);
    const { checks } = await tappedChecks('GET', `/register/${clientId}`);
    expect(checks?.slice(-3).map((c) => [c.check, c.result])).toEqual(RAT_IDS.map((id) => [id, 'skipped']));
    expectRefusedAt(checks?.slice(0, -3), MANAGEMENT_IDS.slice(0, -3), 'access-token-presented');
  });

  it('a token presented over another client certificate: the token binding fails', async () => {
    const res = await manage(other.agent, clientId, accessToken);
    expect(res.status).toBe(401);
    expect(res.json().error).toBe('invalid_token');
    const { checks } = await tappedChecks('GET', `/register/${clientId}`);
    expectRefusedAt(checks?.slice(0, -3), MANAGEMENT_IDS.slice(0, -3), 'token-binding');
  });

  it('another client’s token for this client: the token is valid but client-match fails (403)', async () => {
    const res = await manage(other.agent, clientId, otherToken);
    expect(res.status).toBe(403);
    const { checks } = await tappedChecks('GET', `/register/${clientId}`);
    expectRefusedAt(checks?.slice(0, -3), MANAGEMENT_IDS.slice(0, -3), 'client-match');
  });

  it('an unknown token: access-token-known fails', async () => {
    const res = await manage(tpp.agent, clientId, 'bm90LWEtdG9rZW4');
    expect(res.status).toBe(401);
    const { checks } = await tappedChecks('GET', `/register/${clientId}`);
    expectRefusedAt(checks?.slice(0, -3), MANAGEMENT_IDS.slice(0, -3), 'access-token-known');
  });
});

describe('consent checks in the message tap', () => {
  it('another client’s consent id: the token checks pass, consent-owner fails (404)', async () => {
    const path = '/open-banking/v3.1/aisp/account-access-consents/urn-obmock-intent-none';
    const res = await call(tpp.agent, 'GET', `${sb.bank.issuer}${path}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(404);
    const { checks } = await tappedChecks('GET', path);
    const ids = checks!.map((c) => c.check);
    expect(ids.slice(-3)).toEqual(['token-scope', 'consent-request', 'consent-owner']);
    expect(checks?.find((c) => c.check === 'consent-request')?.result).toBe('skipped');
    expectRefusedAt(
      checks!.filter((c) => c.check !== 'consent-request'),
      ids.filter((c) => c !== 'consent-request'),
      'consent-owner',
    );
  });

  it('a malformed consent request: consent-request fails after the token checks passed', async () => {
    const path = '/open-banking/v3.1/aisp/account-access-consents';
    const res = await call(tpp.agent, 'POST', `${sb.bank.issuer}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Data: { Permissions: ['ReadEverything'] }, Risk: {} }),
    });
    expect(res.status).toBe(400);
    const { checks } = await tappedChecks('POST', path);
    const ids = checks!.map((c) => c.check);
    expectRefusedAt(checks, ids, 'consent-request');
    expect(ids.at(-1)).toBe('consent-owner');
  });
});
