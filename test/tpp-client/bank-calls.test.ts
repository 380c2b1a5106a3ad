import { X509Certificate } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BankConnection,
  createConsent,
  type Discovery,
  DiscoveryError,
  deleteRegistration,
  fetchDiscovery,
  getConsent,
  getRegistration,
  getToken,
  type HttpClient,
  HttpNetworkError,
  httpClientForMaterial,
  RequestObjectError,
  register,
  TppClient,
  type TppMaterial,
  updateRegistration,
} from '../../tpp-client/index.js';
import {
  keyPool,
  type RecordedRequest,
  type StubServer,
  sendJson,
  startTppAndStubBank,
  type TppAndStubBank,
} from './helpers.js';

const BANK_ORG = '0015800000jf7AeAAI';
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let setup: TppAndStubBank;
let material: TppMaterial;
let stub: StubServer;
let http: HttpClient;
let issuer: string;
let discovery: Discovery;
let bank: BankConnection;
/** What the stub bank answers to anything but discovery; set per test. */
let reply: (req: RecordedRequest, res: ServerResponse) => void;

function discoveryDoc(): Discovery {
  return {
    issuer,
    registration_endpoint: `${issuer}/register`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
      'tls_client_auth',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256'],
    id_token_signing_alg_values_supported: ['PS256', 'ES256'],
    request_object_signing_alg_values_supported: ['PS256', 'ES256'],
    grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types_supported: ['code id_token'],
    scopes_supported: ['openid', 'accounts', 'payments'],
    tls_client_certificate_bound_access_tokens: true,
    ob_organisation_id: BANK_ORG,
  };
}

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res) => {
    if (req.path === '/banks/one/.well-known/openid-configuration') sendJson(res, 200, discoveryDoc());
    else if (req.path === '/banks/broken/.well-known/openid-configuration') {
      const { registration_endpoint: _, ...doc } = discoveryDoc();
      sendJson(res, 200, doc);
    } else reply(req, res);
  });
  ({ material, stub } = setup);
  issuer = `${stub.url}/banks/one`;
  http = httpClientForMaterial(material, { timeoutMs: 5_000 });
  discovery = await fetchDiscovery(http, `${issuer}/.well-known/openid-configuration`);
  bank = { http, discovery };
});
afterAll(async () => {
  await http.close();
  await setup.close();
  keyPool.close();
});
beforeEach(() => {
  stub.requests.length = 0;
  reply = (_req, res) => sendJson(res, 500, { error: 'server_error' });
});

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));
const isTransportCert = (req: RecordedRequest) =>
  req.peerCertDer?.equals(new X509Certificate(material.transport.certPem).raw) === true;

describe('discovery over mTLS', () => {
  it('fetches and validates the bank discovery document', () => {
    expect(discovery).toEqual(discoveryDoc());
  });

  it('reports a missing registration_endpoint, a 404 and a body that is not JSON', async () => {
    const broken = `${stub.url}/banks/broken/.well-known/openid-configuration`;
    const err = await fetchDiscovery(http, broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as Error).message).toBe(`discovery document at ${broken} has no registration_endpoint`);
    reply = (_req, res) => sendJson(res, 404, { error: 'not_found' });
    await expect(fetchDiscovery(http, `${stub.url}/nowhere`)).rejects.toMatchObject({
      name: 'DiscoveryError',
      status: 404,
      message: `GET ${stub.url}/nowhere answered 404, expected 200`,
    });
    reply = (_req, res) => res.end('<html/>');
    await expect(fetchDiscovery(http, `${stub.url}/html`)).rejects.toThrow(
      'answered with a body that is not JSON',
    );
  });
});

