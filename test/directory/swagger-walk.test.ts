import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactSign } from 'jose';
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
import { httpsDirectory, qualifiedCertificate } from './enrolment-helpers.js';

/**
 * Walks every operation of the published OB Directory API swagger (the
 * fixture copy in test/fixtures: the v2.1 paths, their /v2/ twins and the
 * unversioned `/organisation/{OrganisationType}/…` ones) against the
 * directory and validates every response — status, media type and body
 * schema — with openapi-backend (ajv), not with hand-written checks. The
 * list of operations comes from the swagger file itself: one the walk does
 * not exercise fails the test.
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
const OPERATIONS = Object.entries(doc.paths).flatMap(([p, item]) =>
  METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`),
);

let api: OpenAPIBackend;
let d: TestDirectory;
let tpp: TestOrganisation;
let https: { url: string; server: Server };
let bank: TestOrganisation;
const walked = new Set<string>();

interface Step {
  op: string;
  /** Over HTTPS with this client certificate (mutual TLS), instead of in-process. */
  tls?: { cert: string; key: string };
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
  let req = step.tls
    ? request(https.url)[method](step.path()).ca(d.ctx.ca.bundlePem).cert(step.tls.cert).key(step.tls.key)
    : request(d.app)[method](step.path());
  const token = (step.token ?? (() => tpp.token))();
  if (token) req = req.set('Authorization', `Bearer ${token}`);
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
  https = await httpsDirectory(d);
});
afterAll(async () => {
  await new Promise((resolve) => https?.server.close(resolve));
  d?.cleanup();
});

/** The three path families of the swagger: how each names an organisation, and the template the swagger uses. */
const FAMILIES = [
  {
    name: 'v2.1',
    prefix: '/v2.1',
    template: '/v2.1/organisation',
    path: (o: TestOrganisation, _type: string) => `/v2.1/organisation/${o.id}`,
  },
  {
    name: 'v2',
    prefix: '/v2',
    template: '/v2/organisation',
    path: (o: TestOrganisation, _type: string) => `/v2/organisation/${o.id}`,
  },
  {
    name: 'unversioned',
    prefix: '',
    template: '/organisation/{OrganisationType}',
    path: (o: TestOrganisation, type: string) => `/organisation/${type}/${o.id}`,
  },
] as const;

