import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:https';
import { CompactSign } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, dnToString, type KeyPair, parseCertificate } from '../../certs/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import {
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import { httpsDirectory, qualifiedCertificate } from './enrolment-helpers.js';

/**
 * Malformed and hostile input to the operations added for the whole v2.1
 * surface — redirect-uri, certificate/validate, eIDAS self-enrolment and the
 * unversioned paths: each gets the right status and a spec-shaped error, and
 * no stored record changes.
 */
interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: () => string;
  token?: () => string | undefined;
  type?: string;
  body?: () => string;
  status: number;
  error: string;
}

let d: TestDirectory;
let a: TestOrganisation;
let b: TestOrganisation;
let ssA: { Id: string };
let ssB: { Id: string };
let certPem = '';
let key: KeyPair;
let https: { url: string; server: Server };

const snapshot = () => JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));

function foreignCertificatePem(): string {
  // A CSR is not a certificate; a certificate of another CA is one the directory never issued.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return createCsr({ key: { privateKey, publicKey }, subject: [{ name: 'CN', value: 'x' }] });
}

beforeAll(async () => {
  d = await testDirectory();
  a = await createOrganisation(d);
  b = await createOrganisation(d);
  ssA = await createSoftwareStatement(d, a, { RedirectUri: ['https://acme.example.com/cb'] });
  ssB = await createSoftwareStatement(d, b);
  key = await keyPool.take();
  const res = await request(d.app)
    .post(`/v2.1/organisation/${a.id}/software-statement/${ssA.Id}/certificate/obtransport`)
    .set('Authorization', `Bearer ${a.token}`)
    .type('application/x-pem-file')
    .send(legacyCsr(key, a.id, ssA.Id));
  certPem = `-----BEGIN CERTIFICATE-----\n${res.body.x5c[0]}\n-----END CERTIFICATE-----\n`;
  https = await httpsDirectory(d);
});
afterAll(async () => {
  await new Promise((resolve) => https?.server.close(resolve));
  d?.cleanup();
});

const qtspCsr = (subject: { name: string; value: string }[]) => createCsr({ key, subject });
const QWAC_SUBJECT = [
  { name: 'C', value: 'GB' },
  { name: 'O', value: 'QTSP Client Ltd' },
  { name: 'organizationIdentifier', value: 'PSDUK-UKBXXX-qtsp' },
  { name: 'CN', value: 'qtsp-client.example' },
];

