import { createHash, X509Certificate } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BANK } from '../../aspsp-mock/config.js';
import { createBankFaults } from '../../aspsp-mock/faults/setup.js';
import type { FaultSpec } from '../../aspsp-mock/faults/spec.js';
import { seededDraw } from '../../aspsp-mock/faults/state.js';
import { AspspConfigError } from '../../aspsp-mock/index.js';
import {
  call,
  type HttpResult,
  register,
  signedRegistration,
  startTestSandbox,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

const sb = useTestSandbox();
const tpp = useTestTpp(sb);
let ssa: string;
let plain: Agent;
let clientId: string;
let accessToken: string;

const issuer = () => sb.bank.issuer;

async function admin(
  method: string,
  path = '',
  opts: { body?: unknown; token?: string | null; type?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? sb.directory.adminToken : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  return call(plain, method, `${issuer()}/admin/faults${path}`, {
    headers,
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
  });
}

async function addFault(spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await admin('POST', '', { body: spec });
  expect(res.status, res.text).toBe(201);
  return res.json();
}

async function freshRegistration(): Promise<HttpResult> {
  return register(tpp, sb.bank, await signedRegistration(tpp, sb.bank, { ssa }));
}

const discovery = () => call(tpp.agent, 'GET', sb.bank.discovery);
const bankJwks = () => call(tpp.agent, 'GET', `${issuer()}/jwks`);
const token = () =>
  call(tpp.agent, 'POST', `${issuer()}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: 'accounts',
    }).toString(),
  });
const readClient = () =>
  call(tpp.agent, 'GET', `${issuer()}/register/${clientId}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
const createConsent = () =>
  call(tpp.agent, 'POST', `${issuer()}/open-banking/v3.1/aisp/account-access-consents`, {
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
  });

beforeAll(async () => {
  ssa = await tpp.ssa();
  plain = new Agent({ connect: { ca: sb.caBundle } });
  const reg = await freshRegistration();
  expect(reg.status, reg.text).toBe(201);
  clientId = String(reg.json().client_id);
  const t = await token();
  expect(t.status, t.text).toBe(200);
  accessToken = String(t.json().access_token);
});
afterEach(async () => {
  if (sb) expect((await admin('DELETE')).status).toBe(204);
});
afterAll(async () => {
  await plain?.close();
});

/** One request's result: the response and how long it took, or the error the client saw. */
type Outcome = { res?: HttpResult; error?: Error; ms: number };

async function attempt(fn: () => Promise<HttpResult>): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fn();
    return { res, ms: performance.now() - started };
  } catch (err) {
    return { error: err as Error, ms: performance.now() - started };
  }
}

function response(o: Outcome): HttpResult {
  expect(o.error, String(o.error)).toBeUndefined();
  return o.res!;
}

interface KindCase {
  name: string;
  spec: Record<string, unknown>;
  /** A request to the faulted endpoint. */
  request: () => Promise<HttpResult>;
  faulted: (o: Outcome) => void;
  normal: (o: Outcome) => void;
  /** A request to another endpoint, while the fault is active: unaffected. */
  other: () => Promise<HttpResult>;
  otherOk: (r: HttpResult) => void;
}

const json = (r: HttpResult) => expect(String(r.headers['content-type'])).toMatch(/^application\/json/);

const KIND_CASES: KindCase[] = [
  {
    name: 'latency delays, then answers normally',
    spec: { kind: 'latency', endpoints: ['discovery'], latencyMs: 600 },
    request: discovery,
    faulted: (o) => {
      expect(o.ms).toBeGreaterThanOrEqual(590);
      expect(response(o).status).toBe(200);
      expect(response(o).json().issuer).toBe(sb.bank.issuer);
    },
    normal: (o) => {
      expect(o.ms).toBeLessThan(450);
      expect(response(o).status).toBe(200);
    },
    other: bankJwks,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'status 503 answers temporarily_unavailable',
    spec: { kind: 'status', endpoints: ['register'], status: 503 },
    request: freshRegistration,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(503);
      json(r);
      expect(r.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.stringMatching(/^injected fault [\w-]+: register answered 503$/),
      });
    },
    normal: (o) => expect(response(o).status, response(o).text).toBe(201),
    other: discovery,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'status 502 on management answers server_error',
    spec: { kind: 'status', endpoints: ['manage'], status: 502 },
    request: readClient,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(502);
      json(r);
      expect(r.json()).toMatchObject({ error: 'server_error', error_description: /injected fault/ });
    },
    normal: (o) => {
      expect(response(o).status).toBe(200);
      expect(response(o).json().client_id).toBe(clientId);
    },
    other: token,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'rate_limit answers 429 with Retry-After',
    spec: { kind: 'rate_limit', endpoints: ['token'], retryAfterSeconds: 7 },
    request: token,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('7');
      json(r);
      expect(r.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.stringMatching(/^injected fault .*retry after 7 s$/),
      });
    },
    normal: (o) => {
      expect(response(o).status).toBe(200);
      expect(response(o).headers['retry-after']).toBeUndefined();
      expect(typeof response(o).json().access_token).toBe('string');
    },
    other: discovery,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'reset closes the connection without a response',
    spec: { kind: 'reset', endpoints: ['jwks'] },
    request: bankJwks,
    faulted: (o) => {
      expect(o.res).toBeUndefined();
      expect(o.error).toBeInstanceOf(Error);
      expect(String((o.error as { code?: string }).code)).toMatch(/^UND_ERR_SOCKET$|^ECONNRESET$/);
    },
    normal: (o) => {
      expect(response(o).status).toBe(200);
      expect(Array.isArray(response(o).json().keys)).toBe(true);
    },
    other: discovery,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'empty_body keeps the status the endpoint gives, with no body',
    spec: { kind: 'empty_body', endpoints: ['register'] },
    request: freshRegistration,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(201);
      expect(r.text).toBe('');
      expect(r.headers['content-length']).toBe('0');
    },
    normal: (o) => {
      expect(response(o).status).toBe(201);
      expect(response(o).json().client_id).toMatch(/^[0-9a-f-]{36}$/);
    },
    other: discovery,
    otherOk: (r) => expect(r.json().issuer).toBe(sb.bank.issuer),
  },
  {
    name: 'malformed_body sends truncated JSON',
    spec: { kind: 'malformed_body', endpoints: ['discovery'] },
    request: discovery,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(200);
      json(r);
      expect(r.text).toBe('{"client_id": ');
      expect(r.headers['content-length']).toBe(String('{"client_id": '.length));
      expect(() => r.json()).toThrow(SyntaxError);
    },
    normal: (o) => expect(response(o).json().issuer).toBe(sb.bank.issuer),
    other: bankJwks,
    otherOk: (r) => expect(Array.isArray(r.json().keys)).toBe(true),
  },
  {
    name: 'wrong_content_type sends the real body as text/html',
    spec: { kind: 'wrong_content_type', endpoints: ['consents'] },
    request: createConsent,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(201);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect((r.json().Data as { ConsentId: string }).ConsentId).toBeTruthy();
    },
    normal: (o) => {
      expect(response(o).status).toBe(201);
      json(response(o));
    },
    other: discovery,
    otherOk: (r) => json(r),
  },
  {
    name: 'clock_skew +600 s makes a fresh request expired',
    spec: { kind: 'clock_skew', endpoints: ['register'], skewSeconds: 600 },
    request: freshRegistration,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({
        error: 'invalid_client_metadata',
        error_description: expect.stringMatching(/exp/),
      });
    },
    normal: (o) => expect(response(o).status, response(o).text).toBe(201),
    other: token,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'directory_jwks_unreachable fails the software statement check',
    spec: { kind: 'directory_jwks_unreachable', endpoints: ['register'] },
    request: freshRegistration,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({
        error: 'invalid_software_statement',
        error_description: expect.stringMatching(
          /^cannot verify software_statement: could not fetch JWKS https:\/\/.*\/keystore\/openbanking\.jwks: connection refused \(injected fault\)$/,
        ),
      });
    },
    normal: (o) => expect(response(o).status, response(o).text).toBe(201),
    other: token,
    otherOk: (r) => expect(r.status).toBe(200),
  },
  {
    name: 'directory_jwks_garbage fails the software statement check',
    spec: { kind: 'directory_jwks_garbage', endpoints: ['register'] },
    request: freshRegistration,
    faulted: (o) => {
      const r = response(o);
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({
        error: 'invalid_software_statement',
        error_description: expect.stringMatching(
          /^cannot verify software_statement: JWKS https:\/\/.*\/keystore\/openbanking\.jwks is not JSON$/,
        ),
      });
    },
    normal: (o) => expect(response(o).status, response(o).text).toBe(201),
    other: discovery,
    otherOk: (r) => expect(r.status).toBe(200),
  },
];

