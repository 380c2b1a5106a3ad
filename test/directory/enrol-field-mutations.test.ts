import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createCsr, issueCertificate, type KeyPair, parseCsr } from '../../certs/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import { keyPool, type TestDirectory, testDirectory } from '../helpers/directory.js';
import { type JsonSchema, type Mutation, mutationsOf, set, swaggerAjv } from '../helpers/field-mutations.js';
import { expectNoLeak, expectOAuthError } from '../helpers/hostile-input.js';
import { httpsDirectory } from './enrolment-helpers.js';

/**
 * eIDAS self-enrolment (`EnrolSchema`, QWAC onboarding as application/json) field by field,
 * as test/directory/field-mutation-sweep.test.ts does for the other JSON bodies: a body valid
 * by the swagger changed one field at a time, sent over mutual TLS with a QWAC under
 * `/v2.1/organisation`, `/v2/organisation` and `/organisation/tpp`. A change the swagger (read
 * with ajv), the free-text rule or the documented enrolment rules (docs/directory.md, "eIDAS
 * self-enrolment") refuse is 400 `invalid_client_metadata` naming the field, the same under each
 * path, and nothing is stored; any other enrols (201; each with a QWAC of its own, since an
 * organisation enrols once).
 */
const here = dirname(fileURLToPath(import.meta.url));
const doc = parseYaml(
  readFileSync(join(here, '..', 'fixtures', 'ob-directory-api-v2.1.swagger.yaml'), 'utf8'),
);
const ENROL_SCHEMA: JsonSchema = structuredClone(doc.components.schemas.EnrolSchema);
// The swagger gives tls_client_auth_subject_dn the enum of auth methods, an evident slip
// (docs/directory.md): it is a DN string.
(ENROL_SCHEMA.properties as Record<string, JsonSchema>).tls_client_auth_subject_dn = { type: 'string' };
const ajv = swaggerAjv();
const validate = ajv.compile(ENROL_SCHEMA);

/** The directory's enrolment rules where they say more than the swagger (docs/directory.md). */
const DEVIATIONS: Record<string, { accepted: boolean; why: string }> = {};
const deviate = (accepted: boolean, why: string, ...keys: string[]) => {
  for (const k of keys) DEVIATIONS[k] = { accepted, why };
};
deviate(
  false,
  'grant_types is ["client_credentials"]: the directory issues tokens for nothing else',
  'grant_types: item of 10,000 characters',
  'grant_types: item of 5 characters',
  'grant_types: 1,000 items',
  'grant_types: empty array',
);
deviate(
  false,
  'token_endpoint_auth_method: private_key_jwt or tls_client_auth (what the token endpoint supports); token_endpoint_auth_signing_alg: PS256',
  ...['token_endpoint_auth_method', 'token_endpoint_auth_signing_alg'].flatMap((f) => [
    `${f}: empty string`,
    `${f}: 10,000 characters`,
    ...['NUL', 'BEL', 'CR LF', 'C1 control', 'right-to-left override', 'isolate'].map(
      (c) => `${f}: ${c} in free text`,
    ),
  ]),
);
deviate(
  false,
  "tls_client_auth_subject_dn must be the QWAC's subject DN",
  'tls_client_auth_subject_dn: empty string',
  'tls_client_auth_subject_dn: 10,000 characters',
);
deviate(
  false,
  'client_name becomes the organisation name: 1 to 140 characters',
  'client_name: empty string',
  'client_name: 10,000 characters',
);
deviate(
  false,
  'every string the directory stores is bounded, also where the swagger sets no maxLength',
  'scope: 10,000 characters',
  'software_id: 10,000 characters',
  'software_version: 10,000 characters',
  'response_types: item of 10,000 characters',
  'client_uri: 10,000 characters',
  'jwks_uri: 10,000 characters',
  'contacts: 1,000 items',
  'redirect_uris: 1,000 items',
  'response_types: 1,000 items',
);
deviate(
  false,
  'the directory stores http(s) URLs only',
  ...['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri', 'redirect_uris'].map(
    (f) => `${f}: URI that is not http(s)`,
  ),
);
const used = new Set<string>();

let d: TestDirectory;
let https: { url: string; server: Server };
let key: KeyPair;
let serial = 0;

/** A QWAC of the sandbox's QTSP for a new organizationIdentifier, and an agent presenting it. */
function qwac(): { agent: Agent; dn: string } {
  const identifier = `PSDGB-FCA-${String(++serial).padStart(6, '0')}`;
  const csr = parseCsr(
    createCsr({
      key,
      subject: [
        { name: 'C', value: 'GB' },
        { name: 'O', value: 'Mutating Ltd' },
        { name: 'organizationIdentifier', value: identifier },
        { name: 'CN', value: 'mutating.example' },
      ],
    }),
  );
  const issued = issueCertificate(d.ctx.ca, {
    type: 'qwac',
    csr,
    ctx: {
      orgId: 'enrolling',
      legalName: 'Mutating Ltd',
      organisationIdentifier: identifier,
      roles: ['PSP_AI'],
    },
  });
  const agent = new Agent({ connect: { ca: d.ctx.ca.bundlePem, cert: issued.pem, key: key.privateKeyPem } });
  return { agent, dn: `CN=mutating.example,organizationIdentifier=${identifier},O=Mutating Ltd,C=GB` };
}

