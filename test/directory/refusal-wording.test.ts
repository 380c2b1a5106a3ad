import { generateKeyPairSync } from 'node:crypto';
import { errors, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joseRefusal } from '../../directory/jose-refusal.js';
import { COLLECTIONS } from '../../directory/model.js';
import {
  createOrganisation,
  createSoftwareStatement,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import { LIBRARY_INTERNALS } from './library-internals.js';

/**
 * Refusals of unreadable certificates and CSRs speak the directory's words:
 * no OpenSSL error code, no node-forge or jose message. Status and body
 * shape are those of any other 400 invalid_request, and nothing is stored.
 */
let d: TestDirectory;
let a: TestOrganisation;
let ssId = '';

beforeAll(async () => {
  d = await testDirectory();
  a = await createOrganisation(d);
  ssId = (await createSoftwareStatement(d, a)).Id;
});
afterAll(() => d.cleanup());

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/(.{64})/g, '$1\n');
const block = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const NESTED = b64(Buffer.from('3080'.repeat(2000), 'hex'));
const CERT = (body: string) => block('CERTIFICATE', body);
const CSR = (body: string) => block('CERTIFICATE REQUEST', body);

function storedState(): string {
  return JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));
}

interface Case {
  name: string;
  method: 'post' | 'put';
  path: () => string;
  token: () => string;
  body: string;
  description: string;
}

const ssCsr = () => `/v2.1/organisation/${a.id}/software-statement/${ssId}/certificate/obtransport`;
const NOT_DER =
  'body: the certificate is not a PEM certificate (not an X.509 certificate: its DER encoding cannot be read)';

const cases: Case[] = [
  {
    name: 'validate: a CERTIFICATE block of nested indefinite lengths (was OpenSSL "error:0480006C")',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    token: () => a.token,
    body: CERT(NESTED),
    description: NOT_DER,
  },
  {
    name: 'validate: a CERTIFICATE block of four bytes',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    token: () => a.token,
    body: CERT('MIIB'),
    description: NOT_DER,
  },
  {
    name: 'validate: no PEM block at all',
    method: 'post',
    path: () => '/v2.1/certificate/validate',
    token: () => a.token,
    body: 'hello',
    description:
      'body: the certificate is not a PEM certificate (expected exactly one "CERTIFICATE" PEM block, found 0)',
  },
  {
    name: 'OAuth client: an unreadable certificate',
    method: 'put',
    path: () => `/v2.1/oauth/${a.id}`,
    token: () => a.token,
    body: CERT(NESTED),
    description: NOT_DER,
  },
  {
    name: 'CSR upload: nested too deeply (was "ASN.1 parsing error: Max depth exceeded.")',
    method: 'post',
    path: ssCsr,
    token: () => a.token,
    body: CSR(NESTED),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding is nested too deeply',
  },
  {
    name: 'CSR upload: cut short (was "Too few bytes to parse DER.")',
    method: 'post',
    path: ssCsr,
    token: () => a.token,
    body: CSR('MIIB'),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding is cut short',
  },
  {
    name: 'CSR upload: bytes after the end (was "Unparsed DER bytes remain after ASN.1 parsing.")',
    method: 'post',
    path: ssCsr,
    token: () => a.token,
    body: CSR(b64(Buffer.from('0500'.repeat(100), 'hex'))),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding has bytes after its end',
  },
  {
    name: 'CSR upload: 60 KB of A',
    method: 'post',
    path: ssCsr,
    token: () => a.token,
    body: CSR('A'.repeat(60_000)),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding has bytes after its end',
  },
  {
    name: 'CSR upload: a SEQUENCE that is not a request',
    method: 'post',
    path: ssCsr,
    token: () => a.token,
    body: CSR(b64(Buffer.from('3003020100', 'hex'))),
    description:
      'CSR pem: not a valid PKCS#10 certificate request: CertificationRequest: expected 3 elements',
  },
  {
    name: 'organisation CSR upload (obwac): nested too deeply',
    method: 'post',
    path: () => `/v2.1/organisation/${a.id}/certificate/obwac`,
    token: () => a.token,
    body: CSR(NESTED),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding is nested too deeply',
  },
  {
    name: 'QTSP (admin): nested too deeply',
    method: 'post',
    path: () => '/admin/qtsp/qwac',
    token: () => d.adminToken,
    body: CSR(NESTED),
    description: 'CSR pem: not a valid PKCS#10 certificate request: the DER encoding is nested too deeply',
  },
];

describe('refusals of unreadable certificates and CSRs', () => {
  it.each(cases)('$name', async (c) => {
    const before = storedState();
    const res = await request(d.app)
      [c.method](c.path())
      .set('Authorization', `Bearer ${c.token()}`)
      .type('application/x-pem-file')
      .send(c.body);
    expect(res.status, res.text).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toBe(c.description);
    for (const internal of LIBRARY_INTERNALS) expect(res.body.error_description).not.toContain(internal);
    expect(storedState()).toBe(before);
  });
});

describe('joseRefusal: what jose refused, in the directory words', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sign = (alg: string) => new SignJWT({ iss: 'c' }).setProtectedHeader({ alg }).sign(privateKey);

  it.each([
    [
      'alg not allowed',
      () => new errors.JOSEAlgNotAllowed('x'),
      'algorithm RS256 is not allowed; use PS256 or ES256',
    ],
    [
      'bad signature',
      () => new errors.JWSSignatureVerificationFailed(),
      'the signature does not verify with the key K',
    ],
    ['expired', () => new errors.JWTExpired('x', {}, 'exp'), 'it has expired (exp)'],
    ['iat too old', () => new errors.JWTExpired('x', {}, 'iat'), 'its iat is too far in the past'],
    [
      'missing claim',
      () => new errors.JWTClaimValidationFailed('x', {}, 'jti', 'missing'),
      'the jti claim is required',
    ],
    [
      'claim not a number',
      () => new errors.JWTClaimValidationFailed('x', {}, 'exp', 'invalid'),
      'the exp claim must be a number',
    ],
    [
      'wrong iss',
      () => new errors.JWTClaimValidationFailed('x', {}, 'iss', 'check_failed'),
      'iss must be the client id',
    ],
    [
      'odd claim',
      () => new errors.JWTClaimValidationFailed('x', {}, 'typ', 'check_failed'),
      'the typ claim has an unexpected value',
    ],
    [
      'crit',
      () => new errors.JOSENotSupported('x'),
      'its header uses a feature this directory does not support (a crit extension, or an unknown algorithm)',
    ],
    [
      'malformed',
      () => new errors.JWSInvalid('x'),
      'it is not a well-formed signed JWT (compact JWS with a JSON object as payload)',
    ],
    ['anything else', () => new TypeError('key type mismatch'), 'it does not verify'],
  ])('%s', async (_what, err, wording) => {
    const jws = await sign('RS256');
    const said = joseRefusal(err(), jws, ['PS256', 'ES256'], 'the key K');
    expect(said).toBe(wording);
    for (const internal of LIBRARY_INTERNALS) expect(said).not.toContain(internal);
  });

  it('an unreadable header is named as such', () => {
    expect(joseRefusal(new errors.JOSEAlgNotAllowed('x'), 'junk', ['PS256'], 'K')).toBe(
      'algorithm (unreadable) is not allowed; use PS256',
    );
  });
});