describe('register', () => {
  it('POSTs the JWS as application/jose over mTLS and returns the client', async () => {
    const client = {
      client_id: 'c-123',
      client_id_issued_at: 1_740_830_400,
      token_endpoint_auth_method: 'tls_client_auth',
    };
    reply = (_req, res) => sendJson(res, 201, client);
    const result = await register(bank, 'h.p.s');
    expect(result).toEqual({
      ok: true,
      status: 201,
      client,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      raw: JSON.stringify(client),
      attempts: 1,
    });
    const [req] = stub.requests;
    expect([req.method, req.path, req.body]).toEqual(['POST', '/banks/one/register', 'h.p.s']);
    expect(req.headers['content-type']).toBe('application/jose');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
    expect(isTransportCert(req)).toBe(true);
  });

  it('sends application/jwt when asked', async () => {
    reply = (_req, res) => sendJson(res, 201, { client_id: 'c' });
    await register(bank, 'h.p.s', { mediaType: 'application/jwt' });
    expect(stub.requests[0].headers['content-type']).toBe('application/jwt');
  });

  it('returns a DCR error as a typed failure, never throws on 4xx', async () => {
    const body = {
      error: 'invalid_redirect_uri',
      error_description: 'redirect_uris: https://evil.example is not in the SSA',
    };
    reply = (_req, res) => sendJson(res, 400, body);
    expect(await register(bank, 'h.p.s')).toEqual({
      ok: false,
      status: 400,
      error: 'invalid_redirect_uri',
      error_description: 'redirect_uris: https://evil.example is not in the SSA',
      headers: expect.any(Object),
      raw: JSON.stringify(body),
      attempts: 1,
    });
  });

  it('turns unusable answers into failures: 2xx without client_id, 5xx HTML', async () => {
    reply = (_req, res) => sendJson(res, 201, { client_secret: 'x' });
    expect(await register(bank, 'h.p.s')).toMatchObject({
      ok: false,
      status: 201,
      error: 'invalid_response',
      error_description: 'the registration response has no client_id',
    });
    reply = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    expect(await register(bank, 'h.p.s')).toMatchObject({
      ok: false,
      status: 502,
      error: 'http_502',
      raw: '<html>Bad Gateway</html>',
    });
  });

  it('throws HttpNetworkError when the bank cannot be reached', async () => {
    const gone = { http, discovery: { ...discovery, registration_endpoint: 'https://127.0.0.1:1/register' } };
    await expect(register(gone, 'h.p.s')).rejects.toBeInstanceOf(HttpNetworkError);
  });
});

describe('registration management', () => {
  it('GET /register/{ClientId} with the bearer token', async () => {
    reply = (_req, res) => sendJson(res, 200, { client_id: 'c/1', scope: 'accounts' });
    const result = await getRegistration(bank, 'c/1', 'tok-1');
    expect(result).toMatchObject({ ok: true, status: 200, client: { client_id: 'c/1', scope: 'accounts' } });
    const [req] = stub.requests;
    expect([req.method, req.path, req.headers.authorization]).toEqual([
      'GET',
      '/banks/one/register/c%2F1',
      'Bearer tok-1',
    ]);
  });

  it('a 401 with only WWW-Authenticate becomes error invalid_token; an empty bearer is sent as such', async () => {
    reply = (_req, res) => {
      res.writeHead(401, {
        'WWW-Authenticate': 'Bearer error="invalid_token", error_description="token revoked"',
      });
      res.end();
    };
    expect(await getRegistration(bank, 'c1', '')).toMatchObject({
      ok: false,
      status: 401,
      error: 'invalid_token',
      error_description: 'token revoked',
      raw: '',
    });
    // trailing whitespace of a header value is not part of it (RFC 9110 5.5): the bank sees 'Bearer'
    expect(stub.requests[0].headers.authorization).toBe('Bearer');
    await getRegistration(bank, 'c1', undefined);
    expect(stub.requests[1].headers.authorization).toBeUndefined();
  });

  it('PUT /register/{ClientId} sends the full signed request', async () => {
    reply = (_req, res) => sendJson(res, 200, { client_id: 'c1' });
    expect(await updateRegistration(bank, 'c1', 'tok', 'h.p.s')).toMatchObject({ ok: true, status: 200 });
    const [req] = stub.requests;
    expect([req.method, req.path, req.body, req.headers['content-type'], req.headers.authorization]).toEqual([
      'PUT',
      '/banks/one/register/c1',
      'h.p.s',
      'application/jose',
      'Bearer tok',
    ]);
  });

  it('DELETE /register/{ClientId}: 204 → ok, 405 → failure', async () => {
    reply = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    expect(await deleteRegistration(bank, 'c1', 'tok')).toEqual({
      ok: true,
      status: 204,
      headers: expect.any(Object),
      raw: '',
      attempts: 1,
    });
    expect(stub.requests[0].method).toBe('DELETE');
    reply = (_req, res) => sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
    expect(await deleteRegistration(bank, 'c1', 'tok')).toMatchObject({
      ok: false,
      status: 405,
      error: 'method_not_allowed',
    });
  });
});

