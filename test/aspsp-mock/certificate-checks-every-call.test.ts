import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBank } from '../../aspsp-mock/index.js';
import { BANK_COLLECTIONS } from '../../aspsp-mock/model.js';
import { STRICT_OB_V33 } from '../../aspsp-mock/settings.js';
import { revokeTppCertificate } from '../helpers/revoke-certificate.js';
import {
  call,
  type HttpResult,
  onboardTpp,
  signedRegistration,
  startTestSandbox,
  type TestSandbox,
  type TestTpp,
} from '../helpers/sandbox.js';

/**
 * Standard: a security check that a call relies on runs on that call, not only when a
 * credential was issued. Every bank endpoint that relies on the client certificate or a
 * certificate-bound token is called (a) over another TPP's certificate and (b) over a
 * certificate revoked at the directory after the credential was issued (the bank's CRL cache
 * waited out), at a bank managed by access tokens (OB) and at one managed by RFC 7592
 * registration access tokens. Each call is refused, and nothing stored changes.
 */

let sb: TestSandbox;
let strict: RunningBank;
let rat: RunningBank;
/** Registered at both banks, never revoked. */
let tpp: TestTpp;
/** Another organisation's TPP: its certificate is valid, but not the one the credentials belong to. */
let other: TestTpp;
/** Registered at both banks, then its transport certificate revoked. */
let doomed: TestTpp;
/** An mTLS agent with doomed's (revoked) certificate, opened after the revocation. */
let revokedAgent: Agent;
/** An agent that presents no client certificate. */
let noCert: Agent;

interface Credentials {
  clientId: string;
  /** The client-credentials token (strict) or the registration access token (rat). */
  bearer: string;
  consentId?: string;
}
const creds: Record<string, Credentials> = {};

const form = (clientId: string) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString(),
});
const CONSENTS = '/open-banking/v3.1/aisp/account-access-consents';
const CONSENT_BODY = JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} });

async function registered(t: TestTpp, bank: RunningBank): Promise<Credentials> {
  const reg = await call(t.agent, 'POST', `${bank.issuer}/register`, {
    headers: { 'content-type': 'application/jose' },
    body: await signedRegistration(t, bank),
  });
  expect(reg.status, reg.text).toBe(201);
  const clientId = String(reg.json().client_id);
  if (bank === rat) return { clientId, bearer: String(reg.json().registration_access_token) };
  const tok = await call(t.agent, 'POST', `${bank.issuer}/token`, form(clientId));
  expect(tok.status, tok.text).toBe(200);
  const bearer = String(tok.json().access_token);
  const consent = await call(t.agent, 'POST', `${bank.issuer}${CONSENTS}`, {
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: CONSENT_BODY,
  });
  expect(consent.status, consent.text).toBe(201);
  return { clientId, bearer, consentId: String((consent.json().Data as { ConsentId: string }).ConsentId) };
}

const snapshot = () =>
  JSON.stringify(
    [strict, rat].map((b) =>
      Object.values(BANK_COLLECTIONS)
        .filter((c) => c !== BANK_COLLECTIONS.jtis)
        .map((c) => b.ctx.store.list(c)),
    ),
  );

beforeAll(async () => {
  sb = await startTestSandbox({
    banks: [
      { id: 'strict', profile: 'ob-v3.3', settings: STRICT_OB_V33 },
      {
        id: 'rat',
        profile: 'rat',
        settings: { ...STRICT_OB_V33, managementAuth: 'registration-access-token' },
      },
    ],
  });
  [strict, rat] = sb.aspsp.banks;
  [tpp, other, doomed] = await Promise.all([onboardTpp(sb), onboardTpp(sb), onboardTpp(sb)]);
  for (const [who, t] of [
    ['tpp', tpp],
    ['doomed', doomed],
  ] as const) {
    creds[`${who}@strict`] = await registered(t, strict);
    creds[`${who}@rat`] = await registered(t, rat);
  }
  expect((await revokeTppCertificate(sb, doomed)).status).toBe(204);
  // Both banks refetch the directory's CRL after crlCacheSeconds (1 s by default).
  const wait = Math.max(strict.ctx.settings.crlCacheSeconds, rat.ctx.settings.crlCacheSeconds);
  await new Promise((r) => setTimeout(r, (wait + 0.2) * 1000));
  revokedAgent = new Agent({
    connect: { ca: sb.caBundle, cert: doomed.transport.certPem, key: doomed.transport.key.privateKeyPem },
  });
  noCert = new Agent({ connect: { ca: sb.caBundle } });
}, 120_000);
afterAll(async () => {
  for (const a of [revokedAgent, noCert, tpp?.agent, other?.agent, doomed?.agent]) await a?.close();
  await sb?.close();
});

