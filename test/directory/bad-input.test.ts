import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, type KeyPair } from '../../certs/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import {
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  obwacCsr,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';

/**
 * Every route against malformed and hostile input: each case gets the right
 * status and a spec-shaped error; afterwards the directory still serves a
 * valid flow and no stored record changed.
 */
interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: () => string;
  token?: () => string | undefined;
  authorization?: string;
  type?: string;
  body?: () => string | Buffer;
  status: number;
  error: string;
  description?: string | RegExp;
}

let d: TestDirectory;
let a: TestOrganisation;
let b: TestOrganisation;
let bank: TestOrganisation;
let ssA: { Id: string };
let ssB: { Id: string };
let kidA = '';
let kidB = '';
let asId = '';
let key: KeyPair;

function weakKey(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function tamperSignature(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 5] ^= 0xff;
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
}

function snapshot(): string {
  return JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));
}

beforeAll(async () => {
  d = await testDirectory();
  a = await createOrganisation(d);
  b = await createOrganisation(d);
  bank = await createOrganisation(d, { OrganisationType: 'aspsp', Roles: ['ASPSP'] });
  ssA = await createSoftwareStatement(d, a);
  ssB = await createSoftwareStatement(d, b);
  key = await keyPool.take();
  const certA = await request(d.app)
    .post(`/v2.1/organisation/${a.id}/software-statement/${ssA.Id}/certificate/obtransport`)
    .set('Authorization', `Bearer ${a.token}`)
    .type('application/x-pem-file')
    .send(legacyCsr(key, a.id, ssA.Id));
  kidA = certA.body.kid;
  const certB = await request(d.app)
    .post(`/v2.1/organisation/${b.id}/certificate/obwac`)
    .set('Authorization', `Bearer ${b.token}`)
    .type('application/x-pem-file')
    .send(obwacCsr(key, b.id));
  kidB = certB.body.kid;
  const as = await request(d.app)
    .post(`/v2.1/organisation/${bank.id}/authorisation-server`)
    .set('Authorization', `Bearer ${bank.token}`)
    .send({ OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration' });
  asId = as.body.Id;
});
afterAll(() => d.cleanup());

const MB = () => 'x'.repeat(1024 * 1024);
const admin = () => d.adminToken;
const tokA = () => a.token;
const tokB = () => b.token;
const orgsPath = () => '/admin/organisations';
const ssPath = () => `/v2.1/organisation/${a.id}/software-statement`;
const ssOne = () => `/v2.1/organisation/${a.id}/software-statement/${ssA.Id}`;
const csrPath =
  (type = 'obtransport') =>
  () =>
    `/v2.1/organisation/${a.id}/software-statement/${ssA.Id}/certificate/${type}`;
const orgCsrPath =
  (type = 'obwac') =>
  () =>
    `/v2.1/organisation/${a.id}/certificate/${type}`;
const json = (v: unknown) => () => JSON.stringify(v);
const validOrg = { OrganisationName: 'X', OrganisationType: 'tpp', Roles: ['AISP'] };
const validSs = { ClientName: 'X', RedirectUri: ['https://x.example/cb'] };

const cases: Case[] = [
  // authentication and other organisations
  {
    name: 'admin API without token',
    method: 'post',
    path: orgsPath,
    type: 'application/json',
    body: json(validOrg),
    status: 401,
    error: 'invalid_token',
    description: 'a bearer token is required',
  },
  {
    name: 'admin API with an organisation token',
    method: 'post',
    path: orgsPath,
    token: tokA,
    type: 'application/json',
    body: json(validOrg),
    status: 403,
    error: 'access_denied',
    description: 'the admin token is required',
  },
  {
    name: 'garbage bearer token',
    method: 'get',
    path: () => `/v2.1/organisation/${a.id}`,
    authorization: 'Bearer not-a-token',
    status: 401,
    error: 'invalid_token',
    description: 'the bearer token is not valid',
  },
  {
    name: 'Basic instead of Bearer',
    method: 'get',
    path: () => `/v2.1/organisation/${a.id}`,
    authorization: 'Basic YTpi',
    status: 401,
    error: 'invalid_token',
  },
  {
    name: 'bearer with spaces and junk',
    method: 'get',
    path: () => `/v2.1/organisation/${a.id}`,
    authorization: 'Bearer a b c',
    status: 401,
    error: 'invalid_token',
  },
  {
    name: "another organisation's organisation",
    method: 'get',
    path: () => `/v2.1/organisation/${a.id}`,
    token: tokB,
    status: 403,
    error: 'access_denied',
  },
  {
    name: "another organisation's software statements",
    method: 'get',
    path: ssPath,
    token: tokB,
    status: 403,
    error: 'access_denied',
  },
  {
    name: "another organisation's software statement via own path",
    method: 'get',
    path: () => `/v2.1/organisation/${b.id}/software-statement/${ssA.Id}`,
    token: tokB,
    status: 404,
    error: 'not_found',
  },
  {
    name: "another organisation's SSA",
    method: 'get',
    path: () => `${ssOne()}/software-statement-assertion`,
    token: tokB,
    status: 403,
    error: 'access_denied',
  },
  {
    name: "revoke another organisation's certificate via its path",
    method: 'delete',
    path: () => `/v2.1/organisation/${a.id}/certificate/kid/${kidA}`,
    token: tokB,
    status: 403,
    error: 'access_denied',
  },
  {
    name: "revoke another organisation's certificate via own path",
    method: 'delete',
    path: () => `/v2.1/organisation/${b.id}/certificate/kid/${kidA}`,
    token: tokB,
    status: 404,
    error: 'not_found',
  },
  {
    name: "upload a CSR under another organisation's software statement",
    method: 'post',
    path: csrPath(),
    token: tokB,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, a.id, ssA.Id),
    status: 403,
    error: 'access_denied',
  },
  {
    name: 'SSA without token',
    method: 'get',
    path: () => `${ssOne()}/software-statement-assertion`,
    status: 401,
    error: 'invalid_token',
  },
  // admin API bodies
  {
    name: 'organisation: wrong media type',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'text/plain',
    body: json(validOrg),
    status: 415,
    error: 'unsupported_media_type',
    description: "Content-Type 'text/plain' is not accepted; use one of: application/json",
  },
  {
    name: 'organisation: no media type',
    method: 'post',
    path: orgsPath,
    token: admin,
    body: () => Buffer.from(JSON.stringify(validOrg)),
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'organisation: malformed JSON',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: () => '{"OrganisationName":',
    status: 400,
    error: 'invalid_request',
    description: 'request body is not valid JSON',
  },
  {
    name: 'organisation: JSON array',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json([validOrg]),
    status: 400,
    error: 'invalid_request',
    description: 'request body must be a JSON object',
  },
  {
    name: 'organisation: missing OrganisationName',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ OrganisationType: 'tpp', Roles: ['AISP'] }),
    status: 400,
    error: 'invalid_request',
    description: 'OrganisationName is required',
  },
  {
    name: 'organisation: Roles a string',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, Roles: 'AISP' }),
    status: 400,
    error: 'invalid_request',
    description: 'Roles must be of type string[]',
  },
  {
    name: 'organisation: unknown role',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, Roles: ['ROOT'] }),
    status: 400,
    error: 'invalid_request',
    description: 'Roles[0] must be one of: AISP, PISP, CBPII, ASPSP',
  },
  {
    name: 'organisation: unknown type',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, OrganisationType: 'bank' }),
    status: 400,
    error: 'invalid_request',
    description: 'OrganisationType must be one of: tpp, aspsp',
  },
  {
    name: 'organisation: name a number',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, OrganisationName: 42 }),
    status: 400,
    error: 'invalid_request',
    description: 'OrganisationName must be of type string',
  },
  {
    name: 'organisation: name too long',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, OrganisationName: 'n'.repeat(141) }),
    status: 400,
    error: 'invalid_request',
    description: 'OrganisationName must be at most 140 characters',
  },
  {
    name: 'organisation: identifier with spaces',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, OrganisationIdentifier: 'PSD GB' }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'organisation: contacts not objects',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json({ ...validOrg, Contacts: ['ann'] }),
    status: 400,
    error: 'invalid_request',
    description: 'Contacts must be of type object[]',
  },
  {
    name: 'organisation: 1 MB body',
    method: 'post',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: MB,
    status: 413,
    error: 'request_too_large',
    description: 'request body exceeds 65536 bytes',
  },
  {
    name: 'admin: unknown organisation',
    method: 'get',
    path: () => '/admin/organisations/000000000000000000',
    token: admin,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'admin: suspend unknown organisation',
    method: 'post',
    path: () => '/admin/organisations/000000000000000000/suspend',
    token: admin,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'admin: wrong method',
    method: 'put',
    path: orgsPath,
    token: admin,
    type: 'application/json',
    body: json(validOrg),
    status: 405,
    error: 'method_not_allowed',
    description: 'allowed methods: GET, POST',
  },
  // software statements
  {
    name: 'software statement: missing ClientName',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ RedirectUri: ['https://x.example/cb'] }),
    status: 400,
    error: 'invalid_request',
    description: 'ClientName is required',
  },
  {
    name: 'software statement: ClientName 41 chars',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ ...validSs, ClientName: 'c'.repeat(41) }),
    status: 400,
    error: 'invalid_request',
    description: 'ClientName must be at most 40 characters',
  },
  {
    name: 'software statement: RedirectUri a string',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ ...validSs, RedirectUri: 'https://x.example/cb' }),
    status: 400,
    error: 'invalid_request',
    description: 'RedirectUri must be of type string[]',
  },
  {
    name: 'software statement: javascript: redirect',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ ...validSs, RedirectUri: ['javascript:alert(1)'] }),
    status: 400,
    error: 'invalid_request',
    description: 'RedirectUri[0] must be an absolute http(s) URL',
  },
  {
    name: 'software statement: no redirect',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ ...validSs, RedirectUri: [] }),
    status: 400,
    error: 'invalid_request',
    description: 'RedirectUri must have at least 1 item(s)',
  },
  {
    name: 'software statement: role not held',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: json({ ...validSs, Roles: ['CBPII'] }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'software statement: wrong media type',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/xml',
    body: () => '<ss/>',
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'software statement: malformed JSON',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/vnd.openbanking.directory.softwarestatement-v2+json',
    body: () => '{',
    status: 400,
    error: 'invalid_request',
    description: 'request body is not valid JSON',
  },
  {
    name: 'software statement: 1 MB body',
    method: 'post',
    path: ssPath,
    token: tokA,
    type: 'application/json',
    body: MB,
    status: 413,
    error: 'request_too_large',
  },
  {
    name: 'software statement: unknown organisation (admin)',
    method: 'get',
    path: () => '/v2.1/organisation/000000000000000000/software-statement',
    token: admin,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'software statement: unknown id',
    method: 'get',
    path: () => `${ssPath()}/AAAAAAAAAAAAAAAAAAAAAA`,
    token: tokA,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'software statement: empty update',
    method: 'put',
    path: ssOne,
    token: tokA,
    type: 'application/json',
    body: json({}),
    status: 400,
    error: 'invalid_request',
    description: 'request body names no field to update',
  },
  {
    name: 'software statement: Active a string',
    method: 'put',
    path: ssOne,
    token: tokA,
    type: 'application/json',
    body: json({ Active: 'no' }),
    status: 400,
    error: 'invalid_request',
    description: 'Active must be of type boolean',
  },
  {
    name: 'software statement: DELETE not allowed',
    method: 'delete',
    path: ssOne,
    token: tokA,
    status: 405,
    error: 'method_not_allowed',
  },
  // CSR upload
  {
    name: 'CSR: garbage PEM',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => '-----BEGIN CERTIFICATE REQUEST-----\nnot base64!!\n-----END CERTIFICATE REQUEST-----\n',
    status: 400,
    error: 'invalid_request',
    description: /^CSR pem: /,
  },
  {
    name: 'CSR: random bytes',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => Buffer.from([0, 1, 2, 255, 254, 10, 13]),
    status: 400,
    error: 'invalid_request',
    description: /^CSR pem: /,
  },
  {
    name: 'CSR: empty body',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => '',
    status: 400,
    error: 'invalid_request',
    description: /^CSR pem: /,
  },
  {
    name: 'CSR: for another software statement',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, a.id, ssB.Id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject\.CN: /,
  },
  {
    name: 'CSR: for another organisation',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, b.id, ssA.Id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject\.OU: /,
  },
  {
    name: 'CSR: 1024-bit key',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(weakKey(), a.id, ssA.Id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR publicKey: /,
  },
  {
    name: 'CSR: bad signature',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => tamperSignature(legacyCsr(key, a.id, ssA.Id)),
    status: 400,
    error: 'invalid_request',
    description: /^CSR signature: /,
  },
  {
    name: 'CSR: a certificate instead',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => d.ctx.ca.issuingCertPem,
    status: 400,
    error: 'invalid_request',
    description: 'pem: upload a certificate signing request (CSR); this directory issues the certificate',
  },
  {
    name: 'CSR: OBWAC subject to obtransport',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => obwacCsr(key, a.id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject/,
  },
  {
    name: 'CSR: legacy subject to obwac',
    method: 'post',
    path: orgCsrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, a.id, ssA.Id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject/,
  },
  {
    name: 'CSR: OBWAC for another organisation',
    method: 'post',
    path: orgCsrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => obwacCsr(key, b.id),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject/,
  },
  {
    name: 'CSR: wrong media type',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/json',
    body: json({ csr: 'x' }),
    status: 415,
    error: 'unsupported_media_type',
    description: "Content-Type 'application/json' is not accepted; use one of: application/x-pem-file",
  },
  {
    name: 'CSR: 1 MB body',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: MB,
    status: 413,
    error: 'request_too_large',
  },
  {
    name: 'CSR: unknown certificate type',
    method: 'post',
    path: csrPath('obroot'),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, a.id, ssA.Id),
    status: 400,
    error: 'invalid_request',
    description: "certificate type 'obroot' is not one of: obtransport, obsigning",
  },
  {
    name: 'CSR: organisation type on software path',
    method: 'post',
    path: csrPath('obwac'),
    token: tokA,
    type: 'application/x-pem-file',
    body: () => obwacCsr(key, a.id),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'CSR: unknown software statement',
    method: 'post',
    path: () =>
      `/v2.1/organisation/${a.id}/software-statement/AAAAAAAAAAAAAAAAAAAAAA/certificate/obtransport`,
    token: tokA,
    type: 'application/x-pem-file',
    body: () => legacyCsr(key, a.id, ssA.Id),
    status: 404,
    error: 'not_found',
  },
  {
    name: 'CSR: subject with injection attempt',
    method: 'post',
    path: csrPath(),
    token: tokA,
    type: 'application/x-pem-file',
    body: () =>
      createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'OpenBanking' },
          { name: 'OU', value: `${a.id},CN=admin` },
          { name: 'CN', value: ssA.Id },
        ],
      }),
    status: 400,
    error: 'invalid_request',
    description: /^CSR subject\.OU: /,
  },
  // certificates
  {
    name: 'certificate: unknown kid',
    method: 'get',
    path: () => `/v2.1/organisation/${a.id}/certificate/kid/nope`,
    token: tokA,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'certificate: revoke unknown kid',
    method: 'delete',
    path: () => `/v2.1/organisation/${a.id}/certificate/kid/nope`,
    token: tokA,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'certificate: list unknown type',
    method: 'get',
    path: orgCsrPath('nope'),
    token: tokA,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'association: associate not boolean',
    method: 'put',
    path: () => `${ssOne()}/certificate/obwac/${kidA}`,
    token: tokA,
    type: 'application/json',
    body: json({ associate: 'yes' }),
    status: 400,
    error: 'invalid_request',
    description: 'associate must be of type boolean',
  },
  {
    name: "association: another organisation's certificate",
    method: 'put',
    path: () => `${ssOne()}/certificate/obwac/${kidB}`,
    token: tokA,
    type: 'application/json',
    body: json({ associate: true }),
    status: 404,
    error: 'not_found',
  },
  // authorisation servers
  {
    name: 'authorisation server: TPP organisation',
    method: 'post',
    path: () => `/v2.1/organisation/${a.id}/authorisation-server`,
    token: tokA,
    type: 'application/json',
    body: json({ OpenIDConfigEndPointUri: 'https://x.example/.well-known/openid-configuration' }),
    status: 403,
    error: 'access_denied',
  },
  {
    name: 'authorisation server: missing discovery URL',
    method: 'post',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server`,
    token: () => bank.token,
    type: 'application/json',
    body: json({ CustomerFriendlyName: 'x' }),
    status: 400,
    error: 'invalid_request',
    description: 'OpenIDConfigEndPointUri is required',
  },
  {
    name: 'authorisation server: http discovery URL',
    method: 'post',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server`,
    token: () => bank.token,
    type: 'application/json',
    body: json({ OpenIDConfigEndPointUri: 'http://x.example/' }),
    status: 400,
    error: 'invalid_request',
    description: 'OpenIDConfigEndPointUri must be an absolute https URL',
  },
  {
    name: 'authorisation server: AutoRegistrationSupported a string',
    method: 'put',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server/${asId}`,
    token: () => bank.token,
    type: 'application/json',
    body: json({ OpenIDConfigEndPointUri: 'https://x.example/', AutoRegistrationSupported: 'true' }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'authorisation server: unknown id',
    method: 'get',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server/nope`,
    token: () => bank.token,
    status: 404,
    error: 'not_found',
  },
  {
    name: "authorisation server: another organisation's",
    method: 'delete',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server/${asId}`,
    token: tokA,
    status: 403,
    error: 'access_denied',
  },
  // keystore and routing
  {
    name: 'keystore: unknown organisation',
    method: 'get',
    path: () => '/keystore/000000000000000000/000000000000000000.jwks',
    status: 404,
    error: 'not_found',
  },
  {
    name: 'keystore: unknown file',
    method: 'get',
    path: () => `/keystore/${a.id}/nope.txt`,
    status: 404,
    error: 'not_found',
  },
  {
    name: "keystore: another organisation's software",
    method: 'get',
    path: () => `/keystore/${a.id}/${ssB.Id}.jwks`,
    status: 404,
    error: 'not_found',
  },
  {
    name: "keystore: another organisation's kid",
    method: 'get',
    path: () => `/keystore/${a.id}/${kidB}.pem`,
    status: 404,
    error: 'not_found',
  },
  {
    name: 'keystore: path traversal',
    method: 'get',
    path: () => '/keystore/..%2f..%2fetc/passwd',
    status: 404,
    error: 'not_found',
  },
  {
    name: 'bad percent-encoding',
    method: 'get',
    path: () => `/v2.1/organisation/%E0%A4%A/software-statement`,
    token: tokA,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'unknown route',
    method: 'get',
    path: () => '/v3/whatever',
    status: 404,
    error: 'not_found',
    description: 'no such endpoint',
  },
];

describe('bad input to every route', () => {
  let before = '';
  beforeAll(() => {
    before = snapshot();
  });

  it.each(cases)('$name → $status $error', async (c) => {
    let req = request(d.app)[c.method](c.path());
    const token = c.token?.();
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (c.authorization) req = req.set('Authorization', c.authorization);
    if (c.type) req = req.set('Content-Type', c.type);
    const res = c.body ? await req.send(c.body()) : await req;
    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
    expect(res.body.error).toBe(c.error);
    expect(res.body.error_description.length).toBeLessThanOrEqual(500);
    if (typeof c.description === 'string') expect(res.body.error_description).toBe(c.description);
    else if (c.description) expect(res.body.error_description).toMatch(c.description);
  });

  it('changed no stored record and still serves a valid flow', async () => {
    expect(snapshot()).toBe(before);
    const health = await request(d.app).get('/health');
    expect(health.status).toBe(200);
    const ok = await request(d.app)
      .post(`/v2.1/organisation/${a.id}/software-statement/${ssA.Id}/certificate/obsigning`)
      .set('Authorization', `Bearer ${a.token}`)
      .type('application/x-pem-file')
      .send(legacyCsr(key, a.id, ssA.Id));
    expect(ok.status).toBe(201);
    const ssa = await request(d.app)
      .get(`${ssOne()}/software-statement-assertion`)
      .set('Authorization', `Bearer ${a.token}`);
    expect(ssa.status).toBe(200);
  });
});
