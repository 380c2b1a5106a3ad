import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { createTppServiceApp } from '../../tpp-client/service/app.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
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
import { call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * Every route of the TPP service, read from its Express app, against one table of malformed and
 * hostile input (test/helpers/hostile-input.ts): the right status, an OAuth-style error body,
 * nothing internal shown; then registration requests that point the service at internal URLs —
 * each 502 `upstream_error` that names the URL asked for and nothing that answered there.
 * Afterwards the service answers /health and its registrations are unchanged.
 */

let sb: TestSandbox;
let tpp: RunningTppService;
let agent: Agent;
/** A plain-HTTP service on loopback whose every answer holds a marker that must never reach a caller. */
let internal: Server;
let internalUrl = '';
const MARKER = 'INTERNAL-ONLY-7d1c';

beforeAll(async () => {
  sb = await startTestSandbox();
  tpp = await startTppService(
    {
      dataDir: sb.dataDir,
      port: 0,
      banks: { default: sb.bank.discovery },
      directory: { url: sb.directory.url, caBundlePem: sb.caBundle, adminToken: sb.directory.adminToken },
    },
    { logger: silentLogger },
  );
  agent = new Agent({ connect: { ca: sb.caBundle } });
  internal = createServer((req, res) => {
    const status = req.url?.includes('500') ? 500 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'secret', error_description: MARKER, issuer: MARKER }));
  }).listen(0, '127.0.0.1');
  await new Promise((r) => internal.once('listening', r));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => internal?.close(r));
  await agent?.close();
  await tpp?.close();
  await sb?.close();
});

const admin = (): [string, string][] => [['authorization', `Bearer ${sb.directory.adminToken}`]];
const registrations = async () =>
  (await call(agent, 'GET', `${tpp.url}/api/registrations`, { headers: { authorization: admin()[0][1] } }))
    .text;

function specs(): RouteSpec[] {
  const app = createTppServiceApp({
    logger: silentLogger,
    adminToken: 'x',
    registrations: { list: () => [] } as never,
    jwks: () => ({ keys: [] }),
    register: async () => ({ ok: false, status: 500, error: 'x' }),
  });
  return routesOf(app).map((route): RouteSpec => {
    const path = route.split(' ')[1];
    if (path !== '/api/registrations') return { route };
    return {
      route,
      auth: true,
      ...(route.startsWith('POST')
        ? { body: { types: ['application/json'], json: true, limit: 16 * 1024 } }
        : {}),
    };
  });
}

describe('the TPP service: every route against malformed and hostile input', () => {
  let before = '';
  const cases: HostileCase[] = [];
  beforeAll(async () => {
    before = await registrations();
    const seen = new Set<string>();
    for (const s of specs()) {
      const path = s.route.split(' ')[1];
      for (const c of hostileCases(s, { auth: admin(), placeholder: () => 'Z' }))
        cases.push({ ...c, name: `${c.method} ${c.path.slice(0, 80)} — ${c.name}` });
      if (!seen.has(path) && path !== '/health') {
        seen.add(path);
        cases.push({
          name: `PATCH ${path}`,
          method: 'PATCH',
          path: fill(path, 'Z'),
          headers: admin(),
          status: [405],
        });
      }
    }
  });

  it('lists every route of the app', () => {
    expect(specs().map((s) => s.route)).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /jwks',
        'GET /callback',
        'POST /api/registrations',
        'GET /api/registrations',
      ]),
    );
  });

  it('each variant: the right status, the error body, nothing internal', async () => {
    const failures: string[] = [];
    const origin = new URL(tpp.url).origin;
    for (const c of cases) {
      const res = await sendRaw(agent, origin, c.method, c.path, c.headers, c.body);
      if (!c.status.includes(res.status)) {
        failures.push(`${c.name}: ${res.status} (want ${c.status.join('/')}) ${res.text.slice(0, 160)}`);
        continue;
      }
      if (res.status >= 400) expectOAuthError(res.text, c.name);
      expectNoLeak(res.text, [sb.directory.adminToken], c.name);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(cases.length).toBeGreaterThan(40);
  }, 60_000);

  it.each([
    ['a closed port on loopback', () => 'https://127.0.0.1:1/.well-known/openid-configuration'],
    ['a plain-HTTP service on loopback', () => `${internalUrl}/.well-known/openid-configuration`],
    ['a loopback service answering 500', () => `${internalUrl}/500`],
    ["the directory's admin API", () => `${sb.directory.url}/admin/organisations`],
    ["the directory's CA certificate", () => `${sb.directory.url}/ca/root.pem`],
    ["the bank's admin listing", () => `${sb.bank.issuer}/admin/clients`],
  ])('bank = %s → 400 or 502, nothing of what answered', async (_what, url) => {
    const res = await call(agent, 'POST', `${tpp.url}/api/registrations`, {
      headers: { ...Object.fromEntries(admin()), 'content-type': 'application/json' },
      body: JSON.stringify({ bank: url() }),
    });
    expect([400, 502], res.text).toContain(res.status);
    const body = expectOAuthError(res.text, url());
    expect(['invalid_request', 'upstream_error']).toContain(body.error);
    for (const leaked of [
      MARKER,
      'BEGIN CERTIFICATE',
      'invalid_token',
      'admin token',
      'ECONNREFUSED',
      'status 401',
    ])
      expect(res.text).not.toContain(leaked);
  });

  it('afterwards: /health answers and the registrations are unchanged', async () => {
    expect(await registrations()).toBe(before);
    expect((await call(agent, 'GET', `${tpp.url}/health`)).status).toBe(200);
    expectPrototypeClean();
  });
});
