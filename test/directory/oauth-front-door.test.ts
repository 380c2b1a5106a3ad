import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, type KeyPair } from '../../certs/index.js';
import { createHttpClient, directoryCall, getDirectoryToken } from '../../tpp-client/index.js';
import {
  call,
  register,
  registrationClaims,
  sandboxKeys,
  signRequest,
  startTestSandbox,
  type TestSandbox,
  type TestTpp,
} from '../helpers/sandbox.js';

/**
 * Onboarding through the directory's OAuth front door, as code written for
 * the real OB directory does: the organisation's OAuth client bound to its
 * OBWAC, a private_key_jwt client-credentials token over mTLS, then the
 * software statement, CSRs, SSA and a registration at a bank with that
 * token only — no admin token after the organisation is created.
 */
let sb: TestSandbox;
let orgId = '';
let bootstrapToken = '';
let wacKey: KeyPair;
let wacPem = '';
let wacAgent: Agent;
let plain: Agent;
let meta: Record<string, unknown> = {};
let clientId = '';

const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
const form = (o: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString(),
});

function assertion(overrides: Record<string, unknown> = {}, key = wacKey.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: String(meta.token_endpoint),
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...overrides,
  })
    .setProtectedHeader({ alg: 'PS256' })
    .sign(key);
}

async function token(scope: string, agent = wacAgent) {
  return call(
    agent,
    'POST',
    String(meta.token_endpoint),
    form({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(),
    }),
  );
}

