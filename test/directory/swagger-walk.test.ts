import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend } from 'openapi-backend';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  createOrganisation,
  keyPool,
  legacyCsr,
  obwacCsr,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';

/**
 * Walks the OB Directory API v2.1 operations of the published swagger
 * (the fixture copy in test/fixtures) against the directory and validates
 * every response — status, media type and body schema — with
 * openapi-backend (ajv), not with hand-written checks.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SWAGGER = join(here, '..', 'fixtures', 'ob-directory-api-v2.1.swagger.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Doc = {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
};
const doc = parseYaml(readFileSync(SWAGGER, 'utf8')) as Doc;
// openapi-backend indexes validators by operationId; this swagger has none, so name each "METHOD path".
for (const [path, item] of Object.entries(doc.paths))
  for (const m of METHODS) if (item[m]) item[m].operationId = `${m.toUpperCase()} ${path}`;
const V21 = Object.entries(doc.paths)
  .filter(([p]) => p.startsWith('/v2.1/'))
  .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`));

/**
 * v2.1 operations of the swagger the directory does not serve as specified
 * yet, with why (the walk checks this list stays exactly true).
 */
const GAPS: Record<string, string> = {
  // The swagger's POST /v2.1/organisation is eIDAS self-enrolment answered with a DCR-style
  // client (client_id, jwks_uri, …); obmock's creates an organisation for the admin instead.
  'POST /v2.1/organisation': 'eIDAS self-enrolment not implemented (admin create instead)',
};
const NOT_IMPLEMENTED = [
  ...Object.keys(GAPS),
  'POST /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/redirect-uri',
  'POST /v2.1/certificate/validate',
];

let api: OpenAPIBackend;
let d: TestDirectory;
let tpp: TestOrganisation;
let bank: TestOrganisation;
const walked = new Set<string>();

interface Step {
  op: string;
  path: () => string;
  token?: () => string;
  type?: string;
  body?: () => string | Record<string, unknown>;
  accept?: string;
  status: number;
}

/** Calls one operation and validates the answer against the swagger; returns the body. */
async function walk(step: Step): Promise<request.Response> {
  const method = step.op.split(' ')[0].toLowerCase() as 'get';
  let req = request(d.app)
    [method](step.path())
    .set('Authorization', `Bearer ${(step.token ?? (() => tpp.token))()}`);
  if (step.accept) req = req.set('Accept', step.accept);
  // Read every body as text; JSON is parsed below only where it is JSON (a compact JWS under a +json type is not).
  req = req.buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => {
      text += c;
    });
    r.on('end', () => done(null, text));
  });
  if (step.type) req = req.set('Content-Type', step.type);
  const body = step.body?.();
  const res = await (body === undefined
    ? req
    : req.send(typeof body === 'string' ? body : JSON.stringify(body)));
  expect(res.status, `${step.op}: ${res.text}`).toBe(step.status);
  const operation = api.getOperation(step.op);
  expect(operation, step.op).toBeDefined();
  const spec = operation?.responses?.[String(step.status)] as
    | { content?: Record<string, unknown> }
    | undefined;
  expect(spec, `${step.op} documents status ${step.status}`).toBeDefined();
  if (spec?.content && res.status !== 204) {
    const media = String(res.headers['content-type'] ?? '').split(';')[0];
    expect(Object.keys(spec.content), `${step.op} media type`).toContain(media);
    if (/json/.test(media)) {
      let parsed: unknown = res.body;
      try {
        parsed = JSON.parse(res.body as string);
      } catch {
        // validated as the text it is
      }
      const result = api.validateResponse(parsed, step.op, step.status);
      expect(result.errors ?? [], `${step.op} body`).toEqual([]);
    }
  }
  walked.add(step.op);
  try {
    res.body = JSON.parse(res.body as string);
  } catch {
    // not JSON
  }
  return res;
}

beforeAll(async () => {
  api = new OpenAPIBackend({ definition: doc as never, strict: false, validate: true, quick: true });
  await api.init();
  d = await testDirectory();
  tpp = await createOrganisation(d, { LegalName: 'Acme Ltd' });
  bank = await createOrganisation(d, {
    OrganisationName: 'Bank',
    OrganisationType: 'aspsp',
    Roles: ['ASPSP'],
  });
});
afterAll(() => d?.cleanup());