describe('each fault kind hits exactly the chosen requests of the chosen endpoint', () => {
  it.each(KIND_CASES)('$name', async (c) => {
    // Warm up: the endpoint works (and caches are filled) before the fault is added.
    c.normal(await attempt(c.request));
    const added = await addFault({ ...c.spec, count: 2 });
    expect(added).toMatchObject({ ...c.spec, count: 2, remaining: 2, applied: 0 });
    const first = await attempt(c.request);
    c.otherOk(await c.other());
    const second = await attempt(c.request);
    c.otherOk(await c.other());
    const third = await attempt(c.request);
    c.faulted(first);
    c.faulted(second);
    c.normal(third);
    const listed = (await admin('GET', `/${String(added.id)}`)).json();
    expect(listed).toMatchObject({ remaining: 0, applied: 2, matched: 2 });
  });

  it('latencyMs combines with another kind: delay, then the fault', async () => {
    await addFault({ kind: 'status', endpoints: ['discovery'], status: 500, latencyMs: 300, count: 1 });
    const o = await attempt(discovery);
    expect(o.ms).toBeGreaterThanOrEqual(290);
    expect(response(o).status).toBe(500);
    expect(response(o).json().error).toBe('server_error');
    expect((await discovery()).status).toBe(200);
  });

  it('clock_skew shifts the whole clock: −7200 s makes the client certificate not yet valid', async () => {
    await addFault({ kind: 'clock_skew', endpoints: ['register'], skewSeconds: -7200, count: 1 });
    const r = await freshRegistration();
    expect(r.status).toBe(401);
    expect(r.json().error).toBe('invalid_client');
    expect((await freshRegistration()).status).toBe(201);
  });

  it("'*' covers every bank endpoint but never the admin API or /profile", async () => {
    await addFault({ kind: 'status', endpoints: ['*'], status: 500, count: 3 });
    expect((await admin('GET')).status).toBe(200);
    expect((await call(tpp.agent, 'GET', `${issuer()}/profile`)).status).toBe(200);
    expect((await discovery()).status).toBe(500);
    expect((await bankJwks()).status).toBe(500);
    expect((await token()).status).toBe(500);
    expect((await discovery()).status).toBe(200);
  });

  it('an outcome fault spent on a request does not let a second one consume its count', async () => {
    const a = await addFault({ id: 'a', kind: 'status', endpoints: ['discovery'], status: 502, count: 1 });
    const b = await addFault({ id: 'b', kind: 'rate_limit', endpoints: ['discovery'], count: 1 });
    expect((await discovery()).status).toBe(502);
    expect((await discovery()).status).toBe(429);
    expect((await discovery()).status).toBe(200);
    expect((await admin('GET', `/${String(a.id)}`)).json()).toMatchObject({ applied: 1, remaining: 0 });
    expect((await admin('GET', `/${String(b.id)}`)).json()).toMatchObject({ applied: 1, remaining: 0 });
  });
});

