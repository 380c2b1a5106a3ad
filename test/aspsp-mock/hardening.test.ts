import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS, type JtiRecord, type TokenRecord } from '../../aspsp-mock/model.js';
import { purgeExpired } from '../../aspsp-mock/purge-expired.js';
import { revokeTppCertificate } from '../helpers/revoke-certificate.js';
import {
  call,
  onboardTpp,
  register,
  registrationClaims,
  signedRegistration,
  signRequest,
  type TestTpp,
} from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

const sb = useTestSandbox();
const tpp = useTestTpp(sb);

const sign = (t: TestTpp, overrides: Record<string, unknown> = {}) =>
  signedRegistration(t, sb.bank, { overrides });

async function clientWithToken(t: TestTpp): Promise<{ clientId: string; bearer: Record<string, string> }> {
  const reg = await register(t, sb.bank, await sign(t));
  expect(reg.status, reg.text).toBe(201);
  const clientId = String(reg.json().client_id);
  const tok = await call(t.agent, 'POST', `${sb.bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString(),
  });
  expect(tok.status, tok.text).toBe(200);
  return { clientId, bearer: { authorization: `Bearer ${String(tok.json().access_token)}` } };
}

describe('finding 1: a revoked transport certificate stops working on every route at once', () => {
  it('GET/PUT/DELETE /register/{id}, consents and /token refuse a token presented with a certificate revoked after it was issued', async () => {
    const t = await onboardTpp(sb);
    const { clientId, bearer } = await clientWithToken(t);
    const mgmt = `${sb.bank.issuer}/register/${clientId}`;
    const consents = `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
    const consentBody = JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} });
    expect((await call(t.agent, 'GET', mgmt, { headers: bearer })).status).toBe(200);

    // Revoke the transport certificate at the directory.
    const revoked = await revokeTppCertificate(sb, t);
    expect(revoked.status).toBe(204);
    // The bank refetches the CRL after the profile's crlCacheSeconds (1 s by default).
    await new Promise((r) => setTimeout(r, (sb.bank.ctx.settings.crlCacheSeconds + 0.2) * 1000));

    // A new TLS connection with the revoked certificate, the token it got while valid.
    const fresh = new Agent({
      connect: { ca: sb.caBundle, cert: t.transport.certPem, key: t.transport.key.privateKeyPem },
    });
    try {
      const responses = [
        await call(fresh, 'GET', mgmt, { headers: bearer }),
        await call(fresh, 'PUT', mgmt, {
          headers: { ...bearer, 'content-type': 'application/jose' },
          body: await sign(t),
        }),
        await call(fresh, 'POST', consents, {
          headers: { ...bearer, 'content-type': 'application/json' },
          body: consentBody,
        }),
        await call(fresh, 'GET', `${consents}/urn-obmock-intent-${randomUUID()}`, { headers: bearer }),
        await call(fresh, 'DELETE', mgmt, { headers: bearer }),
      ];
      for (const res of responses) {
        expect(res.status, res.text).toBe(401);
        expect(res.json()).toEqual({
          error: 'invalid_token',
          error_description: expect.stringMatching(
            /^client certificate rejected \(revoked\): certificate [0-9a-f]+ was revoked/,
          ),
        });
      }
      const token = await call(fresh, 'POST', `${sb.bank.issuer}/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString(),
      });
      expect(token.status).toBe(401);
      expect(token.json().error).toBe('invalid_client');
      // The registration is still there: the DELETE was refused.
      expect(sb.bank.ctx.store.get(BANK_COLLECTIONS.clients, clientId)).toBeDefined();
    } finally {
      await fresh.close();
      await t.agent.close();
    }
  });
});

describe('finding 10: redirect URIs the bank refuses (RFC 6749 §3.1.2), invalid_redirect_uri', () => {
  it.each([
    ['CRLF header injection', 'https://tpp.example.com/cb\r\nSet-Cookie: a=b'],
    ['a bare LF', 'https://tpp.example.com/cb\nx'],
    ['a tab', 'https://tpp.example.com/c\tb'],
    ['U+2028', 'https://tpp.example.com/cb\u2028x'],
    ['a space', 'https://tpp.example.com/c b'],
    ['userinfo', 'https://user:pw@tpp.example.com/cb'],
    ['userinfo without a password', 'https://user@tpp.example.com/cb'],
    ['a fragment', 'https://tpp.example.com/cb#frag'],
    ['an empty fragment', 'https://tpp.example.com/cb#'],
    ['a NUL', 'https://tpp.example.com/cb\u0000'],
    ['a right-to-left override', 'https://tpp.example.com/c\u202eb'],
    ['an isolate', 'https://tpp.example.com/c\u2066b'],
  ])('%s', async (_name, uri) => {
    const res = await register(tpp, sb.bank, await sign(tpp, { redirect_uris: [uri] }));
    expect(res.status, res.text).toBe(400);
    expect(res.json().error).toBe('invalid_redirect_uri');
    expect(String(res.json().error_description)).toMatch(/^redirect_uris\[0\] must /);
  });
});

describe('finding 6: expired access tokens and jtis are purged', () => {
  it('deletes what expired, keeps what is live', async () => {
    const store = sb.bank.ctx.store;
    const now = Math.floor(Date.now() / 1000);
    const token = (hash: string, expiresAt: number): TokenRecord => ({
      hash,
      client_id: 'c',
      scope: 'accounts',
      x5tS256: 'x',
      expiresAt,
    });
    await store.put(BANK_COLLECTIONS.tokens, 'expired-token', token('expired-token', now - 10));
    await store.put(BANK_COLLECTIONS.tokens, 'live-token', token('live-token', now + 3600));
    await store.put<JtiRecord>(BANK_COLLECTIONS.jtis, 'register:old', {
      key: 'register:old',
      expiresAt: now - 1,
    });
    await store.put<JtiRecord>(BANK_COLLECTIONS.jtis, 'register:new', {
      key: 'register:new',
      expiresAt: now + 60,
    });
    expect(await purgeExpired(sb.bank.ctx)).toBeGreaterThanOrEqual(2);
    expect(store.get(BANK_COLLECTIONS.tokens, 'expired-token')).toBeUndefined();
    expect(store.get(BANK_COLLECTIONS.jtis, 'register:old')).toBeUndefined();
    expect(store.get(BANK_COLLECTIONS.tokens, 'live-token')).toBeDefined();
    expect(store.get(BANK_COLLECTIONS.jtis, 'register:new')).toBeDefined();
    const now2 = Math.floor(Date.now() / 1000);
    for (const t of store.list<TokenRecord>(BANK_COLLECTIONS.tokens))
      expect(t.expiresAt).toBeGreaterThanOrEqual(now2);
    for (const j of store.list<JtiRecord>(BANK_COLLECTIONS.jtis))
      expect(j.expiresAt).toBeGreaterThanOrEqual(now2);
  });

  it('a purged registration jti was past its expiry, so a replay of that request is still refused by its exp', async () => {
    const claims = registrationClaims(tpp, sb.bank, await tpp.ssa(), { jti: randomUUID() });
    const jwt = await signRequest(claims, tpp.signing.key.privateKey, { alg: 'PS256', kid: tpp.signing.kid });
    expect((await register(tpp, sb.bank, jwt)).status).toBe(201);
    await purgeExpired(sb.bank.ctx); // the jti is live: kept
    const again = await register(tpp, sb.bank, jwt);
    expect(again.status).toBe(400);
    expect(again.json().error).toBe('invalid_client_metadata');
  });
});
