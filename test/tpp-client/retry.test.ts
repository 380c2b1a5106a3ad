import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BankConnection,
  backoff,
  type Discovery,
  getRegistration,
  getToken,
  type HttpClient,
  HttpNetworkError,
  HttpTimeoutError,
  httpClientForMaterial,
  isRetryableNetworkError,
  parseRetryAfter,
  RETRY_IDEMPOTENT,
  RETRY_UNPROCESSED,
  type RetryOptions,
  register,
  retryOnFor,
  TppClient,
  type TppMaterial,
  updateRegistration,
  withRetry,
} from '../../tpp-client/index.js';
import {
  type RecordedRequest,
  type StubServer,
  sendJson,
  startTppAndStubBank,
  type TppAndStubBank,
} from './helpers.js';

type Step = (req: RecordedRequest, res: ServerResponse) => void;

let setup: TppAndStubBank;
let material: TppMaterial;
let stub: StubServer;
let http: HttpClient;
/** Per path, the answers still to give, in order; a path without one answers 404. */
const scripts = new Map<string, Step[]>();
let sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};
/** Deterministic retries: delays recorded, not waited; jitter at half the ceiling. */
const fast: RetryOptions = { sleep, random: () => 0.5 };

const answer =
  (status: number, body: unknown = {}, headers: Record<string, string> = {}): Step =>
  (_req, res) =>
    sendJson(res, status, body, headers);
/** Drops the connection without an answer (the client sees a reset / closed socket). */
const reset: Step = (_req, res) => {
  res.socket?.destroy();
};
/** Never answers. */
const silent: Step = () => {};

let bankCount = 0;
/** A stub bank under a fresh path prefix, answering `steps` for `suffix` (e.g. '/register'). */
function stubBank(script: Record<string, Step[]>): {
  bank: BankConnection;
  prefix: string;
  seen(suffix: string): RecordedRequest[];
} {
  const prefix = `/bank${++bankCount}`;
  for (const [suffix, steps] of Object.entries(script)) scripts.set(`${prefix}${suffix}`, [...steps]);
  const issuer = `${stub.url}${prefix}`;
  const discovery: Discovery = {
    issuer,
    registration_endpoint: `${issuer}/register`,
    token_endpoint: `${issuer}/token`,
    token_endpoint_auth_methods_supported: ['tls_client_auth', 'private_key_jwt'],
    ob_organisation_id: 'bank-org',
  };
  return {
    bank: { http, discovery },
    prefix,
    seen: (suffix) => stub.requests.filter((r) => r.path === `${prefix}${suffix}`),
  };
}

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res) => {
    const step = scripts.get(req.path)?.shift();
    if (step) step(req, res);
    else sendJson(res, 404, { error: 'not_found' });
  });
  ({ material, stub } = setup);
  http = httpClientForMaterial(material, { timeoutMs: 5_000 });
});
afterEach(() => {
  sleeps = [];
});
afterAll(async () => {
  await http?.close();
  await setup?.close();
});

