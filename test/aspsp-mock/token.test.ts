import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  call,
  register,
  registrationClaims,
  signedRegistration,
  signRequest,
  type TestTpp,
} from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

const sb = useTestSandbox();
const [tpp, other] = useTestTpps(sb, [{}, {}]);

async function registerWith(
  t: TestTpp,
  overrides: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await register(t, sb.bank, await signedRegistration(t, sb.bank, { overrides }));
  expect(res.status, res.text).toBe(201);
  return res.json();
}

const form = (params: Record<string, string>, extra: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
  body: new URLSearchParams(params).toString(),
});
const tokenUrl = () => `${sb.bank.issuer}/token`;
const assertion = (t: TestTpp, clientId: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({ iss: clientId, sub: clientId, aud: tokenUrl(), jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'PS256', kid: t.signing.kid })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(t.signing.key.privateKey);
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('token endpoint: client_credentials with each auth method', () => {
  it('client_secret_basic: 201 with a 36-char secret, token 200; wrong secret 401', async () => {
    const client = await registerWith(tpp, {
      token_endpoint_auth_method: 'client_secret_basic',
      tls_client_auth_subject_dn: undefined,
    });
    expect(String(client.client_secret)).toHaveLength(36);
    expect(client.client_secret_expires_at).toBe(0);
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(String(client.client_id))}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const ok = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form(
        { grant_type: 'client_credentials', scope: 'accounts' },
        { authorization: basic(String(client.client_secret)) },
      ),
    );
    expect(ok.status, ok.text).toBe(200);
    // RFC 6749 §5.1: no-store, no-cache; a JSON body of its exact length.
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers.pragma).toBe('no-cache');
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(ok.headers['content-length'])).toBe(Buffer.byteLength(ok.text, 'utf8'));
    expect(Object.keys(ok.json())).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(ok.json()).toMatchObject({ token_type: 'Bearer', scope: 'accounts' });
    const wrong = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form({ grant_type: 'client_credentials' }, { authorization: basic('nope') }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_client', error_description: 'client secret is wrong' });
    expect(wrong.headers['www-authenticate']).toBe('Basic');
  });

  it('client_secret_post: token 200; secret in the wrong place (post vs basic) 401', async () => {
    const client = await registerWith(tpp, {
      token_endpoint_auth_method: 'client_secret_post',
      tls_client_auth_subject_dn: undefined,
    });
    const ok = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
        client_secret: String(client.client_secret),
      }),
    );
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json().scope).toBe('accounts payments openid');
    const basic = `Basic ${Buffer.from(`${String(client.client_id)}:${String(client.client_secret)}`).toString('base64')}`;
    const wrongPlace = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form({ grant_type: 'client_credentials' }, { authorization: basic }),
    );
    expect(wrongPlace.status).toBe(401);
    expect(wrongPlace.json().error_description).toBe(
      'client is registered for client_secret_post, not client_secret_basic',
    );
  });

  it('private_key_jwt: token 200; replayed assertion, wrong audience, foreign key → 401', async () => {
    const client = await registerWith(tpp, {
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      tls_client_auth_subject_dn: undefined,
    });
    const id = String(client.client_id);
    const a = await assertion(tpp, id);
    const params = (x: string) => ({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: x,
    });
    const ok = await call(tpp.agent, 'POST', tokenUrl(), form(params(a)));
    expect(ok.status, ok.text).toBe(200);
    const replay = await call(tpp.agent, 'POST', tokenUrl(), form(params(a)));
    expect(replay.status).toBe(401);
    expect(replay.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client_assertion jti has already been used',
    });
    const wrongAud = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form(params(await assertion(tpp, id, { aud: 'https://elsewhere.example/token' }))),
    );
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.json().error_description).toBe(
      `client_assertion aud must be the token endpoint ${tokenUrl()}`,
    );
    const foreign = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form(
        params(
          await new SignJWT({ iss: id, sub: id, aud: tokenUrl(), jti: randomUUID() })
            .setProtectedHeader({ alg: 'PS256', kid: tpp.signing.kid })
            .setExpirationTime('5m')
            .sign(other.signing.key.privateKey),
        ),
      ),
    );
    expect(foreign.status).toBe(401);
    expect(foreign.json().error_description).toBe('client_assertion signature does not verify');
  });

  it('tls_client_auth: token bound to the certificate; another certificate is refused, and the token is useless with it', async () => {
    const client = await registerWith(tpp, {});
    const id = String(client.client_id);
    const ok = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form({ grant_type: 'client_credentials', client_id: id, scope: 'accounts' }),
    );
    expect(ok.status, ok.text).toBe(200);
    // The registered DN is parsed once and remembered: a second request still compares it with
    // the certificate presented (the same certificate passes again, another is refused each time).
    const again = await call(
      tpp.agent,
      'POST',
      tokenUrl(),
      form({ grant_type: 'client_credentials', client_id: id, scope: 'accounts' }),
    );
    expect(again.status, again.text).toBe(200);
    for (let i = 0; i < 2; i++) {
      const unbound = await call(
        other.agent,
        'POST',
        tokenUrl(),
        form({ grant_type: 'client_credentials', client_id: id }),
      );
      expect(unbound.status).toBe(401);
      expect(unbound.json()).toEqual({
        error: 'invalid_client',
        error_description:
          'client certificate subject does not match the registered tls_client_auth_subject_dn',
      });
    }
    const bearer = {
      authorization: `Bearer ${String(ok.json().access_token)}`,
      'content-type': 'application/json',
    };
    const consentUrl = `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
    const body = JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} });
    const stolen = await call(other.agent, 'POST', consentUrl, { headers: bearer, body });
    expect(stolen.status).toBe(401);
    expect(stolen.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is bound to another client certificate (cnf.x5t#S256)',
    });
    const own = await call(tpp.agent, 'POST', consentUrl, { headers: bearer, body });
    expect(own.status).toBe(201);
  });

  it('RFC 6749 errors: unsupported grant, missing grant, scope not registered, unknown client', async () => {
    const client = await registerWith(tpp, { scope: 'accounts' });
    const id = String(client.client_id);
    const cases: [Record<string, string>, number, string][] = [
      [{ grant_type: 'password', client_id: id }, 400, 'unsupported_grant_type'],
      [{ client_id: id }, 400, 'invalid_request'],
      [{ grant_type: 'client_credentials', client_id: id, scope: 'payments' }, 400, 'invalid_scope'],
      [{ grant_type: 'client_credentials', client_id: randomUUID() }, 401, 'invalid_client'],
      [{ grant_type: 'client_credentials' }, 401, 'invalid_client'],
    ];
    for (const [params, status, error] of cases) {
      const res = await call(tpp.agent, 'POST', tokenUrl(), form(params));
      expect([res.status, res.json().error]).toEqual([status, error]);
    }
    const json = await call(tpp.agent, 'POST', tokenUrl(), {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });
});

describe('registration management authorisation', () => {
  it('401 without a token (DCR-007), 403 with another client token, 401 + token revoked for an unknown client', async () => {
    const mine = await registerWith(tpp, {});
    const theirs = await registerWith(other, {});
    const tok = async (t: TestTpp, id: unknown) =>
      (
        await call(
          t.agent,
          'POST',
          tokenUrl(),
          form({ grant_type: 'client_credentials', client_id: String(id) }),
        )
      ).json().access_token;
    const myToken = await tok(tpp, mine.client_id);
    const empty = await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${String(mine.client_id)}`, {
      headers: { authorization: 'Bearer ' },
    });
    expect(empty.status).toBe(401);
    expect(empty.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const cross = await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${String(theirs.client_id)}`, {
      headers: { authorization: `Bearer ${myToken}` },
    });
    expect(cross.status).toBe(403);
    expect(cross.json().error).toBe('access_denied');
    const unknown = await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${randomUUID()}`, {
      headers: { authorization: `Bearer ${myToken}` },
    });
    expect(unknown.status).toBe(401);
    const revokedNow = await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${String(mine.client_id)}`, {
      headers: { authorization: `Bearer ${myToken}` },
    });
    expect(revokedNow.status).toBe(401);
    expect(revokedNow.json().error_description).toBe('the access token is not valid');
  });

  it('PUT with a request for another software is refused; DELETE then PUT → 401 (DCR-009)', async () => {
    const mine = await registerWith(tpp, {});
    const id = String(mine.client_id);
    const token = (
      await call(tpp.agent, 'POST', tokenUrl(), form({ grant_type: 'client_credentials', client_id: id }))
    ).json().access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/jose' };
    const foreign = await signRequest(
      registrationClaims(other, sb.bank, await other.ssa()),
      other.signing.key.privateKey,
      { alg: 'PS256', kid: other.signing.kid },
    );
    const wrongSoftware = await call(tpp.agent, 'PUT', `${sb.bank.issuer}/register/${id}`, {
      headers,
      body: foreign,
    });
    expect(wrongSoftware.status).toBe(400);
    expect(wrongSoftware.json().error).toBe('unapproved_software_statement');
    expect((await call(tpp.agent, 'DELETE', `${sb.bank.issuer}/register/${id}`, { headers })).status).toBe(
      204,
    );
    const own = await signRequest(
      registrationClaims(tpp, sb.bank, await tpp.ssa()),
      tpp.signing.key.privateKey,
      { alg: 'PS256', kid: tpp.signing.kid },
    );
    const put = await call(tpp.agent, 'PUT', `${sb.bank.issuer}/register/${id}`, { headers, body: own });
    expect(put.status).toBe(401);
  });
});