describe('a fault limited to one client certificate (clientCertificate: its x5t#S256)', () => {
  const x5t = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');

  it('hits only requests presenting that certificate; others neither match nor count', async () => {
    const f = await addFault({
      kind: 'status',
      endpoints: ['discovery', 'token'],
      status: 503,
      count: 2,
      clientCertificate: x5t(tpp.transport.certPem),
    });
    expect(f.clientCertificate).toBe(x5t(tpp.transport.certPem));
    // no client certificate: untouched, not counted
    expect((await call(plain, 'GET', sb.bank.discovery)).status).toBe(200);
    expect((await admin('GET', `/${String(f.id)}`)).json()).toMatchObject({ matched: 0, applied: 0 });
    // the certificate named: faulted, twice, then spent
    expect((await discovery()).status).toBe(503);
    expect((await token()).status).toBe(503);
    expect((await discovery()).status).toBe(200);
    expect((await admin('GET', `/${String(f.id)}`)).json()).toMatchObject({ applied: 2, remaining: 0 });
  });

  it('another certificate than the one named: nothing happens to this TPP', async () => {
    const other = createHash('sha256').update('another certificate').digest('base64url');
    const f = await addFault({ kind: 'reset', endpoints: ['*'], count: 1, clientCertificate: other });
    expect((await discovery()).status).toBe(200);
    expect((await token()).status).toBe(200);
    expect((await admin('GET', `/${String(f.id)}`)).json()).toMatchObject({ matched: 0, remaining: 1 });
  });
});