const validBody = (dn: string): Record<string, unknown> => ({
  redirect_uris: ['https://mutating.example/cb'],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: 'PS256',
  tls_client_auth_subject_dn: dn,
  grant_types: ['client_credentials'],
  response_types: ['code'],
  client_name: 'Mutating',
  client_uri: 'https://mutating.example/',
  logo_uri: 'https://mutating.example/logo.png',
  scope: 'TPPReadAccess',
  contacts: ['ops@mutating.example'],
  tos_uri: 'https://mutating.example/terms',
  policy_uri: 'https://mutating.example/policy',
  jwks_uri: 'https://mutating.example/jwks',
  software_id: 'mutating-app',
  software_version: '1.0',
});

const agents: Agent[] = [];
let shared: { agent: Agent; dn: string };

beforeAll(async () => {
  d = await testDirectory();
  https = await httpsDirectory(d);
  key = await keyPool.take();
  shared = qwac();
  agents.push(shared.agent);
});
afterAll(async () => {
  for (const a of agents) await a.close();
  await new Promise((r) => https?.server.close(r));
  d?.cleanup();
});

const snapshot = () => JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));
const PATHS = ['/v2.1/organisation', '/v2/organisation', '/organisation/tpp'];

async function enrol(agent: Agent, path: string, body: unknown) {
  const res = await request(`${https.url}${path}`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('eIDAS self-enrolment, one field of EnrolSchema changed at a time, under each path', () => {
  it('the valid body is valid by the swagger and enrols under each path', async () => {
    for (const path of PATHS) {
      const q = qwac();
      agents.push(q.agent);
      expect(validate(validBody(q.dn)), ajv.errorsText(validate.errors)).toBe(true);
      const res = await enrol(q.agent, path, validBody(q.dn));
      expect(res.status, `${path}: ${res.text}`).toBe(201);
    }
  });

  it('each change: refused alike under each path with nothing stored, or enrolled', async () => {
    const failures: string[] = [];
    let sent = 0;
    const fields = Object.entries(ENROL_SCHEMA.properties ?? {});
    const valid = validBody(shared.dn);
    const changes: [string, Mutation][] = fields.flatMap(([field, prop]) =>
      field in valid ? mutationsOf(field, prop, valid[field]).map((m): [string, Mutation] => [field, m]) : [],
    );
    changes.push([
      '(extra)',
      { name: 'a field the schema does not name', apply: set('NotInTheSchema', 'x') },
    ]);
    for (const [field, mutation] of changes) {
      const key = `${field}: ${mutation.name}`;
      const body = mutation.apply(structuredClone(valid));
      const deviation = DEVIATIONS[key];
      if (deviation) used.add(key);
      const accepted = deviation ? deviation.accepted : !mutation.freeText && validate(body) === true;
      const seen: string[] = [];
      for (const path of PATHS) {
        sent++;
        if (accepted) {
          const q = qwac();
          agents.push(q.agent);
          const mine = mutation.apply(validBody(q.dn));
          const res = await enrol(q.agent, path, mine);
          if (res.status !== 201)
            failures.push(`${key} @ ${path}: ${res.status} (want 201) ${res.text.slice(0, 200)}`);
          continue;
        }
        const before = snapshot();
        const res = await enrol(shared.agent, path, body);
        if (res.status !== 400) {
          failures.push(`${key} @ ${path}: ${res.status} (want 400) ${res.text.slice(0, 200)}`);
          continue;
        }
        const err = expectOAuthError(res.text, key);
        if (err.error !== 'invalid_client_metadata') failures.push(`${key} @ ${path}: error ${err.error}`);
        if (!err.error_description.includes(field))
          failures.push(`${key} @ ${path}: "${err.error_description}" names not ${field}`);
        expectNoLeak(res.text, [d.adminToken], key);
        if (snapshot() !== before) failures.push(`${key} @ ${path}: a stored record changed`);
        seen.push(res.text);
      }
      if (seen.length === PATHS.length && new Set(seen).size !== 1)
        failures.push(`${key}: the paths differ:\n  ${seen.join('\n  ')}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(Object.keys(DEVIATIONS).filter((k) => !used.has(k))).toEqual([]);
    expect(sent).toBeGreaterThan(300);
    console.info(`enrolment field mutations: ${sent} requests`);
  }, 180_000);

  it('no field the schema does not name is stored', () => {
    expect(snapshot()).not.toContain('NotInTheSchema');
  });
});