describe('OB Directory API v2.1 swagger walk', () => {
  it('every v2.1 operation answers as the swagger says', async () => {
    const org = (o = tpp) => `/v2.1/organisation/${o.id}`;
    await walk({ op: 'GET /v2.1/oauth/{OrganisationId}', path: () => `/v2.1/oauth/${tpp.id}`, status: 204 });
    await walk({ op: 'GET /v2.1/organisation', path: () => '/v2.1/organisation', status: 200 });
    await walk({ op: 'GET /v2.1/organisation/{OrganisationId}', path: () => org(), status: 200 });
    await walk({
      op: 'PUT /v2.1/organisation/{OrganisationId}/contact/{ContactType}',
      path: () => `${org()}/contact/PTC`,
      type: 'application/vnd.openbanking.directory.orgcontacts-v2+json',
      body: () => ({ EmailAddress: 'ptc@acme.example', PhoneNumber: '+44 20 7946 0000' }),
      status: 200,
    });
    const contact = await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/contact/{ContactType}',
      path: () => `${org()}/contact/PTC`,
      status: 200,
    });
    expect(contact.body).toEqual({ EmailAddress: 'ptc@acme.example', PhoneNumber: '+44 20 7946 0000' });
    const ss = await walk({
      op: 'POST /v2.1/organisation/{OrganisationId}/software-statement',
      path: () => `${org()}/software-statement`,
      type: 'application/json',
      body: () => ({
        ClientName: 'Walk app',
        RedirectUri: ['https://walk.example/cb'],
        Roles: ['AISP', 'PISP'],
      }),
      status: 201,
    });
    const ssPath = `${org()}/software-statement/${ss.body.Id}`;
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement',
      path: () => `${org()}/software-statement`,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}',
      path: () => ssPath,
      status: 200,
    });
    await walk({
      op: 'PUT /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}',
      path: () => ssPath,
      type: 'application/json',
      body: () => ({
        ClientName: 'Walk app 2',
        RedirectUri: ['https://walk.example/cb'],
        Roles: ['AISP', 'PISP'],
      }),
      status: 200,
    });
    const [tKey, wKey] = await Promise.all([keyPool.take(), keyPool.take()]);
    const transport = await walk({
      op: 'POST /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{SoftwareStatementCertificateOrKeyType}',
      path: () => `${ssPath}/certificate/obtransport`,
      type: 'application/x-pem-file',
      body: () => legacyCsr(tKey, tpp.id, ss.body.Id),
      status: 201,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate',
      path: () => `${ssPath}/certificate`,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{SoftwareStatementCertificateOrKeyType}',
      path: () => `${ssPath}/certificate/obtransport`,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/software-statement-assertion',
      path: () => `${ssPath}/software-statement-assertion`,
      accept: 'application/jws+json',
      status: 200,
    });
    const wac = await walk({
      op: 'POST /v2.1/organisation/{OrganisationId}/certificate/{OrganisationCertificateType}',
      path: () => `${org()}/certificate/obwac`,
      type: 'application/x-pem-file',
      body: () => obwacCsr(wKey, tpp.id),
      status: 201,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/certificate',
      path: () => `${org()}/certificate`,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/certificate/{OrganisationCertificateType}',
      path: () => `${org()}/certificate/obwac`,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/certificate/kid/{CertificateOrKeyId}',
      path: () => `${org()}/certificate/kid/${wac.body.kid}`,
      status: 200,
    });
    await walk({
      op: 'PUT /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{OrganisationAssociativeCertificateType}/{CertificateOrKeyId}',
      path: () => `${ssPath}/certificate/obwac/${wac.body.kid}`,
      type: 'application/json',
      body: () => ({ associate: true }),
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{OrganisationAssociativeCertificateType}/{CertificateOrKeyId}',
      path: () => `${ssPath}/certificate/obwac/${wac.body.kid}`,
      status: 200,
    });
    const wacPem = `-----BEGIN CERTIFICATE-----\n${wac.body.x5c[0]}\n-----END CERTIFICATE-----\n`;
    await walk({
      op: 'PUT /v2.1/oauth/{OrganisationId}',
      path: () => `/v2.1/oauth/${tpp.id}`,
      type: 'application/x-pem-file',
      body: () => wacPem,
      status: 200,
    });
    await walk({ op: 'GET /v2.1/oauth/{OrganisationId}', path: () => `/v2.1/oauth/${tpp.id}`, status: 200 });
    await walk({
      op: 'DELETE /v2.1/organisation/{OrganisationId}/certificate/kid/{CertificateOrKeyId}',
      path: () => `${org()}/certificate/kid/${transport.body.kid}`,
      status: 204,
    });
    const as = await walk({
      op: 'POST /v2.1/organisation/{OrganisationId}/authorisation-server',
      path: () => `${org(bank)}/authorisation-server`,
      token: () => bank.token,
      type: 'application/json',
      body: () => ({
        OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration',
        CustomerFriendlyName: 'Bank',
      }),
      status: 201,
    });
    const asPath = `${org(bank)}/authorisation-server/${as.body.Id}`;
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/authorisation-server',
      path: () => `${org(bank)}/authorisation-server`,
      token: () => bank.token,
      status: 200,
    });
    await walk({
      op: 'GET /v2.1/organisation/{OrganisationId}/authorisation-server/{AuthorisationServerId}',
      path: () => asPath,
      token: () => bank.token,
      status: 200,
    });
    await walk({
      op: 'PUT /v2.1/organisation/{OrganisationId}/authorisation-server/{AuthorisationServerId}',
      path: () => asPath,
      token: () => bank.token,
      type: 'application/json',
      body: () => ({ OpenIDConfigEndPointUri: 'https://bank2.example/.well-known/openid-configuration' }),
      status: 202,
    });
    await walk({
      op: 'DELETE /v2.1/organisation/{OrganisationId}/authorisation-server/{AuthorisationServerId}',
      path: () => asPath,
      token: () => bank.token,
      status: 204,
    });
  });

  it('the validator does reject a body that breaks the swagger (it can fail)', () => {
    const bad = api.validateResponse({ client_id: 42 }, 'POST /v2.1/organisation', 201);
    expect(bad.valid).toBe(false);
    expect(bad.errors?.map((e) => e.keyword)).toContain('required');
  });

  it('walked every v2.1 operation of the swagger except the ones listed as not implemented', () => {
    expect([...walked].sort()).toEqual(V21.filter((op) => !NOT_IMPLEMENTED.includes(op)).sort());
    for (const op of NOT_IMPLEMENTED) expect(V21).toContain(op);
  });
});