describe('probability and seed', () => {
  const run = async (seed: number): Promise<boolean[]> => {
    await admin('DELETE');
    await addFault({ kind: 'status', endpoints: ['discovery'], status: 503, probability: 0.5, seed });
    const out: boolean[] = [];
    for (let i = 0; i < 20; i++) out.push((await discovery()).status === 503);
    return out;
  };

  it('the same seed repeats the same fault/no-fault sequence; another seed differs', async () => {
    const a = await run(42);
    const b = await run(42);
    const c = await run(4242);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a).toEqual(Array.from({ length: 20 }, (_, i) => seededDraw(42, i) < 0.5));
    expect(a).toContain(true);
    expect(a).toContain(false);
    const [listed] = (await admin('GET')).json().faults as Record<string, unknown>[];
    expect(listed).toMatchObject({ seed: 4242, probability: 0.5, matched: 20 });
    expect(listed.applied).toBe(c.filter(Boolean).length);
    expect(listed.remaining).toBeUndefined();
  });

  it('without a seed, one is chosen and shown so the run can be repeated', async () => {
    const f = await addFault({ kind: 'latency', endpoints: ['jwks'], latencyMs: 1, probability: 0.1 });
    expect(Number.isInteger(f.seed)).toBe(true);
  });
});

describe('admin API', () => {
  it('401 without the admin token or with a wrong one', async () => {
    for (const [method, tokenValue] of [
      ['GET', null],
      ['POST', 'wrong'],
      ['DELETE', null],
      ['DELETE', sb.directory.adminToken.slice(1)],
    ] as const) {
      const res = await admin(method, method === 'DELETE' ? '/x' : '', {
        token: tokenValue,
        body: method === 'POST' ? { kind: 'reset', endpoints: ['jwks'], count: 1 } : undefined,
      });
      expect(res.status, `${method} ${tokenValue}`).toBe(401);
      expect(res.json().error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const basic = await call(plain, 'GET', `${issuer()}/admin/faults`, {
      headers: { authorization: 'Basic eDp5' },
    });
    expect(basic.status).toBe(401);
    expect((await admin('GET')).json().faults).toEqual([]);
  });

  const ok = { kind: 'status', endpoints: ['register'], count: 1 };
  const BAD: [string, unknown, RegExp][] = [
    ['array body', [ok], /JSON object/],
    ['no kind', { endpoints: ['register'], count: 1 }, /^kind is required/],
    ['unknown kind', { ...ok, kind: 'explode' }, /^kind must be one of/],
    ['no endpoints', { kind: 'reset', count: 1 }, /^endpoints is required/],
    ['empty endpoints', { ...ok, endpoints: [] }, /^endpoints must have at least 1/],
    ['endpoints not an array', { ...ok, endpoints: 'register' }, /^endpoints must be of type/],
    ['unknown endpoint', { ...ok, endpoints: ['register', 'authorize'] }, /^endpoints\[1\] must be one of/],
    ['count and probability', { ...ok, probability: 0.5 }, /^give exactly one of count and probability/],
    ['neither count nor probability', { kind: 'reset', endpoints: ['jwks'] }, /^give exactly one of count/],
    ['count 0', { ...ok, count: 0 }, /^count must be from 1 to/],
    ['count fractional', { ...ok, count: 1.5 }, /^count must be of type integer/],
    ['count a string', { ...ok, count: '2' }, /^count must be of type integer/],
    [
      'probability > 1',
      { kind: 'reset', endpoints: ['jwks'], probability: 1.5 },
      /^probability must be from 0 to 1/,
    ],
    [
      'probability < 0',
      { kind: 'reset', endpoints: ['jwks'], probability: -0.1 },
      /^probability must be from 0/,
    ],
    ['seed without probability', { ...ok, seed: 1 }, /^seed applies only with probability/],
    [
      'negative seed',
      { kind: 'reset', endpoints: ['jwks'], probability: 0.5, seed: -1 },
      /^seed must be from 0/,
    ],
    [
      'seed too big',
      { kind: 'reset', endpoints: ['jwks'], probability: 0.5, seed: 2 ** 32 },
      /^seed must be/,
    ],
    ['status 404', { ...ok, status: 404 }, /^status must be from 500 to 599/],
    [
      'status on another kind',
      { ...ok, kind: 'rate_limit', status: 503 },
      /^status applies only to kind 'status'/,
    ],
    ['latency without latencyMs', { ...ok, kind: 'latency' }, /^latencyMs is required/],
    ['latencyMs negative', { ...ok, latencyMs: -5 }, /^latencyMs must be from 0 to 60000/],
    ['latencyMs too long', { ...ok, latencyMs: 600_000 }, /^latencyMs must be from 0 to 60000/],
    [
      'retryAfterSeconds negative',
      { ...ok, kind: 'rate_limit', retryAfterSeconds: -1 },
      /^retryAfterSeconds must be/,
    ],
    [
      'retryAfterSeconds on status',
      { ...ok, retryAfterSeconds: 5 },
      /^retryAfterSeconds applies only to kind/,
    ],
    ['clock_skew without skewSeconds', { ...ok, kind: 'clock_skew' }, /^skewSeconds is required/],
    [
      'skewSeconds on latency',
      { ...ok, kind: 'latency', latencyMs: 5, skewSeconds: 5 },
      /^skewSeconds applies/,
    ],
    [
      'directory JWKS fault on the token endpoint',
      { ...ok, kind: 'directory_jwks_garbage', endpoints: ['token'] },
      /^endpoints: kind 'directory_jwks_garbage' acts only on register, manage/,
    ],
    ['misspelt field', { ...ok, counts: 2 }, /^unknown field 'counts'/],
    ['clientCertificate not a string', { ...ok, clientCertificate: 7 }, /^clientCertificate must be of type/],
    ['clientCertificate empty', { ...ok, clientCertificate: '' }, /^clientCertificate must be a SHA-256/],
    [
      'clientCertificate hex, not base64url',
      { ...ok, clientCertificate: 'ab'.repeat(32) },
      /^clientCertificate must be a SHA-256/,
    ],
    [
      'clientCertificate padded base64',
      { ...ok, clientCertificate: `${'A'.repeat(43)}=` },
      /^clientCertificate must be a SHA-256/,
    ],
    [
      'clientCertificate with markup',
      { ...ok, clientCertificate: `<script>${'A'.repeat(35)}` },
      /^clientCertificate must be a SHA-256/,
    ],
    [
      'clientCertificate a PEM',
      { ...ok, clientCertificate: '-----BEGIN CERTIFICATE-----' },
      /^clientCertificate must be a SHA-256/,
    ],
    ['bad id', { ...ok, id: 'has space' }, /^id must be 1–64/],
    ['id not a string', { ...ok, id: 7 }, /^id must be of type string/],
  ];

  it.each(BAD)('400 invalid_request naming the field: %s', async (_name, body, description) => {
    const res = await admin('POST', '', { body });
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(description),
    });
    expect((await admin('GET')).json().faults).toEqual([]);
  });

  it('400 for a body that is not JSON, 415 for another media type', async () => {
    const notJson = await admin('POST', '', { body: '{"kind":' });
    expect(notJson.status).toBe(400);
    expect(notJson.json().error).toBe('invalid_request');
    const text = await admin('POST', '', { body: JSON.stringify(ok), type: 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('add (id assigned or given), list with counters, get, delete one, clear', async () => {
    const assigned = await addFault({ kind: 'status', endpoints: ['register', 'register'], count: 3 });
    expect(assigned).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'status',
      endpoints: ['register'],
      count: 3,
      status: 500,
      matched: 0,
      applied: 0,
      remaining: 3,
    });
    const named = await addFault({
      id: 'slow-token',
      kind: 'latency',
      endpoints: ['token', '*'],
      latencyMs: 5,
      count: 1,
    });
    expect(named).toMatchObject({ id: 'slow-token', endpoints: ['*'] });
    const dup = await admin('POST', '', {
      body: { id: 'slow-token', kind: 'reset', endpoints: ['jwks'], count: 1 },
    });
    expect(dup.status).toBe(400);
    expect(dup.json().error_description).toMatch(/^id 'slow-token' is already used/);
    const rl = await addFault({ kind: 'rate_limit', endpoints: ['token'], probability: 1, seed: 3 });
    expect(rl).toMatchObject({ retryAfterSeconds: 1, probability: 1, seed: 3 });

    let list = (await admin('GET')).json().faults as Record<string, unknown>[];
    expect(list.map((f) => f.id)).toEqual([assigned.id, 'slow-token', rl.id]);

    expect((await freshRegistration()).status).toBe(500);
    expect((await admin('GET', `/${String(assigned.id)}`)).json()).toMatchObject({
      remaining: 2,
      applied: 1,
    });

    expect((await admin('DELETE', '/slow-token')).status).toBe(204);
    expect((await admin('DELETE', '/slow-token')).status).toBe(404);
    const missing = await admin('GET', '/slow-token');
    expect(missing.status).toBe(404);
    expect(missing.json().error).toBe('not_found');
    list = (await admin('GET')).json().faults as Record<string, unknown>[];
    expect(list.map((f) => f.id)).toEqual([assigned.id, rl.id]);

    const cleared = await admin('DELETE');
    expect(cleared.status).toBe(204);
    expect(cleared.text).toBe('');
    expect((await admin('GET')).json()).toEqual({ faults: [] });
    expect((await freshRegistration()).status).toBe(201);
    expect((await admin('PUT', '', { body: ok })).status).toBe(405);
  });
});

describe('faults from the bank definition', () => {
  let sb2: TestSandbox | undefined;
  afterAll(async () => {
    await sb2?.close();
  });

  it('start with the faults of each bank, kept per bank; the same seed gives the same sequence on two banks', async () => {
    const seeded: FaultSpec = {
      id: 'coin',
      kind: 'status',
      status: 503,
      endpoints: ['jwks'],
      probability: 0.5,
      seed: 7,
    };
    sb2 = await startTestSandbox({
      banks: [
        {
          ...DEFAULT_BANK,
          id: 'one',
          faults: [{ kind: 'status', status: 502, endpoints: ['discovery'], count: 1 }, seeded],
        },
        { ...DEFAULT_BANK, id: 'two', faults: [seeded] },
      ],
    });
    const agent = new Agent({ connect: { ca: sb2.caBundle } });
    try {
      const [one, two] = sb2.aspsp.banks;
      const first = await call(agent, 'GET', one.discovery);
      expect(first.status).toBe(502);
      expect(first.json().error).toBe('server_error');
      expect((await call(agent, 'GET', one.discovery)).status).toBe(200);
      expect((await call(agent, 'GET', two.discovery)).status).toBe(200);
      const sequence = async (bank: typeof one) => {
        const out: number[] = [];
        for (let i = 0; i < 20; i++) out.push((await call(agent, 'GET', `${bank.issuer}/jwks`)).status);
        return out;
      };
      const a = await sequence(one);
      const b = await sequence(two);
      expect(b).toEqual(a);
      expect(new Set(a)).toEqual(new Set([200, 503]));
    } finally {
      await agent.close();
    }
  });

  it('a bad fault in a definition is a config error naming bank and field', () => {
    expect(() =>
      createBankFaults({
        ...DEFAULT_BANK,
        id: 'x',
        faults: [
          { kind: 'reset', endpoints: ['jwks'], count: 1 },
          { kind: 'status', endpoints: ['jwks'], count: 1, status: 200 },
        ],
      }),
    ).toThrow(new AspspConfigError("bank 'x' faults[1]: status must be from 500 to 599"));
    expect(createBankFaults(DEFAULT_BANK).list()).toEqual([]);
  });
});
