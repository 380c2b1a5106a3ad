import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../directory/model.js';
import {
  createOrganisation,
  keyPool,
  legacyCsr,
  obwacCsr,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import { expectNoLeak, expectOAuthError } from '../helpers/hostile-input.js';

/**
 * The swagger's PEM bodies (`CertificateOBWACorQWAC` of `PUT /v2.1/oauth/{OrganisationId}`,
 * `CertificateValidationRequestBody` of `POST {v}/certificate/validate`) changed one way at a
 * time from a good OBWAC: other line endings, text around the block, a chain, another block
 * beside it, a private key, a CSR, broken base64, truncated, DER, another organisation's or a
 * revoked certificate, the CA's. Each gets the status docs/directory.md gives, the same answer
 * under /v2.1, /v2 and the unversioned /certificate/validate, and only a good certificate of
 * the organisation changes what is stored.
 */

let d: TestDirectory;
let org: TestOrganisation;
let other: TestOrganisation;
let wac = '';
let seal = '';
let otherWac = '';
let revokedWac = '';
let transport = '';
let csr = '';
let keyPem = '';
const snapshot = () => JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));

const pemOf = (b64: string) =>
  `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;

async function upload(
  o: TestOrganisation,
  type: string,
  body: string,
): Promise<{ pem: string; kid: string }> {
  const res = await request(d.app)
    .post(`/v2.1/organisation/${o.id}/certificate/${type}`)
    .set('Authorization', `Bearer ${o.token}`)
    .type('application/x-pem-file')
    .send(body);
  expect(res.status, res.text).toBe(201);
  return { pem: pemOf(res.body.x5c[0]), kid: res.body.kid };
}

beforeAll(async () => {
  d = await testDirectory();
  org = await createOrganisation(d);
  other = await createOrganisation(d, { OrganisationName: 'Other TPP' });
  const key = await keyPool.take();
  wac = (await upload(org, 'obwac', obwacCsr(key, org.id))).pem;
  seal = (await upload(org, 'obseal', obwacCsr(key, org.id))).pem;
  otherWac = (await upload(other, 'obwac', obwacCsr(key, other.id))).pem;
  const gone = await upload(org, 'obwac', obwacCsr(key, org.id));
  revokedWac = gone.pem;
  const del = await request(d.app)
    .delete(`/v2.1/organisation/${org.id}/certificate/kid/${gone.kid}`)
    .set('Authorization', `Bearer ${org.token}`);
  expect(del.status).toBe(204);
  csr = obwacCsr(key, org.id);
  keyPem = key.privateKeyPem;
  transport = legacyCsr(key, org.id, 'x'); // a CSR of another kind
});
afterAll(() => d?.cleanup());

const b64Of = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');

interface Row {
  name: string;
  body: () => string | Buffer;
  /** PUT /v2.1/oauth/{org}. */
  oauth: number;
  /** POST {v}/certificate/validate. */
  validate: number;
  /** What a refusal's description says. */
  says?: RegExp;
}

const ROWS: Row[] = [
  { name: 'the organisation OBWAC', body: () => wac, oauth: 200, validate: 200 },
  { name: 'CRLF line endings', body: () => wac.replace(/\n/g, '\r\n'), oauth: 200, validate: 200 },
  {
    name: 'base64 on one line',
    body: () => `-----BEGIN CERTIFICATE-----\n${b64Of(wac)}\n-----END CERTIFICATE-----`,
    oauth: 200,
    validate: 200,
  },
  {
    name: 'text before the block (as openssl x509 -text writes)',
    body: () => `subject=CN=${org.id}\n${wac}`,
    oauth: 200,
    validate: 200,
  },
  { name: 'a BOM first', body: () => `\ufeff${wac}`, oauth: 200, validate: 200 },
  {
    name: 'with its issuing CA after it (a chain)',
    body: () => wac + d.ctx.ca.issuingCertPem,
    oauth: 400,
    validate: 400,
  },
  { name: 'the same certificate twice', body: () => wac + wac, oauth: 400, validate: 400 },
  {
    name: 'its private key beside it',
    body: () => wac + keyPem,
    oauth: 400,
    validate: 400,
    says: /private key, which must never be sent/,
  },
  { name: 'a private key only', body: () => keyPem, oauth: 400, validate: 400 },
  { name: 'a CSR', body: () => csr, oauth: 400, validate: 400 },
  { name: 'another kind of CSR', body: () => transport, oauth: 400, validate: 400 },
  {
    name: 'a CSR labelled CERTIFICATE',
    body: () => pemOf(csr.replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----|\s/g, '')),
    oauth: 400,
    validate: 400,
  },
  {
    name: 'BEGIN and END labels differ',
    body: () => wac.replace('END CERTIFICATE', 'END X509 CRL'),
    oauth: 400,
    validate: 400,
  },
  {
    name: 'no END line',
    body: () => wac.replace(/-----END CERTIFICATE-----\n?$/, ''),
    oauth: 400,
    validate: 400,
  },
  {
    name: 'a PEM header line',
    body: () => wac.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'),
    oauth: 400,
    validate: 400,
  },
  {
    name: 'a character outside base64',
    body: () => wac.replace(/(\n.{10})./, '$1*'),
    oauth: 400,
    validate: 400,
  },
  { name: 'truncated base64', body: () => pemOf(b64Of(wac).slice(0, 400)), oauth: 400, validate: 400 },
  {
    name: 'one byte of the DER changed',
    body: () => {
      const der = Buffer.from(b64Of(wac), 'base64');
      der[der.length - 10] ^= 0xff;
      return pemOf(der.toString('base64'));
    },
    oauth: 400,
    validate: 404,
  },
  {
    name: 'NUL inside the block',
    body: () => wac.replace(/(\n.{10})/, '$1\u0000'),
    oauth: 400,
    validate: 400,
  },
  { name: 'DER bytes', body: () => Buffer.from(b64Of(wac), 'base64'), oauth: 400, validate: 400 },
  { name: 'empty', body: () => '', oauth: 400, validate: 400 },
  { name: 'JSON', body: () => JSON.stringify({ pem: wac }), oauth: 400, validate: 400 },
  { name: 'the organisation OBSeal', body: () => seal, oauth: 400, validate: 200 },
  { name: "another organisation's OBWAC", body: () => otherWac, oauth: 400, validate: 200 },
  { name: 'a revoked OBWAC of the organisation', body: () => revokedWac, oauth: 400, validate: 200 },
  { name: 'the issuing CA', body: () => d.ctx.ca.issuingCertPem, oauth: 400, validate: 404 },
];

const PREFIXES = ['/v2.1', '/v2', ''];

describe('the PEM bodies of the swagger, one change at a time', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const seen: string[] = [];
    for (const prefix of PREFIXES) {
      const before = snapshot();
      const res = await request(d.app)
        .post(`${prefix}/certificate/validate`)
        .set('Authorization', `Bearer ${org.token}`)
        .set('Content-Type', 'application/x-pem-file')
        .send(row.body());
      expect(res.status, `${prefix}: ${res.text}`).toBe(row.validate);
      if (res.status >= 400) expectOAuthError(res.text, row.name);
      expectNoLeak(res.text, [d.adminToken, org.token], row.name);
      expect(res.text).not.toContain('PRIVATE KEY');
      expect(snapshot()).toBe(before);
      seen.push(res.text);
    }
    expect(new Set(seen).size, seen.join('\n')).toBe(1);

    const before = snapshot();
    const put = await request(d.app)
      .put(`/v2.1/oauth/${org.id}`)
      .set('Authorization', `Bearer ${org.token}`)
      .set('Content-Type', 'application/x-pem-file')
      .send(row.body());
    expect(put.status, put.text).toBe(row.oauth);
    expectNoLeak(put.text, [d.adminToken, org.token], row.name);
    expect(put.text).not.toContain('PRIVATE KEY');
    if (put.status >= 400) {
      const err = expectOAuthError(put.text, row.name);
      expect(err.error).toBe('invalid_request');
      expect(err.error_description).toMatch(/^body: /);
      if (row.says) expect(err.error_description).toMatch(row.says);
      expect(snapshot()).toBe(before);
    } else expect(put.body.ClientCertSubjectDn).toContain(`CN=${org.id}`);
  });

  it("the swagger's media type for the OAuth client body, `x-pem-file` (no `application/`), is 415 like any other", async () => {
    const res = await request(d.app)
      .put(`/v2.1/oauth/${org.id}`)
      .set('Authorization', `Bearer ${org.token}`)
      .set('Content-Type', 'x-pem-file')
      .send(wac);
    expect(res.status).toBe(415);
    expectOAuthError(res.text);
  });
});
