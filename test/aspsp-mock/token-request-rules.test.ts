import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS, type JtiRecord, type TokenRecord } from '../../aspsp-mock/model.js';
import { hashToken } from '../../aspsp-mock/token/access-token.js';
import { call, register, signedRegistration, type TestTpp } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * POST /token, one rule at a time (audit s8: F1 scope, F2 client assertions, F3 one
 * authentication method, F4 parameters given once): each case gets its status, OAuth `error`
 * and description, and leaves the store as it says — a refused request stores no token and no
 * jti; a granted one stores one token with the scope it answered.
 */
const sb = useTestSandbox();
const [tpp, other] = useTestTpps(sb, [{}, {}]);

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const tokenUrl = () => `${sb.bank.issuer}/token`;

interface Client {
  id: string;
  secret: string;
}
let basic: Client;
let post: Client;
let pkj: Client;
let tls: Client;
let otherTls: Client;

async function registerWith(t: TestTpp, overrides: Record<string, unknown>): Promise<Client> {
  const res = await register(t, sb.bank, await signedRegistration(t, sb.bank, { overrides }));
  expect(res.status, res.text).toBe(201);
  return { id: String(res.json().client_id), secret: String(res.json().client_secret ?? '') };
}

const noDn = { tls_client_auth_subject_dn: undefined };
beforeAll(async () => {
  basic = await registerWith(tpp, { token_endpoint_auth_method: 'client_secret_basic', ...noDn });
  post = await registerWith(tpp, { token_endpoint_auth_method: 'client_secret_post', ...noDn });
  pkj = await registerWith(tpp, {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'PS256',
    ...noDn,
  });
  tls = await registerWith(tpp, {});
  otherTls = await registerWith(other, {});
});

/** The jtis of the assertions a case made (a refused case must not have stored them). */
let caseJtis: string[] = [];

/** A signed private_key_jwt assertion of `pkj` (claims replaced or, with undefined, removed). */
async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const all: Record<string, unknown> = {
    iss: pkj.id,
    sub: pkj.id,
    aud: tokenUrl(),
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    ...claims,
  };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  if (typeof all.jti === 'string') caseJtis.push(all.jti);
  return new SignJWT(all)
    .setProtectedHeader({ alg: 'PS256', kid: tpp.signing.kid })
    .sign(tpp.signing.key.privateKey);
}

/** A form body exactly as given: names may repeat, in order. */
const raw = (pairs: [string, string][]): string =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
const basicHeader = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
const CC: [string, string] = ['grant_type', 'client_credentials'];

interface Case {
  name: string;
  body: () => Promise<string> | string;
  headers?: () => Record<string, string>;
  agent?: () => TestTpp;
  status: number;
  error?: string;
  description?: string | RegExp;
  /** The scope answered and stored (granted cases). */
  scope?: string;
}

const tokens = () => sb.bank.ctx.store.list<TokenRecord>(BANK_COLLECTIONS.tokens);
const assertionJtiStored = (jti: string) =>
  sb.bank.ctx.store.get<JtiRecord>(BANK_COLLECTIONS.jtis, `assertion:${pkj.id}:${jti}`) !== undefined;

async function runCase(c: Case): Promise<void> {
  caseJtis = [];
  const before = tokens().length;
  const body = await c.body();
  const res = await call((c.agent?.() ?? tpp).agent, 'POST', tokenUrl(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(c.headers?.() ?? {}) },
    body,
  });
  expect(res.status, res.text).toBe(c.status);
  if (c.status === 200) {
    expect(res.json().scope).toBe(c.scope);
    expect(tokens()).toHaveLength(before + 1);
    const stored = sb.bank.ctx.store.get<TokenRecord>(
      BANK_COLLECTIONS.tokens,
      hashToken(String(res.json().access_token)),
    );
    expect(stored?.scope).toBe(c.scope);
    return;
  }
  expect(res.json().error).toBe(c.error);
  if (c.description instanceof RegExp) expect(res.json().error_description).toMatch(c.description);
  else if (c.description !== undefined) expect(res.json().error_description).toBe(c.description);
  expect(tokens()).toHaveLength(before);
  for (const jti of caseJtis) expect(assertionJtiStored(jti), `jti ${jti} stored`).toBe(false);
}