const redirect = () => `/v2.1/organisation/${a.id}/software-statement/${ssA.Id}/redirect-uri`;
const cases: Case[] = [
  {
    name: 'redirect-uri: no token',
    method: 'post',
    path: redirect,
    token: () => undefined,
    type: 'text/plain',
    body: () => 'https://a.example/cb',
    status: 401,
    error: 'invalid_token',
  },
  {
    name: "redirect-uri: another organisation's statement",
    method: 'post',
    path: () => `/v2.1/organisation/${b.id}/software-statement/${ssB.Id}/redirect-uri`,
    type: 'text/plain',
    body: () => 'https://a.example/cb',
    status: 403,
    error: 'access_denied',
  },
  {
    name: 'redirect-uri: unknown statement',
    method: 'post',
    path: () => `/v2.1/organisation/${a.id}/software-statement/${'x'.repeat(22)}/redirect-uri`,
    type: 'text/plain',
    body: () => 'https://a.example/cb',
    status: 404,
    error: 'not_found',
  },
  {
    name: 'redirect-uri: JSON instead of text/plain',
    method: 'post',
    path: redirect,
    type: 'application/json',
    body: () => '["https://a.example/cb"]',
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'redirect-uri: empty body',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => '\n\n',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: not a URL',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'javascript:alert(1)',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: fragment',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'https://a.example/cb#x',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: control character',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'https://a.example/c\u0000b',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: userinfo',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'https://u:p@a.example/cb',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: longer than 255',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => `https://a.example/${'a'.repeat(250)}`,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: already registered',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'https://acme.example.com/cb',
    status: 409,
    error: 'conflict',
  },
  {
    name: 'redirect-uri: listed twice',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'https://a.example/1\nhttps://a.example/1',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: more than 20 in all',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => Array.from({ length: 20 }, (_, i) => `https://a.example/${i}`).join('\n'),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'redirect-uri: body over 64 KiB',
    method: 'post',
    path: redirect,
    type: 'text/plain',
    body: () => 'a'.repeat(70_000),
    status: 413,
    error: 'request_too_large',
  },
  { name: 'redirect-uri: GET', method: 'get', path: redirect, status: 405, error: 'method_not_allowed' },
  {
    name: 'validate: no token',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    token: () => undefined,
    type: 'application/x-pem-file',
    body: () => certPem,
    status: 401,
    error: 'invalid_token',
  },
  {
    name: 'validate: not PEM',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    type: 'application/x-pem-file',
    body: () => 'hello',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'validate: truncated certificate',
    method: 'post',
    path: () => '/v2/certificate/validate',
    type: 'application/x-pem-file',
    body: () => certPem.slice(0, 200) + certPem.slice(-30),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'validate: a CSR, not a certificate',
    method: 'post',
    path: () => '/certificate/validate',
    type: 'application/x-pem-file',
    body: foreignCertificatePem,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'validate: JSON',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    type: 'application/json',
    body: () => '{}',
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'validate: GET',
    method: 'get',
    path: () => '/v2.1/certificate/validate',
    status: 405,
    error: 'method_not_allowed',
  },
  {
    name: 'enrol: no mutual TLS',
    method: 'post',
    path: () => '/v2.1/organisation',
    token: () => undefined,
    type: 'application/json',
    body: () => '{"client_name":"x"}',
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'enrol: text/plain',
    method: 'post',
    path: () => '/v2/organisation',
    token: () => undefined,
    type: 'text/plain',
    body: () => 'x',
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: "enrol: an organisation's token is not the admin's",
    method: 'post',
    path: () => '/v2.1/organisation',
    type: 'application/json',
    body: () => '{"OrganisationName":"x","OrganisationType":"tpp","Roles":["AISP"]}',
    status: 403,
    error: 'access_denied',
  },
  {
    name: 'enrol: unversioned aspsp',
    method: 'post',
    path: () => '/organisation/aspsp',
    token: () => undefined,
    type: 'application/json',
    body: () => '{}',
    status: 404,
    error: 'not_found',
  },
  {
    name: 'unversioned: unknown type',
    method: 'get',
    path: () => `/organisation/bank/${a.id}`,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'unversioned: wrong type of own organisation',
    method: 'get',
    path: () => `/organisation/aspsp/${a.id}`,
    status: 404,
    error: 'not_found',
  },
  {
    name: "unversioned: another organisation's type not revealed",
    method: 'get',
    path: () => `/organisation/aspsp/${b.id}`,
    status: 403,
    error: 'access_denied',
  },

  {
    name: 'qtsp: no token',
    method: 'post',
    path: () => '/admin/qtsp/qwac',
    token: () => undefined,
    type: 'application/x-pem-file',
    body: () => qtspCsr(QWAC_SUBJECT),
    status: 401,
    error: 'invalid_token',
  },
  {
    name: "qtsp: an organisation's token",
    method: 'post',
    path: () => '/admin/qtsp/qwac',
    type: 'application/x-pem-file',
    body: () => qtspCsr(QWAC_SUBJECT),
    status: 403,
    error: 'access_denied',
  },
  {
    name: 'qtsp: an OB type',
    method: 'post',
    path: () => '/admin/qtsp/obwac',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => qtspCsr(QWAC_SUBJECT),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: no organizationIdentifier',
    method: 'post',
    path: () => '/admin/qtsp/qseal',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => qtspCsr([{ name: 'CN', value: 'x' }]),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: unknown role',
    method: 'post',
    path: () => '/admin/qtsp/qwac?roles=PSP_AI,PSP_XX',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => qtspCsr(QWAC_SUBJECT),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: roles twice',
    method: 'post',
    path: () => '/admin/qtsp/qwac?roles=PSP_AI&roles=PSP_PI',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => qtspCsr(QWAC_SUBJECT),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: a certificate instead of a CSR',
    method: 'post',
    path: () => '/admin/qtsp/qwac',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => certPem,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: wildcard name',
    method: 'post',
    path: () => '/admin/qtsp/qwac',
    token: () => d.adminToken,
    type: 'application/x-pem-file',
    body: () => createCsr({ key, subject: QWAC_SUBJECT, sanDns: ['*.example.com'] }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'qtsp: GET',
    method: 'get',
    path: () => '/admin/qtsp/qwac',
    token: () => d.adminToken,
    status: 405,
    error: 'method_not_allowed',
  },
];

async function send(c: Case) {
  let req = request(d.app)[c.method](c.path());
  const token = c.token ? c.token() : a.token;
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  if (c.type) req = req.set('Content-Type', c.type);
  return c.body ? req.send(c.body()) : req;
}

describe('bad input to the operations of the whole v2.1 surface', () => {
  let before = '';
  it.each(cases)('$name → $status $error', async (c) => {
    if (!before) before = snapshot();
    const res = await send(c);
    expect(res.status, res.text).toBe(c.status);
    expect(res.body.error).toBe(c.error);
    expect(typeof res.body.error_description).toBe('string');
    expect(res.text).not.toMatch(/\/(tmp|home)\/|at .*\.(ts|js):\d+/);
  });

  it('the refused calls changed no stored record', async () => {
    expect(snapshot()).toBe(before);
    const ss = await request(d.app)
      .get(`/v2.1/organisation/${a.id}/software-statement/${ssA.Id}`)
      .set('Authorization', `Bearer ${a.token}`);
    expect(ss.body.RedirectUri).toEqual(['https://acme.example.com/cb']);
  });

  it("the sandbox QTSP's QWAC and QSealC (POST /admin/qtsp/…) enrol an organisation", async () => {
    const [wacKey, sealKey] = await Promise.all([keyPool.take(), keyPool.take()]);
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'Via QTSP Ltd' },
      { name: 'organizationIdentifier', value: 'PSDUK-UKBXXX-viaqtsp' },
      { name: 'CN', value: 'via-qtsp.example' },
    ];
    const issue = (type: string, k: KeyPair, roles: string) =>
      request(d.app)
        .post(`/admin/qtsp/${type}?roles=${roles}`)
        .set('Authorization', `Bearer ${d.adminToken}`)
        .type('application/x-pem-file')
        .send(createCsr({ key: k, subject }));
    const wac = await issue('qwac', wacKey, 'PSP_AI,PSP_IC');
    const seal = await issue('qseal', sealKey, 'PSP_AI,PSP_IC');
    expect(wac.status, wac.text).toBe(201);
    expect(wac.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(seal.status, seal.text).toBe(201);
    const leaf = (pem: string) => pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25);
    const info = parseCertificate(leaf(wac.text));
    expect(info.qcType).toBe('web');
    expect(info.psd2Roles.sort()).toEqual(['PSP_AI', 'PSP_IC']);
    const sealInfo = parseCertificate(leaf(seal.text));
    expect(sealInfo.qcType).toBe('eseal');
    const jws = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({
          client_name: 'Via QTSP',
          token_endpoint_auth_method: 'tls_client_auth',
          token_endpoint_auth_signing_alg: 'PS256',
          tls_client_auth_subject_dn: dnToString(info.subject),
          grant_types: ['client_credentials'],
        }),
      ),
    )
      .setProtectedHeader({ alg: 'PS256', x5c: [sealInfo.der.toString('base64')] })
      .sign(sealKey.privateKey);
    const res = await request(https.url)
      .post('/organisation/tpp')
      .ca(d.ctx.ca.bundlePem)
      .cert(wac.text)
      .key(wacKey.privateKeyPem)
      .set('Content-Type', 'application/jose')
      .send(jws);
    expect(res.status, res.text).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBe('tls_client_auth');
    expect(d.ctx.repo.organisation(res.body.ob_org_id)?.Roles).toEqual(['AISP', 'CBPII']);
    const certs = d.ctx.repo.certificatesOfOrganisation(res.body.ob_org_id).map((c) => c.type);
    expect(certs.sort()).toEqual(['qseal', 'qwac']);
  });

  it('self-enrolment refuses bad metadata, certificates and statements (over mutual TLS)', async () => {
    const qwac = await qualifiedCertificate(d.ctx.ca, 'qwac', 'PSDUK-UKBXXX-refused');
    const qseal = await qualifiedCertificate(d.ctx.ca, 'qseal', 'PSDUK-UKBXXX-refused');
    const otherSeal = await qualifiedCertificate(d.ctx.ca, 'qseal', 'PSDUK-UKBXXX-other');
    const good = {
      client_name: 'Refused',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      tls_client_auth_subject_dn: qwac.subjectDn,
      grant_types: ['client_credentials'],
    };
    const jws = async (payload: unknown, signer: KeyPair, x5c?: string[]) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'PS256', ...(x5c === undefined ? {} : { x5c }) })
        .sign(signer.privateKey);
    const seal = [qseal.der.toString('base64')];
    const table: {
      name: string;
      cert: typeof qwac;
      type: string;
      body: () => Promise<string> | string;
      status: number;
      error: string;
    }[] = [
      {
        name: 'client_name missing',
        cert: qwac,
        type: 'application/json',
        body: () => JSON.stringify({ ...good, client_name: undefined }),
        status: 400,
        error: 'invalid_client_metadata',
      },
      {
        name: 'grant type other than client_credentials',
        cert: qwac,
        type: 'application/json',
        body: () => JSON.stringify({ ...good, grant_types: ['authorization_code'] }),
        status: 400,
        error: 'invalid_client_metadata',
      },
      {
        name: 'unsupported auth method',
        cert: qwac,
        type: 'application/json',
        body: () => JSON.stringify({ ...good, token_endpoint_auth_method: 'client_secret_basic' }),
        status: 400,
        error: 'invalid_client_metadata',
      },
      {
        name: "DN other than the QWAC's",
        cert: qwac,
        type: 'application/json',
        body: () => JSON.stringify({ ...good, tls_client_auth_subject_dn: 'CN=someone' }),
        status: 400,
        error: 'invalid_client_metadata',
      },
      {
        name: 'body not JSON',
        cert: qwac,
        type: 'application/json',
        body: () => '{"client_name":',
        status: 400,
        error: 'invalid_client_metadata',
      },
      {
        name: 'a QSealC over mutual TLS',
        cert: qseal,
        type: 'application/json',
        body: () => JSON.stringify(good),
        status: 401,
        error: 'invalid_client',
      },
      {
        name: 'JWS not compact',
        cert: qwac,
        type: 'application/jwt',
        body: () => 'a.b',
        status: 400,
        error: 'invalid_software_statement',
      },
      {
        name: 'JWS without x5c',
        cert: qwac,
        type: 'application/jwt',
        body: () => jws(good, qseal.key),
        status: 400,
        error: 'invalid_software_statement',
      },
      {
        name: 'JWS x5c not a QSealC',
        cert: qwac,
        type: 'application/jose',
        body: () => jws(good, qwac.key, [qwac.der.toString('base64')]),
        status: 400,
        error: 'unapproved_software_statement',
      },
      {
        name: 'JWS x5c garbage',
        cert: qwac,
        type: 'application/jwt',
        body: () => jws(good, qseal.key, ['AAAA']),
        status: 400,
        error: 'unapproved_software_statement',
      },
      {
        name: 'QSealC of another organisation',
        cert: qwac,
        type: 'application/jwt',
        body: () => jws(good, otherSeal.key, [otherSeal.der.toString('base64')]),
        status: 400,
        error: 'unapproved_software_statement',
      },
      {
        name: 'JWS signed with another key',
        cert: qwac,
        type: 'application/jwt',
        body: () => jws(good, key, seal),
        status: 400,
        error: 'invalid_software_statement',
      },
      {
        name: 'JWS alg none',
        cert: qwac,
        type: 'application/jwt',
        body: () =>
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
        status: 400,
        error: 'invalid_software_statement',
      },
      {
        name: 'JWS payload not an object',
        cert: qwac,
        type: 'application/jwt',
        body: () => jws([1], qseal.key, seal),
        status: 400,
        error: 'invalid_software_statement',
      },
    ];
    const before = snapshot();
    for (const c of table) {
      const res = await request(https.url)
        .post('/v2.1/organisation')
        .ca(d.ctx.ca.bundlePem)
        .cert(c.cert.pem)
        .key(c.cert.key.privateKeyPem)
        .set('Content-Type', c.type)
        .send(await c.body());
      expect(res.status, `${c.name}: ${res.text}`).toBe(c.status);
      expect(res.body.error, c.name).toBe(c.error);
    }
    expect(snapshot()).toBe(before);
    // The same QWAC enrols once; the second enrolment is refused.
    const enrol = () =>
      request(https.url)
        .post('/v2.1/organisation')
        .ca(d.ctx.ca.bundlePem)
        .cert(qwac.pem)
        .key(qwac.key.privateKeyPem)
        .send(good);
    expect((await enrol()).status).toBe(201);
    const again = await enrol();
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_client_metadata');
  });
});
