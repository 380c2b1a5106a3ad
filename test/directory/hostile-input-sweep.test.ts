import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryApp } from '../../directory/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import {
  createOrganisation,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import {
  expectNoLeak,
  expectOAuthError,
  expectPrototypeClean,
  fill,
  type HostileCase,
  hostileCases,
  type RouteSpec,
  routesOf,
  sendRaw,
} from '../helpers/hostile-input.js';

/**
 * Every route of the directory, read from its Express app, against one table of malformed and
 * hostile input (test/helpers/hostile-input.ts): each variant gets the right status and the
 * directory's error body ({error, error_description}), no answer shows internals or a
 * credential, and afterwards the directory answers /health and no stored record changed.
 * The hand-written tables (bad-input, surface-bad-input) check each route's own rules; this one
 * checks that no route was left out.
 */

const LIMIT = 64 * 1024;
const JSON_BODY = { types: ['application/json'], json: true, limit: LIMIT };
const PEM_BODY = { types: ['application/x-pem-file'], limit: LIMIT };
const SS_BODY = {
  types: ['application/vnd.openbanking.directory.softwarestatement-v2+json', 'application/json'],
  json: true,
  limit: LIMIT,
};
const AS_BODY = {
  types: ['application/vnd.openbanking.directory.authorisationserver-v2+json', 'application/json'],
  json: true,
  limit: LIMIT,
};

/** Route path with its version prefix taken off, so one table serves /v2.1, /v2 and the unversioned paths. */
const tail = (path: string) =>
  path.replace(/^\/v2(?:\.1)?\/organisation/, '').replace(/^\/organisation\/:OrganisationType/, '');

/** The body each route reads (every other route reads none). */
function bodyOf(method: string, path: string): RouteSpec['body'] {
  const t = tail(path);
  if (method === 'POST' && path === '/ocsp') return { types: ['application/ocsp-request'], limit: 4096 };
  if (method === 'POST' && path === '/as/token.oauth2')
    return { types: ['application/x-www-form-urlencoded'], limit: LIMIT };
  if (method === 'POST' && path === '/admin/organisations') return JSON_BODY;
  if (method === 'POST' && path.startsWith('/admin/qtsp/')) return PEM_BODY;
  if (method === 'PUT' && path.startsWith('/v2.1/oauth/')) return PEM_BODY;
  if (method === 'POST' && path.endsWith('/certificate/validate')) return PEM_BODY;
  if (method === 'POST' && t === '') return JSON_BODY; // organisation creation with the admin token
  if (method === 'PUT' && t.includes('/contact/'))
    return {
      types: ['application/vnd.openbanking.directory.orgcontacts-v2+json', 'application/json'],
      json: true,
      limit: LIMIT,
    };
  if (t.endsWith('/redirect-uri')) return { types: ['text/plain'], limit: LIMIT };
  if (
    (method === 'POST' && t.endsWith('/software-statement')) ||
    (method === 'PUT' && t.endsWith('/:SoftwareStatementId'))
  )
    return SS_BODY;
  if (method === 'POST' && t.endsWith('/certificate/:CertificateType')) return PEM_BODY;
  if (method === 'PUT' && t.endsWith('/:CertificateOrKeyId')) return JSON_BODY;
  if ((method === 'POST' || method === 'PUT') && t.includes('/authorisation-server')) return AS_BODY;
  return undefined;
}

const PUBLIC = /^(?:\/health|\/ca\/|\/keystore\/|\/ocsp|\/\.well-known\/|\/as\/token\.oauth2)/;

/** Ids of the right shape that name nothing stored. */
const PLACEHOLDER: Record<string, string> = {
  OrganisationId: 'Z'.repeat(18),
  SoftwareStatementId: 'Z'.repeat(22),
  AuthorisationServerId: 'Z'.repeat(22),
  CertificateOrKeyId: 'Z'.repeat(27),
  CertificateType: 'obtransport',
  ContactType: 'Business',
  OrganisationType: 'tpp',
  org: 'Z'.repeat(18),
  file: 'Z.jwks',
  request: 'MAA',
};

let d: TestDirectory;
let org: TestOrganisation;
let server: Server;
let origin = '';
const snapshot = () => JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));

beforeAll(async () => {
  d = await testDirectory();
  org = await createOrganisation(d);
  server = createDirectoryApp(d.ctx).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  d?.cleanup();
});

function specs(): RouteSpec[] {
  // A throwaway app of the same configuration: the route list is the code's, not a copy.
  return routesOf(createDirectoryApp(d.ctx)).map((route) => {
    const [method, path] = route.split(' ');
    const isPublic = PUBLIC.test(path);
    return {
      route,
      auth: !isPublic,
      body: bodyOf(method, path),
      // The unversioned paths answer 404 for an organisation type that is not aspsp or tpp.
      oddStatus: [400, 404],
      // RFC 6960 §2.3: an OCSP request that cannot be parsed gets 200 and malformedRequest in the OCSP response.
      ...(path.startsWith('/ocsp') ? { badBodyStatus: [200], oddStatus: [200, 400, 404] } : {}),
    };
  });
}

describe('the directory: every route against malformed and hostile input', () => {
  let before = '';
  let cases: HostileCase[] = [];
  beforeAll(() => {
    before = snapshot();
    const seen = new Set<string>();
    for (const s of specs()) {
      cases.push(
        ...hostileCases(s, {
          auth: [['authorization', `Bearer ${d.adminToken}`]],
          placeholder: (p) => PLACEHOLDER[p] ?? 'Z',
        }),
      );
      const path = s.route.split(' ')[1];
      if (!seen.has(path)) {
        seen.add(path);
        cases.push({
          name: 'PATCH',
          method: 'PATCH',
          path: fill(path, (p) => PLACEHOLDER[p] ?? 'Z'),
          headers: [],
          status: [405],
        });
      }
    }
    cases = cases.map((c) => ({ ...c, name: `${c.method} ${c.path.slice(0, 80)} — ${c.name}` }));
  });

  it('lists every route of the app (the sweep covers what the code serves)', () => {
    const routes = specs().map((s) => s.route);
    expect(routes.length).toBeGreaterThan(60);
    for (const r of [
      'GET /health',
      'POST /as/token.oauth2',
      'GET /keystore/:org/:file',
      'PUT /v2.1/oauth/:OrganisationId',
    ])
      expect(routes).toContain(r);
  });

  it('each variant: the right status, the error body, nothing internal', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const res = await sendRaw(undefined, origin, c.method, c.path, c.headers, c.body);
      if (!c.status.includes(res.status)) {
        failures.push(`${c.name}: ${res.status} (want ${c.status.join('/')}) ${res.text.slice(0, 160)}`);
        continue;
      }
      if (res.status >= 400) expectOAuthError(res.text, c.name);
      expectNoLeak(res.text, [d.adminToken, org.token], c.name);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
  }, 120_000);

  it('afterwards: /health answers, no stored record changed, nothing reached Object.prototype', async () => {
    expect(snapshot()).toBe(before);
    const health = await sendRaw(undefined, origin, 'GET', '/health');
    expect(health.status).toBe(200);
    const mine = await sendRaw(undefined, origin, 'GET', `/v2.1/organisation/${org.id}`, [
      ['authorization', `Bearer ${org.token}`],
    ]);
    expect(mine.status, mine.text).toBe(200);
    expectPrototypeClean();
  });
});