describe('F4: a parameter the token endpoint reads is given at most once (RFC 6749 §3.1) → 400 invalid_request', () => {
  const twice = (name: string, a: string, b: string): Case => ({
    name: `${name} twice`,
    body: () => raw([CC, ['client_id', tls.id], [name, a], [name, b]]),
    status: 400,
    error: 'invalid_request',
    description: `${name} must not be given more than once`,
  });
  const cases: Case[] = [
    {
      name: 'grant_type twice, client_credentials first',
      body: () => raw([CC, ['grant_type', 'authorization_code'], ['client_id', tls.id]]),
      status: 400,
      error: 'invalid_request',
      description: 'grant_type must not be given more than once',
    },
    {
      name: 'grant_type twice, client_credentials second',
      body: () => raw([['grant_type', 'authorization_code'], CC, ['client_id', tls.id]]),
      status: 400,
      error: 'invalid_request',
      description: 'grant_type must not be given more than once',
    },
    {
      name: 'grant_type twice, the same value',
      body: () => raw([CC, CC, ['client_id', tls.id]]),
      status: 400,
      error: 'invalid_request',
      description: 'grant_type must not be given more than once',
    },
    {
      name: 'client_id twice (another client second)',
      body: () => raw([CC, ['client_id', tls.id], ['client_id', otherTls.id]]),
      status: 400,
      error: 'invalid_request',
      description: 'client_id must not be given more than once',
    },
    twice('scope', 'accounts', 'payments'),
    twice('client_secret', 'a', 'b'),
    twice('client_assertion_type', JWT_BEARER, JWT_BEARER),
    {
      name: 'client_assertion twice',
      body: async () =>
        raw([
          CC,
          ['client_assertion_type', JWT_BEARER],
          ['client_assertion', await assertion()],
          ['client_assertion', await assertion()],
        ]),
      status: 400,
      error: 'invalid_request',
      description: 'client_assertion must not be given more than once',
    },
    {
      name: 'a parameter the endpoint does not read, twice: ignored (§3.1)',
      body: () => raw([CC, ['client_id', tls.id], ['scope', 'accounts'], ['foo', '1'], ['foo', '2']]),
      status: 200,
      scope: 'accounts',
    },
    {
      name: 'a parameter without a value is as if omitted (§3.1): client_secret= beside tls_client_auth',
      body: () => raw([CC, ['client_id', tls.id], ['client_secret', ''], ['scope', 'accounts']]),
      status: 200,
      scope: 'accounts',
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => runCase(c));
});

describe('F3: one client authentication method per request (RFC 6749 §2.3) → 400 invalid_request', () => {
  const cases: Case[] = [
    {
      name: 'Basic + a (wrong) client_secret in the body',
      headers: () => basicHeader(basic.id, basic.secret),
      body: () => raw([CC, ['client_id', basic.id], ['client_secret', 'WRONG']]),
      status: 400,
      error: 'invalid_request',
      description:
        'use one client authentication method per request, not an Authorization header (client_secret_basic) and client_secret',
    },
    {
      name: 'Basic + the right client_secret in the body',
      headers: () => basicHeader(basic.id, basic.secret),
      body: () => raw([CC, ['client_secret', basic.secret]]),
      status: 400,
      error: 'invalid_request',
      description: /^use one client authentication method per request/,
    },
    {
      name: "Basic + another client's client_assertion",
      headers: () => basicHeader(basic.id, basic.secret),
      body: async () =>
        raw([CC, ['client_assertion_type', JWT_BEARER], ['client_assertion', await assertion()]]),
      status: 400,
      error: 'invalid_request',
      description:
        'use one client authentication method per request, not an Authorization header (client_secret_basic) and client_assertion',
    },
    {
      name: 'Basic + another client_id in the body',
      headers: () => basicHeader(basic.id, basic.secret),
      body: () => raw([CC, ['client_id', tls.id]]),
      status: 400,
      error: 'invalid_request',
      description: 'client_id differs from the client of the Authorization header',
    },
    {
      name: 'client_assertion + client_secret',
      body: async () =>
        raw([
          CC,
          ['client_assertion_type', JWT_BEARER],
          ['client_assertion', await assertion()],
          ['client_secret', 'foo'],
        ]),
      status: 400,
      error: 'invalid_request',
      description: 'use one client authentication method per request, not client_secret and client_assertion',
    },
    {
      name: 'Basic + client_secret + client_assertion',
      headers: () => basicHeader(basic.id, basic.secret),
      body: async () =>
        raw([
          CC,
          ['client_secret', 'x'],
          ['client_assertion_type', JWT_BEARER],
          ['client_assertion', await assertion()],
        ]),
      status: 400,
      error: 'invalid_request',
      description:
        'use one client authentication method per request, not an Authorization header (client_secret_basic) and client_secret and client_assertion',
    },
    {
      name: 'client_assertion + another client_id (as before: 401 invalid_client)',
      body: async () =>
        raw([
          CC,
          ['client_id', tls.id],
          ['client_assertion_type', JWT_BEARER],
          ['client_assertion', await assertion()],
        ]),
      status: 401,
      error: 'invalid_client',
      description: 'client_id does not match the client_assertion',
    },
    {
      name: 'Basic + the same client_id in the body: allowed',
      headers: () => basicHeader(basic.id, basic.secret),
      body: () => raw([CC, ['client_id', basic.id], ['scope', 'accounts']]),
      status: 200,
      scope: 'accounts',
    },
    {
      name: 'Basic alone',
      headers: () => basicHeader(basic.id, basic.secret),
      body: () => raw([CC, ['scope', 'payments']]),
      status: 200,
      scope: 'payments',
    },
    {
      name: 'client_id + client_secret (client_secret_post)',
      body: () => raw([CC, ['client_id', post.id], ['client_secret', post.secret], ['scope', 'openid']]),
      status: 200,
      scope: 'openid',
    },
    {
      name: 'client_assertion + the same client_id (private_key_jwt)',
      body: async () =>
        raw([
          CC,
          ['client_id', pkj.id],
          ['client_assertion_type', JWT_BEARER],
          ['client_assertion', await assertion()],
          ['scope', 'accounts'],
        ]),
      status: 200,
      scope: 'accounts',
    },
    {
      name: 'certificate + client_id (tls_client_auth)',
      body: () => raw([CC, ['client_id', tls.id], ['scope', 'accounts payments']]),
      status: 200,
      scope: 'accounts payments',
    },
    {
      name: "tls_client_auth with another TPP's client_id",
      body: () => raw([CC, ['client_id', otherTls.id]]),
      status: 401,
      error: 'invalid_client',
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => runCase(c));
});

describe('F1: scope is a set of space-delimited words (RFC 6749 §3.3), at most 1,024 characters', () => {
  const scoped =
    (scope: string | undefined): (() => string) =>
    () =>
      raw([
        CC,
        ['client_id', tls.id],
        ...(scope === undefined ? [] : [['scope', scope] as [string, string]]),
      ]);
  const cases: Case[] = [
    {
      name: 'no scope: every registered scope',
      body: scoped(undefined),
      status: 200,
      scope: 'accounts payments openid',
    },
    {
      name: 'one word three times',
      body: scoped('accounts accounts accounts'),
      status: 200,
      scope: 'accounts',
    },
    {
      name: 'repeats kept once, in the order first asked',
      body: scoped('payments accounts payments accounts'),
      status: 200,
      scope: 'payments accounts',
    },
    {
      name: 'extra spaces',
      body: scoped('  accounts    payments '),
      status: 200,
      scope: 'accounts payments',
    },
    {
      name: 'exactly 1,024 characters',
      body: scoped(`${'accounts '.repeat(113)}${' '.repeat(7)}`),
      status: 200,
      scope: 'accounts',
    },
    {
      name: '1,025 characters',
      body: scoped(`${'accounts '.repeat(113)}${' '.repeat(8)}`),
      status: 400,
      error: 'invalid_scope',
      description: 'scope must be at most 1024 characters',
    },
    {
      name: 'the audit request in kind: 45 KB of one registered word',
      body: scoped('accounts '.repeat(5000)),
      status: 400,
      error: 'invalid_scope',
      description: 'scope must be at most 1024 characters',
    },
    {
      name: 'a word not registered (named once)',
      body: scoped('accounts foo foo'),
      status: 400,
      error: 'invalid_scope',
      description: 'scope foo was not registered for this client',
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => runCase(c));
});

describe('F2: a client assertion lives at most 1 h and has a jti of at most 256 characters (RFC 7523 §3) → 401 invalid_client', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const withAssertion = (claims: () => Record<string, unknown>) => async () =>
    raw([
      CC,
      ['client_assertion_type', JWT_BEARER],
      ['client_assertion', await assertion(claims())],
      ['scope', 'accounts'],
    ]);
  const refused = (name: string, claims: () => Record<string, unknown>, description: string): Case => ({
    name,
    body: withAssertion(claims),
    status: 401,
    error: 'invalid_client',
    description,
  });
  const granted = (name: string, claims: () => Record<string, unknown>): Case => ({
    name,
    body: withAssertion(claims),
    status: 200,
    scope: 'accounts',
  });
  const cases: Case[] = [
    refused(
      'exp in the year 3000 (the audit)',
      () => ({ exp: 32503680000 }),
      'client_assertion must expire within 3600 s',
    ),
    refused(
      'exp 1 h + skew + 1 s ahead, no iat',
      () => ({ iat: undefined, exp: now() + 3600 + 30 + 5 }),
      'client_assertion must expire within 3600 s',
    ),
    granted('exp 1 h ahead, iat now', () => ({ exp: now() + 3600 })),
    granted('exp 10 min ahead, no iat', () => ({ iat: undefined, exp: now() + 600 })),
    refused(
      'exp - iat over 1 h (iat 2 h back)',
      () => ({ iat: now() - 7200, exp: now() + 60 }),
      'client_assertion exp - iat exceeds 3600 s',
    ),
    refused('iat not a number', () => ({ iat: 'yesterday' }), 'client_assertion iat must be a number'),
    refused(
      'expired',
      () => ({ iat: now() - 600, exp: now() - 300 }),
      'client_assertion has expired or has no exp',
    ),
    refused('exp not a number', () => ({ exp: '9999999999' }), 'client_assertion has expired or has no exp'),
    refused('no jti', () => ({ jti: undefined }), 'client_assertion jti is required'),
    refused(
      'a jti of 257 characters',
      () => ({ jti: 'j'.repeat(257) }),
      'client_assertion jti must be at most 256 characters',
    ),
    refused(
      'a jti of 45,000 characters (the audit)',
      () => ({ jti: 'j'.repeat(45_000) }),
      'client_assertion jti must be at most 256 characters',
    ),
    granted('a jti of 256 characters', () => ({ jti: `${randomUUID()}${'j'.repeat(220)}` })),
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await runCase(c);
    // a granted assertion's jti is on record until its exp plus the clock skew, no longer
    if (c.status === 200)
      for (const jti of caseJtis) {
        const r = sb.bank.ctx.store.get<JtiRecord>(BANK_COLLECTIONS.jtis, `assertion:${pkj.id}:${jti}`);
        expect(r?.expiresAt).toBeLessThanOrEqual(now() + 3600 + 30);
      }
  });
});