beforeAll(async () => {
  sb = await startTestSandbox();
  plain = new Agent({ connect: { ca: sb.caBundle } });
  // The only admin-token call: the organisation is created (the real directory does this at enrolment).
  const org = (
    await call(plain, 'POST', `${sb.directory.url}/admin/organisations`, {
      headers: { authorization: `Bearer ${sb.directory.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        OrganisationName: 'Front Door TPP',
        OrganisationType: 'tpp',
        Roles: ['AISP', 'PISP'],
        LegalName: 'Front Door TPP Ltd',
      }),
    })
  ).json();
  orgId = String(org.OrganisationId);
  bootstrapToken = String(org.AccessToken);
  wacKey = await sandboxKeys.take();
  const wac = await call(plain, 'POST', `${sb.directory.url}/v2.1/organisation/${orgId}/certificate/obwac`, {
    headers: { authorization: `Bearer ${bootstrapToken}`, 'content-type': 'application/x-pem-file' },
    body: createCsr({
      key: wacKey,
      subject: [
        { name: 'C', value: 'GB' },
        { name: 'O', value: 'Front Door TPP Ltd' },
        { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
        { name: 'CN', value: orgId },
      ],
    }),
  });
  expect(wac.status, wac.text).toBe(201);
  wacPem = pem((wac.json().x5c as string[])[0]);
  wacAgent = new Agent({ connect: { ca: sb.caBundle, cert: wacPem, key: wacKey.privateKeyPem } });
});
afterAll(async () => {
  await wacAgent?.close();
  await plain?.close();
  await sb?.close();
});

describe('directory authorisation server', () => {
  it('publishes RFC 8414 metadata at {issuer}/.well-known/openid-configuration', async () => {
    expect(sb.directory.authorisationServer).toBe(`${sb.directory.url}/.well-known/openid-configuration`);
    const res = await call(plain, 'GET', sb.directory.authorisationServer);
    expect(res.status).toBe(200);
    meta = res.json();
    expect(meta).toMatchObject({
      issuer: sb.directory.url,
      token_endpoint: `${sb.directory.url}/as/token.oauth2`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      token_endpoint_auth_signing_alg_values_supported: ['PS256'],
      tls_client_certificate_bound_access_tokens: true,
    });
    expect(meta.scopes_supported).toEqual(['TPPReadAccess', 'TPPManage', 'ASPSPReadAccess', 'ASPSPManage']);
    expect(meta).not.toHaveProperty('authorization_endpoint');
  });

  it('binds the organisation OAuth client to its OBWAC (PUT /v2.1/oauth/{OrganisationId})', async () => {
    const none = await call(plain, 'GET', `${sb.directory.url}/v2.1/oauth/${orgId}`, {
      headers: { authorization: `Bearer ${bootstrapToken}` },
    });
    expect(none.status).toBe(204);
    const put = await call(plain, 'PUT', `${sb.directory.url}/v2.1/oauth/${orgId}`, {
      headers: { authorization: `Bearer ${bootstrapToken}`, 'content-type': 'application/x-pem-file' },
      body: wacPem,
    });
    expect(put.status, put.text).toBe(200);
    const client = put.json();
    clientId = String(client.ClientID);
    expect(clientId).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(client.ClientCertSubjectDn).toContain(`CN=${orgId}`);
    expect(client.ClientCertIssuerDn).toContain('obmock Issuing CA');
  });

  it('refuses to bind a certificate that is not one of its OBWAC/QWACs', async () => {
    const res = await call(plain, 'PUT', `${sb.directory.url}/v2.1/oauth/${orgId}`, {
      headers: { authorization: `Bearer ${bootstrapToken}`, 'content-type': 'application/x-pem-file' },
      body: sb.caBundle,
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_request');
  });

  it('issues a certificate-bound token for private_key_jwt over mTLS, and for tls_client_auth', async () => {
    const res = await token('TPPReadAccess TPPManage');
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'Bearer', scope: 'TPPReadAccess TPPManage' });
    const tls = await call(
      wacAgent,
      'POST',
      String(meta.token_endpoint),
      form({ grant_type: 'client_credentials', client_id: clientId }),
    );
    expect(tls.status, tls.text).toBe(200);
    expect(tls.json().scope).toBe('TPPReadAccess TPPManage ASPSPReadAccess');
  });

  it.each([
    ['no client certificate', () => plain, {}, 401, 'invalid_client'],
    ['an assertion reused', () => wacAgent, { reuse: true }, 401, 'invalid_client'],
    ['an assertion signed by another key', () => wacAgent, { otherKey: true }, 401, 'invalid_client'],
    ['a scope a TPP may not hold', () => wacAgent, { scope: 'ASPSPManage' }, 400, 'invalid_scope'],
    ['an unknown scope', () => wacAgent, { scope: 'Everything' }, 400, 'invalid_scope'],
    ['another grant type', () => wacAgent, { grant: 'password' }, 400, 'unsupported_grant_type'],
  ] as const)('token request with %s is refused', async (_what, agent, opt, status, error) => {
    const o = opt as { reuse?: boolean; otherKey?: boolean; scope?: string; grant?: string };
    const a = await assertion({}, o.otherKey ? (await sandboxKeys.take()).privateKey : wacKey.privateKey);
    const body = {
      grant_type: o.grant ?? 'client_credentials',
      scope: o.scope ?? 'TPPReadAccess',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: a,
    };
    if (o.reuse)
      expect((await call(agent(), 'POST', String(meta.token_endpoint), form(body))).status).toBe(200);
    const res = await call(agent(), 'POST', String(meta.token_endpoint), form(body));
    expect(res.status, res.text).toBe(status);
    expect(res.json().error).toBe(error);
  });
});

describe('onboarding through the front door, no admin token', () => {
  let access = '';
  let softwareId = '';
  const tpp = {} as TestTpp;

  const api = (
    method: string,
    path: string,
    opts: { body?: string; type?: string; agent?: Agent; bearer?: string } = {},
  ) =>
    call(opts.agent ?? wacAgent, method, `${sb.directory.url}/v2.1/organisation/${orgId}${path}`, {
      headers: {
        authorization: `Bearer ${opts.bearer ?? access}`,
        ...(opts.type ? { 'content-type': opts.type } : {}),
      },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });

  beforeAll(async () => {
    access = String((await token('TPPReadAccess TPPManage')).json().access_token);
  });

  it('creates a software statement, uploads CSRs, fetches the SSA and registers at a bank', async () => {
    const ss = await api('POST', '/software-statement', {
      type: 'application/json',
      body: JSON.stringify({
        ClientName: 'Front door app',
        RedirectUri: ['https://tpp.example.com/cb'],
        Roles: ['AISP', 'PISP'],
      }),
    });
    expect(ss.status, ss.text).toBe(201);
    softwareId = String(ss.json().Id);
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'OpenBanking' },
      { name: 'OU', value: orgId },
      { name: 'CN', value: softwareId },
    ];
    const [tKey, sKey] = await Promise.all([sandboxKeys.take(), sandboxKeys.take()]);
    const upload = async (type: string, key: KeyPair) => {
      const res = await api('POST', `/software-statement/${softwareId}/certificate/${type}`, {
        type: 'application/x-pem-file',
        body: createCsr({ key, subject }),
      });
      expect(res.status, res.text).toBe(201);
      return res.json();
    };
    const t = await upload('obtransport', tKey);
    const s = await upload('obsigning', sKey);
    const ssa = await api('GET', `/software-statement/${softwareId}/software-statement-assertion`);
    expect(ssa.status, ssa.text).toBe(200);
    expect(ssa.headers['content-type']).toMatch(/^application\/jwt/);
    Object.assign(tpp, {
      orgId,
      token: access,
      softwareId,
      transport: { key: tKey, certPem: pem((t.x5c as string[])[0]) },
      signing: { key: sKey, kid: String(s.kid) },
      agent: new Agent({
        connect: { ca: sb.caBundle, cert: pem((t.x5c as string[])[0]), key: tKey.privateKeyPem },
      }),
    });
    const claims = registrationClaims(tpp, sb.bank, ssa.text);
    const jwt = await signRequest(claims, sKey.privateKey, { alg: 'PS256', kid: s.kid, typ: 'JWT' });
    const reg = await register(tpp, sb.bank, jwt);
    expect(reg.status, reg.text).toBe(201);
    expect(reg.json().software_id).toBe(softwareId);
    await tpp.agent.close();
  });

  it('a token without a Manage scope cannot write: 403 insufficient_scope', async () => {
    const readOnly = String((await token('TPPReadAccess')).json().access_token);
    const res = await api('POST', '/software-statement', {
      bearer: readOnly,
      type: 'application/json',
      body: JSON.stringify({ ClientName: 'nope', RedirectUri: ['https://tpp.example.com/cb'] }),
    });
    expect(res.status).toBe(403);
    expect(res.json().error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    const read = await api('GET', '/software-statement', { bearer: readOnly });
    expect(read.status).toBe(200);
  });

  it('the token presented over another certificate (or none): 401 invalid_token', async () => {
    const other = await sandboxKeys.take();
    const otherCert = await call(
      wacAgent,
      'POST',
      `${sb.directory.url}/v2.1/organisation/${orgId}/certificate/obwac`,
      {
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/x-pem-file' },
        body: createCsr({
          key: other,
          subject: [
            { name: 'C', value: 'GB' },
            { name: 'O', value: 'Front Door TPP Ltd' },
            { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
            { name: 'CN', value: orgId },
          ],
        }),
      },
    );
    expect(otherCert.status, otherCert.text).toBe(201);
    const otherAgent = new Agent({
      connect: {
        ca: sb.caBundle,
        cert: pem((otherCert.json().x5c as string[])[0]),
        key: other.privateKeyPem,
      },
    });
    try {
      for (const [agent, says] of [
        [otherAgent, 'the access token is bound to another client certificate (cnf.x5t#S256)'],
        [plain, 'no client certificate was presented; the access token is bound to one (cnf.x5t#S256)'],
      ] as const) {
        const res = await api('GET', '/software-statement', { agent });
        expect(res.status).toBe(401);
        expect(res.json()).toEqual({ error: 'invalid_token', error_description: says });
      }
      // …and the token endpoint refuses the client over a certificate it is not bound to.
      const res = await token('TPPReadAccess', otherAgent);
      expect(res.status).toBe(401);
      expect(res.json().error).toBe('invalid_client');
    } finally {
      await otherAgent.close();
    }
  });
});

describe('TPP library: getDirectoryToken', () => {
  it('gets a token by private_key_jwt and by tls_client_auth, and uses it for v2.1 calls', async () => {
    const http = createHttpClient({
      ca: sb.caBundle,
      cert: wacPem,
      key: wacKey.privateKeyPem,
      timeoutMs: 10_000,
    });
    const dir = { url: sb.directory.url, http };
    try {
      const viaJwt = await getDirectoryToken(dir, {
        authorisationServer: sb.directory.authorisationServer,
        clientId,
        signingKey: wacKey.privateKey,
        scope: 'TPPReadAccess',
      });
      expect(viaJwt.scope).toBe('TPPReadAccess');
      expect(viaJwt.expiresIn).toBeGreaterThan(0);
      const list = await directoryCall(dir, 'list', {
        method: 'GET',
        path: `/v2.1/organisation/${orgId}/software-statement`,
        token: viaJwt.accessToken,
      });
      expect(list.status).toBe(200);
      const viaTls = await getDirectoryToken(dir, {
        authorisationServer: sb.directory.authorisationServer,
        clientId,
      });
      expect(viaTls.scope.split(' ')).toContain('TPPManage');
      await expect(
        getDirectoryToken(dir, {
          authorisationServer: sb.directory.authorisationServer,
          clientId: 'unknown',
        }),
      ).rejects.toMatchObject({ name: 'DirectoryError', status: 401, code: 'invalid_client' });
    } finally {
      await http.close();
    }
  });
});