type Presented = 'another certificate' | 'revoked certificate' | 'no certificate';
interface Row {
  bank: 'strict' | 'rat';
  call: string;
  presented: Presented;
  status: number;
  error: string;
}

/** What each endpoint does with the stored credentials of `who` at `bank`. */
async function send(row: Row): Promise<HttpResult> {
  const bank = row.bank === 'strict' ? strict : rat;
  const owner = row.presented === 'revoked certificate' ? doomed : tpp;
  const c = creds[`${owner === doomed ? 'doomed' : 'tpp'}@${row.bank}`];
  const agent =
    row.presented === 'revoked certificate'
      ? revokedAgent
      : row.presented === 'no certificate'
        ? noCert
        : other.agent;
  const bearer = { authorization: `Bearer ${c.bearer}` };
  const mgmt = `${bank.issuer}/register/${c.clientId}`;
  switch (row.call) {
    case 'POST /token':
      return call(agent, 'POST', `${bank.issuer}/token`, form(c.clientId));
    case 'GET /register/{ClientId}':
      return call(agent, 'GET', mgmt, { headers: bearer });
    case 'PUT /register/{ClientId}':
      return call(agent, 'PUT', mgmt, {
        headers: { ...bearer, 'content-type': 'application/jose' },
        body: await signedRegistration(owner, bank),
      });
    case 'DELETE /register/{ClientId}':
      return call(agent, 'DELETE', mgmt, { headers: bearer });
    case `POST ${CONSENTS}`:
      return call(agent, 'POST', `${bank.issuer}${CONSENTS}`, {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: CONSENT_BODY,
      });
    case `GET ${CONSENTS}/{ConsentId}`:
      return call(agent, 'GET', `${bank.issuer}${CONSENTS}/${c.consentId}`, { headers: bearer });
    default:
      throw new Error(`no such call: ${row.call}`);
  }
}

const TOKEN_CALLS = [
  'GET /register/{ClientId}',
  'PUT /register/{ClientId}',
  'DELETE /register/{ClientId}',
  `POST ${CONSENTS}`,
  `GET ${CONSENTS}/{ConsentId}`,
];
const RAT_CALLS = ['GET /register/{ClientId}', 'PUT /register/{ClientId}', 'DELETE /register/{ClientId}'];
const rows: Row[] = [];
for (const presented of ['another certificate', 'revoked certificate'] as const) {
  rows.push({ bank: 'strict', call: 'POST /token', presented, status: 401, error: 'invalid_client' });
  for (const c of TOKEN_CALLS)
    rows.push({ bank: 'strict', call: c, presented, status: 401, error: 'invalid_token' });
  for (const c of RAT_CALLS)
    rows.push({ bank: 'rat', call: c, presented, status: 401, error: 'invalid_token' });
}
for (const c of RAT_CALLS)
  rows.push({ bank: 'rat', call: c, presented: 'no certificate', status: 401, error: 'invalid_token' });

describe('revocation and certificate binding are checked on every call that relies on them', () => {
  let before = '';
  beforeAll(() => {
    before = snapshot();
  });

  it.each(rows)('$bank: $call with $presented → $status $error', async (row) => {
    const res = await send(row);
    expect(res.status, res.text).toBe(row.status);
    expect(Object.keys(res.json()).sort()).toEqual(['error', 'error_description']);
    expect(res.json().error).toBe(row.error);
    if (row.presented === 'revoked certificate')
      expect(String(res.json().error_description)).toMatch(/\(revoked\)/);
  });

  it('stored clients, tokens and consents are unchanged, and the rightful TPP is still served', async () => {
    expect(snapshot()).toBe(before);
    for (const bank of ['strict', 'rat'] as const) {
      const c = creds[`tpp@${bank}`];
      const b = bank === 'strict' ? strict : rat;
      const res = await call(tpp.agent, 'GET', `${b.issuer}/register/${c.clientId}`, {
        headers: { authorization: `Bearer ${c.bearer}` },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.json().client_id).toBe(c.clientId);
    }
    expect((await call(noCert, 'GET', `${new URL(strict.issuer).origin}/health`)).status).toBe(200);
  });
});