describe('OB Directory API swagger walk', () => {
  it.each(FAMILIES)('every $name operation answers as the swagger says', async (family) => {
    const T = family.template;
    const org = (o = tpp) => family.path(o, o === bank ? 'aspsp' : 'tpp');
    const v21 = family.name === 'v2.1';
    if (v21)
      await walk({
        op: 'GET /v2.1/oauth/{OrganisationId}',
        path: () => `/v2.1/oauth/${tpp.id}`,
        status: 204,
      });
    await walk({
      op: `GET ${T}`,
      path: () =>
        v21 ? '/v2.1/organisation' : family.name === 'v2' ? '/v2/organisation' : '/organisation/tpp',
      status: 200,
    });
    await walk({ op: `GET ${T}/{OrganisationId}`, path: () => org(), status: 200 });
    await walk({
      op: `PUT ${T}/{OrganisationId}/contact/{ContactType}`,
      path: () => `${org()}/contact/PTC`,
      type: 'application/vnd.openbanking.directory.orgcontacts-v2+json',
      body: () => ({ EmailAddress: 'ptc@acme.example', PhoneNumber: '+44 20 7946 0000' }),
      status: 200,
    });
    const contact = await walk({
      op: `GET ${T}/{OrganisationId}/contact/{ContactType}`,
      path: () => `${org()}/contact/PTC`,
      status: 200,
    });
    expect(contact.body).toEqual({ EmailAddress: 'ptc@acme.example', PhoneNumber: '+44 20 7946 0000' });
    const ss = await walk({
      op: `POST ${T}/{OrganisationId}/software-statement`,
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
      op: `GET ${T}/{OrganisationId}/software-statement`,
      path: () => `${org()}/software-statement`,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}`,
      path: () => ssPath,
      status: 200,
    });
    await walk({
      op: `PUT ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}`,
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
      op: `POST ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{SoftwareStatementCertificateOrKeyType}`,
      path: () => `${ssPath}/certificate/obtransport`,
      type: 'application/x-pem-file',
      body: () => legacyCsr(tKey, tpp.id, ss.body.Id),
      status: 201,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate`,
      path: () => `${ssPath}/certificate`,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{SoftwareStatementCertificateOrKeyType}`,
      path: () => `${ssPath}/certificate/obtransport`,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/software-statement-assertion`,
      path: () => `${ssPath}/software-statement-assertion`,
      accept: 'application/jws+json',
      status: 200,
    });
    const wac = await walk({
      op: `POST ${T}/{OrganisationId}/certificate/{OrganisationCertificateType}`,
      path: () => `${org()}/certificate/obwac`,
      type: 'application/x-pem-file',
      body: () => obwacCsr(wKey, tpp.id),
      status: 201,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/certificate`,
      path: () => `${org()}/certificate`,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/certificate/{OrganisationCertificateType}`,
      path: () => `${org()}/certificate/obwac`,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/certificate/kid/{CertificateOrKeyId}`,
      path: () => `${org()}/certificate/kid/${wac.body.kid}`,
      status: 200,
    });
    await walk({
      op: `PUT ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{OrganisationAssociativeCertificateType}/{CertificateOrKeyId}`,
      path: () => `${ssPath}/certificate/obwac/${wac.body.kid}`,
      type: 'application/json',
      body: () => ({ associate: true }),
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/certificate/{OrganisationAssociativeCertificateType}/{CertificateOrKeyId}`,
      path: () => `${ssPath}/certificate/obwac/${wac.body.kid}`,
      status: 200,
    });
    const wacPem = `-----BEGIN CERTIFICATE-----\n${wac.body.x5c[0]}\n-----END CERTIFICATE-----\n`;
    if (v21) {
      await walk({
        op: 'PUT /v2.1/oauth/{OrganisationId}',
        path: () => `/v2.1/oauth/${tpp.id}`,
        type: 'application/x-pem-file',
        body: () => wacPem,
        status: 200,
      });
      await walk({
        op: 'GET /v2.1/oauth/{OrganisationId}',
        path: () => `/v2.1/oauth/${tpp.id}`,
        status: 200,
      });
    }
    const redirect = await walk({
      op: `POST ${T}/{OrganisationId}/software-statement/{SoftwareStatementId}/redirect-uri`,
      path: () => `${ssPath}/redirect-uri`,
      type: 'text/plain',
      body: () => `https://walk.example/${family.name}`,
      status: 200,
    });
    expect(redirect.body.RedirectUri).toContain(`https://walk.example/${family.name}`);
    const validate = (status: number) =>
      walk({
        op: `POST ${family.prefix}/certificate/validate`,
        path: () => `${family.prefix}/certificate/validate`,
        type: 'application/x-pem-file',
        body: () => `-----BEGIN CERTIFICATE-----\n${transport.body.x5c[0]}\n-----END CERTIFICATE-----\n`,
        status,
      });
    const good = await validate(200);
    expect(good.body.data.certificate).toMatchObject({ type: 'obtransport', revoked: false, expired: false });
    expect(good.body.data.certificate.valid_obietf_certificate).toBe(true);
    expect(good.body.data.organisation.software_statements).toContainEqual({ software_id: ss.body.Id });
    await walk({
      op: `DELETE ${T}/{OrganisationId}/certificate/kid/{CertificateOrKeyId}`,
      path: () => `${org()}/certificate/kid/${transport.body.kid}`,
      status: 204,
    });
    const revoked = await validate(200);
    expect(revoked.body.data.certificate).toMatchObject({ revoked: true, valid_obietf_certificate: false });

    // eIDAS self-enrolment, over mutual TLS with a QWAC of the sandbox's QTSP: JSON, or a QSealC-signed JWS.
    const enrolPath = v21
      ? '/v2.1/organisation'
      : family.name === 'v2'
        ? '/v2/organisation'
        : '/organisation/tpp';
    for (const form of v21 ? ['json', 'jwt'] : family.name === 'v2' ? ['jwt'] : ['json']) {
      const identifier = `PSDUK-UKBXXX-${family.name.replace('.', '')}${form}`;
      const qwac = await qualifiedCertificate(d.ctx.ca, 'qwac', identifier);
      const metadata = {
        client_name: `Enrolled ${family.name} ${form}`,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'PS256',
        tls_client_auth_subject_dn: qwac.subjectDn,
        grant_types: ['client_credentials'],
      };
      let body: string = JSON.stringify(metadata);
      if (form === 'jwt') {
        const qseal = await qualifiedCertificate(d.ctx.ca, 'qseal', identifier);
        body = await new CompactSign(new TextEncoder().encode(body))
          .setProtectedHeader({ alg: 'PS256', x5c: [qseal.der.toString('base64')] })
          .sign(qseal.key.privateKey);
      }
      const enrolled = await walk({
        op: `POST ${T}`,
        path: () => enrolPath,
        token: () => '',
        tls: { cert: qwac.pem, key: qwac.key.privateKeyPem },
        type: form === 'json' ? 'application/json' : 'application/jwt',
        body: () => body,
        status: 201,
      });
      expect(enrolled.body).toMatchObject({
        client_name: metadata.client_name,
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
      });
      const created = d.ctx.repo.organisation(enrolled.body.ob_org_id);
      expect(created).toMatchObject({
        OrganisationIdentifier: identifier,
        LegalName: 'Enrolling Ltd',
        Roles: ['AISP', 'PISP'],
      });
      expect(d.ctx.repo.oauthClient(enrolled.body.client_id)?.OrganisationId).toBe(enrolled.body.ob_org_id);
    }
    const as = await walk({
      op: `POST ${T}/{OrganisationId}/authorisation-server`,
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
      op: `GET ${T}/{OrganisationId}/authorisation-server`,
      path: () => `${org(bank)}/authorisation-server`,
      token: () => bank.token,
      status: 200,
    });
    await walk({
      op: `GET ${T}/{OrganisationId}/authorisation-server/{AuthorisationServerId}`,
      path: () => asPath,
      token: () => bank.token,
      status: 200,
    });
    await walk({
      op: `PUT ${T}/{OrganisationId}/authorisation-server/{AuthorisationServerId}`,
      path: () => asPath,
      token: () => bank.token,
      type: 'application/json',
      body: () => ({ OpenIDConfigEndPointUri: 'https://bank2.example/.well-known/openid-configuration' }),
      status: 202,
    });
    await walk({
      op: `DELETE ${T}/{OrganisationId}/authorisation-server/{AuthorisationServerId}`,
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

  it('walked every operation of the swagger', () => {
    expect(OPERATIONS.length).toBeGreaterThan(80);
    expect(OPERATIONS.filter((op) => !walked.has(op))).toEqual([]);
    expect([...walked].filter((op) => !OPERATIONS.includes(op))).toEqual([]);
  });
});