describe('getToken (client_credentials)', () => {
  const token = { access_token: 'at-1', token_type: 'Bearer', expires_in: 300, scope: 'accounts' };
  beforeEach(() => {
    reply = (_req, res) => sendJson(res, 200, token);
  });

  it('tls_client_auth: client_id in the form, the certificate in TLS', async () => {
    const result = await getToken(
      bank,
      { client_id: 'c1' },
      { method: 'tls_client_auth', scope: 'accounts' },
    );
    expect(result).toMatchObject({ ok: true, status: 200, token });
    const [req] = stub.requests;
    expect([req.method, req.path, req.headers['content-type']]).toEqual([
      'POST',
      '/banks/one/token',
      'application/x-www-form-urlencoded',
    ]);
    expect(form(req.body)).toEqual({ grant_type: 'client_credentials', scope: 'accounts', client_id: 'c1' });
    expect(req.headers.authorization).toBeUndefined();
    expect(isTransportCert(req)).toBe(true);
  });

  it('uses the registered method and sends no scope when none is asked', async () => {
    await getToken(bank, { client_id: 'c1', token_endpoint_auth_method: 'tls_client_auth' });
    expect(form(stub.requests[0].body)).toEqual({ grant_type: 'client_credentials', client_id: 'c1' });
  });

  it('private_key_jwt: an RFC 7523 assertion signed PS256 with the signing key', async () => {
    await getToken(bank, { client_id: 'c1' }, { method: 'private_key_jwt', signing: material.signing });
    const f = form(stub.requests[0].body);
    expect(Object.keys(f).sort()).toEqual([
      'client_assertion',
      'client_assertion_type',
      'client_id',
      'grant_type',
    ]);
    expect(f.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(decodeProtectedHeader(f.client_assertion)).toEqual({
      alg: 'PS256',
      kid: material.signing.kid,
      typ: 'JWT',
    });
    const { payload } = await jwtVerify(
      f.client_assertion,
      new X509Certificate(material.signing.certPem!).publicKey,
      {
        audience: `${issuer}/token`,
        issuer: 'c1',
        subject: 'c1',
      },
    );
    expect(payload.jti).toMatch(UUID4);
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    await expect(getToken(bank, { client_id: 'c1' }, { method: 'private_key_jwt' })).rejects.toBeInstanceOf(
      RequestObjectError,
    );
  });

  it('client_secret_basic: form-encoded id and secret in the Basic header (RFC 6749 2.3.1)', async () => {
    await getToken(bank, { client_id: 'c 1', client_secret: 'a:b+c/=' }, { method: 'client_secret_basic' });
    const [req] = stub.requests;
    const decoded = Buffer.from(
      String(req.headers.authorization).replace(/^Basic /, ''),
      'base64',
    ).toString();
    expect(decoded).toBe('c+1:a%3Ab%2Bc%2F%3D');
    expect(form(req.body)).toEqual({ grant_type: 'client_credentials' });
  });

  it('client_secret_post: id and secret in the form', async () => {
    await getToken(
      bank,
      { client_id: 'c1', client_secret: 's3cret' },
      { method: 'client_secret_post', scope: 'openid' },
    );
    expect(form(stub.requests[0].body)).toEqual({
      grant_type: 'client_credentials',
      scope: 'openid',
      client_id: 'c1',
      client_secret: 's3cret',
    });
    await expect(getToken(bank, { client_id: 'c1' }, { method: 'client_secret_post' })).rejects.toThrow(
      'client_secret_post needs the client_secret the bank returned at registration',
    );
  });

  it('returns token errors and bodies without access_token as failures', async () => {
    reply = (_req, res) =>
      sendJson(res, 401, { error: 'invalid_client', error_description: 'unknown client' });
    expect(await getToken(bank, { client_id: 'c1' })).toMatchObject({
      ok: false,
      status: 401,
      error: 'invalid_client',
      error_description: 'unknown client',
    });
    reply = (_req, res) => sendJson(res, 200, { token_type: 'Bearer' });
    expect(await getToken(bank, { client_id: 'c1' })).toMatchObject({ ok: false, error: 'invalid_response' });
  });

  it('calls the mtls_endpoint_aliases token endpoint when the bank publishes one', async () => {
    const aliased = {
      http,
      discovery: { ...discovery, mtls_endpoint_aliases: { token_endpoint: `${stub.url}/mtls/token` } },
    };
    await getToken(aliased, { client_id: 'c1' }, { method: 'private_key_jwt', signing: material.signing });
    expect(stub.requests[0].path).toBe('/mtls/token');
    expect(decodeJwt(form(stub.requests[0].body).client_assertion).aud).toBe(`${issuer}/token`);
  });
});

describe('account-access-consents', () => {
  it('POSTs the OB consent body with the token and FAPI headers', async () => {
    const data = { ConsentId: 'aac-1', Status: 'AwaitingAuthorisation', Permissions: ['ReadAccountsBasic'] };
    reply = (_req, res) => sendJson(res, 201, { Data: data, Risk: {}, Links: { Self: 'x' }, Meta: {} });
    const result = await createConsent(bank, 'at-1', { now: new Date('2025-03-01T12:00:00Z') });
    expect(result).toMatchObject({ ok: true, status: 201, consent: data });
    const [req] = stub.requests;
    expect([req.method, req.path]).toEqual([
      'POST',
      '/banks/one/open-banking/v3.1/aisp/account-access-consents',
    ]);
    expect(JSON.parse(req.body)).toEqual({
      Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: '2025-05-30T12:00:00+00:00' },
      Risk: {},
    });
    expect(req.headers.authorization).toBe('Bearer at-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-fapi-financial-id']).toBe(BANK_ORG);
    expect(req.headers['x-fapi-interaction-id']).toMatch(UUID4);
  });

  it('GETs a consent by id and parses OB Read/Write errors', async () => {
    reply = (_req, res) =>
      sendJson(res, 200, { Data: { ConsentId: 'aac-1', Status: 'AwaitingAuthorisation' } });
    expect(await getConsent(bank, 'at-1', 'aac-1')).toMatchObject({
      ok: true,
      consent: { ConsentId: 'aac-1' },
    });
    expect(stub.requests[0].path).toBe('/banks/one/open-banking/v3.1/aisp/account-access-consents/aac-1');
    const obError = {
      Code: '400 BadRequest',
      Id: 'e1',
      Message: 'bad',
      Errors: [
        { ErrorCode: 'UK.OBIE.Field.Invalid', Message: 'Permissions is empty', Path: 'Data.Permissions' },
      ],
    };
    reply = (_req, res) => sendJson(res, 400, obError);
    expect(await createConsent(bank, 'at-1', { permissions: [] })).toMatchObject({
      ok: false,
      status: 400,
      error: 'UK.OBIE.Field.Invalid',
      error_description: 'Permissions is empty',
    });
  });
});