describe('withRetry building blocks', () => {
  it('Retry-After: delay-seconds or an HTTP date (past → 0); anything else is ignored', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter(new Date(now - 3000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('exponential back-off with full jitter, capped', () => {
    const at = (r: number) => () => r;
    expect([1, 2, 3, 4].map((n) => backoff(n, 200, 5000, at(0.5)))).toEqual([100, 200, 400, 800]);
    expect(backoff(10, 200, 5000, at(0.999))).toBe(4995);
    expect(backoff(3, 200, 5000, at(0))).toBe(0);
  });

  it('retry classes: POST only on 429/503; idempotent methods also on 502/504 and network failures', () => {
    expect(retryOnFor('POST')).toBe(RETRY_UNPROCESSED);
    expect(RETRY_UNPROCESSED).toEqual({ statuses: [429, 503], networkErrors: false });
    for (const m of ['GET', 'put', 'DELETE']) expect(retryOnFor(m)).toBe(RETRY_IDEMPOTENT);
    expect(RETRY_IDEMPOTENT).toEqual({ statuses: [429, 502, 503, 504], networkErrors: true });
    expect(isRetryableNetworkError(new HttpNetworkError('GET', 'u', 'ECONNRESET', 'x'))).toBe(true);
    expect(isRetryableNetworkError(new HttpTimeoutError('GET', 'u', 1, 'response'))).toBe(true);
    expect(
      isRetryableNetworkError(new HttpNetworkError('GET', 'u', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'x')),
    ).toBe(false);
  });

  it('Retry-After is capped at maxDelayMs and an HTTP date is read against the injected clock', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const answers: { status: number; headers: Record<string, string> }[] = [
      { status: 503, headers: { 'retry-after': new Date(now + 3000).toUTCString() } },
      { status: 429, headers: { 'retry-after': '60' } },
      { status: 200, headers: {} },
    ];
    const result = await withRetry(async () => answers.shift()!, {
      ...fast,
      now: () => now,
      maxDelayMs: 4000,
    });
    expect(result).toEqual({ status: 200, headers: {}, attempts: 3 });
    expect(sleeps).toEqual([3000, 4000]);
  });
});

describe('bank calls against a throwaway HTTPS server', () => {
  it('POST /register: 429 with Retry-After: 1, then 201 → 2 attempts, 1 s waited, the same request re-sent', async () => {
    const s = stubBank({
      '/register': [
        answer(429, { error: 'too_many_requests' }, { 'Retry-After': '1' }),
        answer(201, { client_id: 'c1' }),
      ],
    });
    const result = await register(s.bank, 'h.p.s', { retry: fast });
    expect(result).toMatchObject({ ok: true, status: 201, attempts: 2, client: { client_id: 'c1' } });
    expect(sleeps).toEqual([1000]);
    expect(s.seen('/register').map((r) => r.body)).toEqual(['h.p.s', 'h.p.s']);
  });

  it('GET /register/{id}: 503 twice, then 200 → 3 attempts with jittered exponential back-off', async () => {
    const s = stubBank({ '/register/c1': [answer(503), answer(503), answer(200, { client_id: 'c1' })] });
    const result = await getRegistration(s.bank, 'c1', 'tok', { retry: fast });
    expect(result).toMatchObject({ ok: true, status: 200, attempts: 3 });
    expect(sleeps).toEqual([100, 200]);
  });

  it('a 400 is not retried', async () => {
    const s = stubBank({
      '/register': [answer(400, { error: 'invalid_client_metadata' }), answer(201, { client_id: 'x' })],
    });
    const result = await register(s.bank, 'h.p.s', { retry: fast });
    expect(result).toMatchObject({ ok: false, status: 400, error: 'invalid_client_metadata', attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(s.seen('/register')).toHaveLength(1);
  });

  it('POST /register is not retried on 502 (the bank may have acted); PUT is', async () => {
    const s = stubBank({
      '/register': [answer(502), answer(201, { client_id: 'x' })],
      '/register/c1': [answer(502), answer(200, { client_id: 'c1' })],
    });
    expect(await register(s.bank, 'h.p.s', { retry: fast })).toMatchObject({
      ok: false,
      status: 502,
      attempts: 1,
    });
    expect(await updateRegistration(s.bank, 'c1', 'tok', 'h.p.s', { retry: fast })).toMatchObject({
      ok: true,
      status: 200,
      attempts: 2,
    });
  });

  it('POST /register is not retried on a network reset; a GET is', async () => {
    const s = stubBank({
      '/register': [reset, answer(201, { client_id: 'x' })],
      '/register/c1': [reset, answer(200, { client_id: 'c1' })],
    });
    const err = await register(s.bank, 'h.p.s', { retry: fast }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpNetworkError);
    expect((err as HttpNetworkError).attempts).toBe(1);
    expect(s.seen('/register')).toHaveLength(1);
    const got = await getRegistration(s.bank, 'c1', 'tok', { retry: fast });
    expect(got).toMatchObject({ ok: true, status: 200, attempts: 2 });
    expect(s.seen('/register/c1')).toHaveLength(2);
  });

  it('a GET that times out is retried', async () => {
    const s = stubBank({ '/register/c1': [silent, answer(200, { client_id: 'c1' })] });
    const short = httpClientForMaterial(material, { timeoutMs: 300 });
    try {
      const got = await getRegistration({ ...s.bank, http: short }, 'c1', 'tok', { retry: fast });
      expect(got).toMatchObject({ ok: true, status: 200, attempts: 2 });
    } finally {
      await short.close();
    }
  });

  it('gives up after `retries` retries and returns the last answer', async () => {
    const s = stubBank({
      '/register': [answer(503), answer(503), answer(503), answer(201, { client_id: 'x' })],
    });
    const result = await register(s.bank, 'h.p.s', { retry: { ...fast, retries: 2 } });
    expect(result).toMatchObject({ ok: false, status: 503, attempts: 3 });
    expect(sleeps).toHaveLength(2);
  });

  it('POST /token: retried on 429 with a fresh client assertion for each attempt', async () => {
    const s = stubBank({
      '/token': [
        answer(429, {}, { 'Retry-After': '0' }),
        answer(200, { access_token: 'at', token_type: 'Bearer' }),
      ],
    });
    const result = await getToken(
      s.bank,
      { client_id: 'c1', token_endpoint_auth_method: 'private_key_jwt' },
      { signing: material.signing, retry: fast },
    );
    expect(result).toMatchObject({ ok: true, status: 200, attempts: 2 });
    expect(sleeps).toEqual([0]);
    const assertions = s.seen('/token').map((r) => new URLSearchParams(r.body).get('client_assertion'));
    expect(assertions).toHaveLength(2);
    expect(assertions[0]).not.toBe(assertions[1]);
  });

  it('without a retry policy a call is made once', async () => {
    const s = stubBank({ '/register': [answer(503), answer(201, { client_id: 'x' })] });
    expect(await register(s.bank, 'h.p.s')).toMatchObject({ ok: false, status: 503, attempts: 1 });
  });
});

describe('TppClient retry option', () => {
  it('retries by default (with the given sleep), for discovery and bank calls; retry: false makes one attempt', async () => {
    const s = stubBank({
      '/.well-known/openid-configuration': [answer(503)],
      '/register': [answer(503, {}, { 'Retry-After': '2' }), answer(201, { client_id: 'c1' }), answer(503)],
    });
    scripts.get(`${s.prefix}/.well-known/openid-configuration`)!.push(answer(200, s.bank.discovery));
    const tpp = new TppClient(material, { retry: fast });
    const once = new TppClient(material, { retry: false });
    try {
      const d = await tpp.discover(`${s.bank.discovery.issuer}/.well-known/openid-configuration`);
      expect(d.issuer).toBe(s.bank.discovery.issuer);
      const result = await tpp.register(d, 'h.p.s');
      expect(result).toMatchObject({ ok: true, status: 201, attempts: 2 });
      expect(sleeps).toEqual([100, 2000]);
      expect(await once.register(d, 'h.p.s')).toMatchObject({ ok: false, status: 503, attempts: 1 });
    } finally {
      await tpp.close();
      await once.close();
    }
  });
});
