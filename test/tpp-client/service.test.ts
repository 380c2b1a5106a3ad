import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankFromSpec, DEFAULT_BANK } from '../../aspsp-mock/index.js';
import { silentLogger } from '../../lib/logger.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
import { call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { keyPool, sendJson, serverCredentials, startStubServer } from './helpers.js';

let sb: TestSandbox;
let tpp: RunningTppService;
let agent: Agent;
beforeAll(async () => {
  sb = await startTestSandbox({ banks: [DEFAULT_BANK, bankFromSpec('picky=no-refresh-pairwise-scoped')] });
  tpp = await startTppService(
    {
      dataDir: sb.dataDir,
      port: 0,
      banks: Object.fromEntries(sb.aspsp.banks.map((b) => [b.id, b.discovery])),
      directory: { url: sb.directory.url, caBundlePem: sb.caBundle, adminToken: sb.directory.adminToken },
    },
    { logger: silentLogger },
  );
  agent = new Agent({ connect: { ca: sb.caBundle } });
}, 60_000);
afterAll(async () => {
  await agent?.close();
  await tpp?.close();
  await sb?.close();
});

const admin = () => ({
  authorization: `Bearer ${sb.directory.adminToken}`,
  'content-type': 'application/json',
});
const post = (body: unknown, headers = admin()) =>
  call(agent, 'POST', `${tpp.url}/api/registrations`, { headers, body: JSON.stringify(body) });

describe('TPP service', () => {
  it('serves over HTTPS with an OBWAC from the directory; JWKS empty before onboarding', async () => {
    const health = await call(agent, 'GET', `${tpp.url}/health`);
    expect(health.status).toBe(200);
    const jwks = await call(agent, 'GET', `${tpp.url}/jwks`);
    expect(jwks.json()).toEqual({ keys: [] });
  });

  it('POST /api/registrations onboards once and registers at a bank by id; secrets never shown in full', async () => {
    const first = await post({ bank: 'default' });
    expect(first.status, first.text).toBe(201);
    expect(first.json()).toMatchObject({
      bank: 'default',
      status: 201,
      token_endpoint_auth_method: 'tls_client_auth',
    });
    const second = await post({ bank: sb.bank.discovery, token_endpoint_auth_method: 'client_secret_basic' });
    expect(second.status, second.text).toBe(201);
    expect(String(second.json().client_secret)).toMatch(/^.{4}…$/);
    const list = await call(agent, 'GET', `${tpp.url}/api/registrations`, { headers: admin() });
    expect(list.status).toBe(200);
    const regs = list.json() as unknown as { client_id: string; client_secret?: string }[];
    expect(regs).toHaveLength(2);
    expect(regs.every((r) => !r.client_secret || r.client_secret.length === 5)).toBe(true);
    const jwks = (await call(agent, 'GET', `${tpp.url}/jwks`)).json() as {
      keys: { use: string; d?: string }[];
    };
    expect(jwks.keys.map((k) => k.use).sort()).toEqual(['sig', 'tls']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const keyFile = join(sb.dataDir, 'tpp', 'material', 'signing.key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('reports a bank refusal as 502 with the bank error', async () => {
    const res = await post({ bank: 'picky' });
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({
      error: 'registration_refused',
      bank_status: 400,
      bank_error: 'invalid_client_metadata',
    });
  });

  it('refuses bad calls: no token 401, wrong token 401, bad body 400, unknown bank 400', async () => {
    expect(
      (await post({ bank: 'default' }, { authorization: '', 'content-type': 'application/json' })).status,
    ).toBe(401);
    // RFC 6750 §3.1: a token that is not valid is 401 invalid_token, as at the directory and the bank.
    const wrong = await post(
      { bank: 'default' },
      { authorization: 'Bearer nope', 'content-type': 'application/json' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(wrong.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the admin token is not valid',
    });
    const bad = await post({ bank: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      error: 'invalid_request',
      error_description: 'bank is required: a bank id or a discovery URL',
    });
    const unknown = await post({ bank: 'nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.json().error_description).toMatch(/^unknown bank 'nowhere'/);
    for (const [bank, description] of [
      ['constructor', /^unknown bank 'constructor'/],
      ['__proto__', /^unknown bank '__proto__'/],
      ['toString', /^unknown bank 'toString'/],
      ['https://', /^unknown bank 'https:\/\/'/],
      ['https://user:secret@localhost/x', /^the bank URL must not carry user information/],
      ['https://user@localhost/x', /^the bank URL must not carry user information/],
    ] as const) {
      const res = await post({ bank });
      expect(res.status, bank).toBe(400);
      expect(res.json().error, bank).toBe('invalid_request');
      expect(res.json().error_description, bank).toMatch(description);
    }
    const garbage = await call(agent, 'POST', `${tpp.url}/api/registrations`, {
      headers: admin(),
      body: '{',
    });
    expect(garbage.status).toBe(400);
  });

  // `bank` may be any https URL: the answer must not tell what lives there (a port scan, the
  // sandbox's own services) — the kind of failure only; the detail goes to the log.
  it.each([
    ['a closed port', () => 'https://127.0.0.1:1/.well-known/openid-configuration', /ECONNREFUSED|connect/],
    [
      'the directory, which answers 401',
      () => `${sb.directory.url}/v2.1/organisation`,
      /401|answered|expected/,
    ],
    [
      'the bank token endpoint, not a discovery document',
      () => sb.bank.discovery.replace(/\.well-known.*$/, 'token'),
      /40\d|answered|expected/,
    ],
  ])('a discovery URL at %s: 502 upstream_error saying only the kind of failure', async (_what, url, leak) => {
    const res = await post({ bank: url() });
    expect(res.status).toBe(502);
    const body = res.json() as { error: string; error_description: string };
    expect(body.error).toBe('upstream_error');
    expect(body.error_description).toMatch(/\(the TPP service's log says why\)$/);
    expect(body.error_description.replace(url(), 'URL')).not.toMatch(leak);
  });

  it('names where the failing call went: a closed port by its origin, a bad document by its URL', async () => {
    const closed = await post({ bank: 'https://127.0.0.1:1/.well-known/openid-configuration' });
    expect(closed.json().error_description).toBe(
      "https://127.0.0.1:1 could not be reached (the TPP service's log says why)",
    );
    const url = `${sb.directory.url}/v2.1/organisation`;
    expect((await post({ bank: url })).json().error_description).toBe(
      `${url} did not give a usable discovery document (the TPP service's log says why)`,
    );
  });
});

describe('TPP service: a bank whose discovery names its issuer on another host', () => {
  it('502 upstream_error, a discovery document not usable; nothing is registered there', async () => {
    const bank = await startStubServer(
      await serverCredentials(sb.directory.ctx.ca),
      sb.caBundle,
      (req, res) => {
        const base = `https://127.0.0.1:${bank.port}`;
        if (req.path === '/.well-known/openid-configuration')
          return sendJson(res, 200, {
            issuer: `https://localhost:${bank.port}`,
            registration_endpoint: `${base}/register`,
            token_endpoint: `${base}/token`,
            token_endpoint_auth_methods_supported: ['tls_client_auth'],
            request_object_signing_alg_values_supported: ['PS256'],
            ob_organisation_id: '0015800001041REAAY',
          });
        sendJson(res, 400, { error: 'invalid_client_metadata', error_description: 'no' });
      },
    );
    try {
      const url = `${bank.url}/.well-known/openid-configuration`;
      const res = await post({ bank: url });
      expect(res.status).toBe(502);
      expect(res.json()).toEqual({
        error: 'upstream_error',
        error_description: `${url} did not give a usable discovery document (the TPP service's log says why)`,
      });
      expect(bank.requests.map((r) => [r.method, r.path])).toEqual([
        ['GET', '/.well-known/openid-configuration'],
      ]);
    } finally {
      await bank.close();
      keyPool.close();
    }
  });
});
