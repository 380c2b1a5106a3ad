import { beforeAll, describe, expect, it } from 'vitest';
import { bankAdminRouter } from '../../aspsp-mock/admin/router.js';
import { createBankRouter } from '../../aspsp-mock/app.js';
import { faultAdminRouter } from '../../aspsp-mock/faults/admin.js';
import { BANK_COLLECTIONS } from '../../aspsp-mock/model.js';
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
import { call, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

/**
 * Every route of the sandbox bank — its issuer's routes, its admin listings, its faults admin
 * API, the server's /health and message tap — read from its Express routers, against one table
 * of malformed and hostile input (test/helpers/hostile-input.ts), over mutual TLS with a
 * registered TPP's certificate. Each variant gets the right status and the spec's error body
 * (OAuth `error`/`error_description`; the Read/Write API's OBErrorResponse1 for the consents),
 * no answer shows internals or a credential, and afterwards the bank answers /health, serves
 * the TPP, and no stored client, token or consent changed.
 */

const sb = useTestSandbox();
const tpp = useTestTpp(sb);
let clientId = '';
let accessToken = '';
let origin = '';
let base = '';

const LIMIT = 64 * 1024;
const CONSENTS = '/open-banking/v3.1/aisp/account-access-consents';

beforeAll(async () => {
  origin = new URL(sb.bank.issuer).origin;
  base = new URL(sb.bank.issuer).pathname;
  const reg = await call(tpp.agent, 'POST', `${sb.bank.issuer}/register`, {
    headers: { 'content-type': 'application/jose' },
    body: await signedRegistration(tpp, sb.bank),
  });
  expect(reg.status, reg.text).toBe(201);
  clientId = String(reg.json().client_id);
  const tok = await call(tpp.agent, 'POST', `${sb.bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString(),
  });
  expect(tok.status, tok.text).toBe(200);
  accessToken = String(tok.json().access_token);
}, 60_000);

/** Every route, as the code lists it, with what the sweep must know of it. */
function specs(): RouteSpec[] {
  const ctx = sb.bank.ctx;
  const bankRoutes = routesOf(createBankRouter(ctx), base);
  const admin = routesOf(bankAdminRouter(ctx, 'x'), `${base}/admin`);
  const faults = routesOf(faultAdminRouter(ctx.faults, 'x'), `${base}/admin/faults`).map((r) =>
    r.replace(/\/$/, ''),
  );
  const all = ['GET /health', 'GET /admin/messages', ...bankRoutes, ...admin, ...faults];
  return all.map((route): RouteSpec => {
    const [method, path] = route.split(' ');
    const p = path.slice(base.length);
    if (p === '/register' && method === 'POST')
      return { route, body: { types: ['application/jose'], limit: LIMIT }, badBodyStatus: [400] };
    if (p === '/register/:ClientId')
      // An unknown client is 401 (OB DCR), whatever the id looks like.
      return {
        route,
        auth: true,
        oddStatus: [400, 401],
        placeholderStatus: [401],
        badBodyStatus: [400, 401],
        ...(method === 'PUT' ? { body: { types: ['application/jose'], limit: LIMIT } } : {}),
      };
    if (p === '/token')
      return {
        route,
        body: { types: ['application/x-www-form-urlencoded'], limit: LIMIT },
        badBodyStatus: [400, 401],
      };
    if (p === CONSENTS)
      return { route, auth: true, body: { types: ['application/json'], json: true, limit: LIMIT } };
    if (p === `${CONSENTS}/:ConsentId`)
      return { route, auth: true, oddStatus: [400, 404], placeholderStatus: [404] };
    if (p.startsWith('/admin/faults'))
      return {
        route,
        auth: true,
        ...(method === 'POST' ? { body: { types: ['application/json'], json: true, limit: 16 * 1024 } } : {}),
        placeholderStatus: [200, 204, 400, 404],
      };
    if (p.startsWith('/admin/') || path === '/admin/messages') return { route, auth: true };
    return { route }; // discovery, JWKS, profile, health
  });
}

/** The credential each protected route takes. */
function authFor(path: string): [string, string][] {
  const p = path.slice(base.length);
  if (p.startsWith('/register/')) return [['authorization', 'Bearer well-formed-but-unknown']];
  if (p.startsWith(CONSENTS)) return [['authorization', `Bearer ${accessToken}`]];
  return [['authorization', `Bearer ${sb.directory.adminToken}`]];
}

const PLACEHOLDER: Record<string, string> = {
  ClientId: '00000000-0000-4000-8000-000000000000',
  faultId: 'f-none',
};

const snapshot = () =>
  JSON.stringify(
    [BANK_COLLECTIONS.clients, BANK_COLLECTIONS.tokens, BANK_COLLECTIONS.consents].map((c) =>
      sb.bank.ctx.store.list(c),
    ),
  );

/** The consents are an OB Read/Write API resource: OBErrorResponse1; everything else OAuth-style. */
function expectBankError(path: string, text: string, where: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  if (path.includes(CONSENTS) && 'Errors' in body) {
    expect(Object.keys(body).sort(), where).toEqual(['Code', 'Errors', 'Id', 'Message']);
    expect((body.Errors as unknown[]).length, where).toBe(1);
    return;
  }
  expectOAuthError(text, where);
}

describe('the bank: every route against malformed and hostile input', () => {
  let before = '';
  const cases: HostileCase[] = [];
  beforeAll(() => {
    before = snapshot();
    const seen = new Set<string>();
    for (const s of specs()) {
      const path = s.route.split(' ')[1];
      for (const c of hostileCases(s, { auth: authFor(path), placeholder: (p) => PLACEHOLDER[p] ?? 'Z' }))
        cases.push({ ...c, name: `${c.method} ${c.path.slice(0, 90)} — ${c.name}` });
      if (!seen.has(path) && path !== '/health' && path !== '/admin/messages') {
        seen.add(path);
        cases.push({
          name: `PATCH ${path}`,
          method: 'PATCH',
          path: fill(path, (p) => PLACEHOLDER[p] ?? 'Z'),
          headers: authFor(path),
          status: [405],
        });
      }
    }
  });

  it('lists every route the bank serves', () => {
    const routes = specs().map((s) => s.route);
    for (const r of [
      `POST ${base}/register`,
      `GET ${base}/register/:ClientId`,
      `PUT ${base}/register/:ClientId`,
      `DELETE ${base}/register/:ClientId`,
      `POST ${base}/token`,
      `POST ${base}${CONSENTS}`,
      `GET ${base}${CONSENTS}/:ConsentId`,
      `GET ${base}/admin/clients`,
      `POST ${base}/admin/faults`,
      `DELETE ${base}/admin/faults/:faultId`,
    ])
      expect(routes).toContain(r);
  });

  it('each variant: the right status, the error body, nothing internal', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const res = await sendRaw(tpp.agent, origin, c.method, c.path, c.headers, c.body);
      if (!c.status.includes(res.status)) {
        failures.push(`${c.name}: ${res.status} (want ${c.status.join('/')}) ${res.text.slice(0, 160)}`);
        continue;
      }
      if (res.status >= 400) expectBankError(c.path, res.text, c.name);
      expectNoLeak(res.text, [sb.directory.adminToken, accessToken], c.name, [origin, sb.directory.url]);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(cases.length).toBeGreaterThan(250);
  }, 120_000);

  it('afterwards: /health answers, the TPP is served, no client, token or consent changed', async () => {
    expect(snapshot()).toBe(before);
    expect((await sendRaw(tpp.agent, origin, 'GET', '/health')).status).toBe(200);
    const mine = await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${clientId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(mine.status, mine.text).toBe(200);
    expectPrototypeClean();
  });
});