describe('TppClient', () => {
  it('builds the request from material and discovery, registers, gets a token and creates a consent', async () => {
    const tpp = new TppClient(material, { timeoutMs: 5_000 });
    try {
      const d = await tpp.discover(`${issuer}/.well-known/openid-configuration`);
      const jwt = await tpp.registrationRequest(d);
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'PS256', kid: material.signing.kid, typ: 'JWT' });
      const { payload } = await jwtVerify(jwt, new X509Certificate(material.signing.certPem!).publicKey);
      expect(payload).toMatchObject({
        iss: material.softwareStatementId,
        aud: BANK_ORG,
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: `CN=${material.softwareStatementId},OU=${material.organisationId},O=OpenBanking,C=GB`,
        scope: 'accounts payments openid',
        software_statement: material.ssa,
      });
      expect(payload).not.toHaveProperty('token_endpoint_auth_signing_alg');

      reply = (req, res) => {
        if (req.path.endsWith('/register'))
          sendJson(res, 201, { client_id: 'c9', token_endpoint_auth_method: 'tls_client_auth' });
        else if (req.path.endsWith('/token'))
          sendJson(res, 200, { access_token: 'at-9', token_type: 'Bearer' });
        else sendJson(res, 201, { Data: { ConsentId: 'aac-9', Status: 'AwaitingAuthorisation' } });
      };
      const reg = await tpp.register(d, jwt);
      if (!reg.ok) throw new Error(reg.error);
      const tok = await tpp.getToken(d, reg.client, { scope: 'accounts' });
      if (!tok.ok) throw new Error(tok.error);
      const consent = await tpp.createConsent(d, tok.token.access_token);
      expect(consent).toMatchObject({ ok: true, consent: { ConsentId: 'aac-9' } });
      expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /banks/one/.well-known/openid-configuration',
        'POST /banks/one/register',
        'POST /banks/one/token',
        'POST /banks/one/open-banking/v3.1/aisp/account-access-consents',
      ]);
      expect(stub.requests.every(isTransportCert)).toBe(true);
    } finally {
      await tpp.close();
    }
  });

  it('private_key_jwt requests carry token_endpoint_auth_signing_alg; aud must come from somewhere', async () => {
    const tpp = new TppClient(material);
    try {
      const claims = tpp.registrationClaims(discovery, { authMethodPreference: ['private_key_jwt'] });
      expect(claims).toMatchObject({
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'PS256',
      });
      const { ob_organisation_id: _, ...noOrg } = discovery;
      expect(() => tpp.registrationClaims(noOrg)).toThrow(/ob_organisation_id/);
      expect(tpp.registrationClaims(noOrg, { aud: 'issuer-aud' }).aud).toBe('issuer-aud');
    } finally {
      await tpp.close();
    }
  });

  it('refreshes its SSA from the directory', async () => {
    const tpp = new TppClient(material);
    try {
      const before = tpp.material.ssa;
      await tpp.refreshSsa();
      expect(tpp.material.ssa).not.toBe(before);
      expect(decodeJwt(tpp.material.ssa).software_id).toBe(material.softwareStatementId);
    } finally {
      await tpp.close();
    }
  });
});
