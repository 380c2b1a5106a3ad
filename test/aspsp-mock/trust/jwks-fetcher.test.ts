import { generateKeyPairSync } from 'node:crypto';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksError, JwksFetcher, type JwksFetcherOptions } from '../../../aspsp-mock/trust/jwks-fetcher.js';
import { parseOriginRule } from '../../../aspsp-mock/trust/origin-rules.js';
import { type CaHttpsServer, startCaHttpsServer } from '../../helpers/ca-https-server.js';

/** The bank's JWKS fetcher: trusted origins only, a deadline, a size cap, caching with one refetch on an unknown kid. */
let directoryServer: CaHttpsServer;
let origin = '';
let dispatcher: Agent;
let hits = 0;
let mode: 'ok' | 'huge' | 'slow' | 'rotated' | 'big' | 'status401' = 'ok';
const jwk = (kid: string) => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
  kid,
  use: 'sig',
});
const first = jwk('k1');
const second = jwk('k2');

beforeAll(async () => {
  directoryServer = await startCaHttpsServer('obmock-jwks-', (_req, res) => {
    hits++;
    if (mode === 'slow') return; // never answers
    if (mode === 'status401') {
      res.statusCode = 401;
      res.end('{"error":"invalid_token","error_description":"admin only"}');
      return;
    }
    res.setHeader('content-type', 'application/json');
    if (mode === 'big') {
      res.end(JSON.stringify({ keys: [first], padding: 'x'.repeat(250_000) }));
      return;
    }
    if (mode === 'huge') {
      res.end(JSON.stringify({ keys: [first], padding: 'x'.repeat(300_000) }));
      return;
    }
    res.end(JSON.stringify({ keys: mode === 'rotated' ? [first, second] : [first] }));
  });
  ({ origin, dispatcher } = directoryServer);
});
afterAll(() => directoryServer?.close());

const fetcher = (trusted: string[], cacheSeconds = 60, extra: Partial<JwksFetcherOptions> = {}) =>
  new JwksFetcher({
    dispatcher,
    trustedOrigins: () => trusted,
    timeoutMs: 500,
    maxBytes: 64 * 1024,
    cacheSeconds: () => cacheSeconds,
    now: () => Date.now(),
    ...extra,
  });

describe('JwksFetcher', () => {
  it('refuses an untrusted origin without sending a request', async () => {
    mode = 'ok';
    const before = hits;
    await expect(fetcher(['https://directory.example']).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'untrusted_host',
    });
    await expect(fetcher([origin]).keys(`http://127.0.0.1:1/jwks`)).rejects.toBeInstanceOf(JwksError);
    expect(hits).toBe(before);
  });

  it('fetches, caches, and refetches exactly once for an unknown kid (rotation)', async () => {
    mode = 'ok';
    const f = fetcher([origin]);
    const before = hits;
    expect((await f.key(`${origin}/jwks`, 'k1', 'sig')).jwk.kid).toBe('k1');
    expect((await f.key(`${origin}/jwks`, 'k1', 'sig')).jwk.kid).toBe('k1');
    expect(hits - before).toBe(1);
    mode = 'rotated';
    expect((await f.key(`${origin}/jwks`, 'k2', 'sig')).jwk.kid).toBe('k2');
    expect(hits - before).toBe(2);
    await expect(f.key(`${origin}/jwks`, 'k3', 'sig')).rejects.toMatchObject({ kind: 'unknown_kid' });
    expect(hits - before).toBe(3);
  });

  it('stops reading past the size cap', async () => {
    mode = 'huge';
    await expect(fetcher([origin]).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'unreachable',
      detail: expect.stringMatching(/larger than 65536 bytes/),
    });
  });

  it('gives up after the deadline', async () => {
    mode = 'slow';
    await expect(fetcher([origin]).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'unreachable',
      detail: expect.stringMatching(/no answer within 500 ms/),
    });
    mode = 'ok';
  });
});

/** TPP-hosted (eIDAS) JWKS: an allowlist, never the sandbox's own services, no userinfo, no oracle. */
describe('JwksFetcher: TPP-hosted JWKS (finding 3 and 4)', () => {
  const port = () => new URL(origin).port;
  const tpp = (rules: string[], own: string[] = [], extra: Partial<JwksFetcherOptions> = {}) =>
    fetcher([], 60, { tppOrigins: () => rules.map(parseOriginRule), ownOrigins: () => own, ...extra });

  it('fetches from an allowlisted origin, refuses any other before sending a request', async () => {
    mode = 'ok';
    const before = hits;
    expect(await tpp([`https://127.0.0.1:*`]).keys(`${origin}/jwks`, true)).toHaveLength(1);
    expect(hits - before).toBe(1);
    await expect(tpp(['https://localhost:*']).keys(`${origin}/jwks`, true)).rejects.toMatchObject({
      kind: 'untrusted_host',
      message: `JWKS ${origin}/jwks is not an allowed origin`,
    });
    await expect(tpp([]).keys(`${origin}/jwks`, true)).rejects.toMatchObject({ kind: 'untrusted_host' });
    expect(hits - before).toBe(1);
  });

  it.each([
    ['userinfo', (o: string) => o.replace('https://', 'https://user:pw@')],
    ['userinfo without password', (o: string) => o.replace('https://', 'https://admin@')],
  ])('refuses a URL with %s without a request', async (_name, spell) => {
    const before = hits;
    await expect(tpp(['https://127.0.0.1:*']).keys(`${spell(origin)}/jwks`, true)).rejects.toMatchObject({
      kind: 'untrusted_host',
      message: expect.stringMatching(/must not carry userinfo$/),
    });
    await expect(fetcher([origin]).keys(`${spell(origin)}/jwks`)).rejects.toMatchObject({
      kind: 'untrusted_host',
    });
    expect(hits).toBe(before);
  });

  it.each([
    ['the same origin', (p: string) => `https://127.0.0.1:${p}`],
    ['localhost for 127.0.0.1', (p: string) => `https://localhost:${p}`],
    ['another loopback address', (p: string) => `https://127.0.0.2:${p}`],
    ['IPv6 loopback', (p: string) => `https://[::1]:${p}`],
    ['an integer IP', (p: string) => `https://2130706433:${p}`],
  ])("never fetches the sandbox's own services: %s", async (_name, spell) => {
    const before = hits;
    const f = tpp(
      ['https://localhost:*', 'https://127.0.0.1:*', 'https://127.0.0.2:*', 'https://[::1]:*'],
      [origin],
    );
    await expect(f.keys(`${spell(port())}/admin/organisations`, true)).rejects.toMatchObject({
      kind: 'untrusted_host',
      message: expect.stringMatching(/ is not an allowed origin$/),
    });
    expect(hits).toBe(before);
  });

  it('tells the caller a generic reason; what answered goes to the log only', async () => {
    mode = 'status401';
    const logged: Record<string, unknown>[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (_m: string, f?: Record<string, unknown>) => void logged.push(f ?? {}),
      child: () => logger,
    };
    const f = tpp(['https://127.0.0.1:*'], [], { logger });
    const err = (await f.keys(`${origin}/admin/organisations?x=1`, true).catch((e) => e)) as JwksError;
    expect(err.message).toBe(`JWKS ${origin}/admin/organisations could not be fetched`);
    // the status is not told (the origin's random port may contain the digits: look past it)
    expect(err.message.replace(origin, '')).not.toMatch(/401/);
    expect(logged.at(-1)).toMatchObject({ detail: expect.stringMatching(/answered 401$/) });
    // A closed port: the caller does not learn ECONNREFUSED.
    const closed = (await tpp(['https://127.0.0.1:*'])
      .keys('https://127.0.0.1:1/jwks', true)
      .catch((e) => e)) as JwksError;
    expect(closed.message).toBe('JWKS https://127.0.0.1:1/jwks could not be fetched');
    expect(closed.detail).toMatch(/ECONNREFUSED/);
    mode = 'ok';
  });

  it('keeps its cache within its byte and entry bounds: 40 distinct 250 KB JWKS hold at most the cap', async () => {
    mode = 'big';
    const f = tpp(['https://127.0.0.1:*'], [], {
      maxBytes: 256 * 1024,
      cacheBytes: 1024 * 1024,
      cacheEntries: 10,
    });
    for (let i = 0; i < 40; i++) {
      await expect(f.key(`${origin}/jwks/${i}`, 'absent', 'sig', true)).rejects.toMatchObject({
        kind: 'unknown_kid',
      });
    }
    expect(f.cacheSize.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(f.cacheSize.entries).toBeLessThanOrEqual(4);
    const small = tpp(['https://127.0.0.1:*'], [], { maxBytes: 256 * 1024, cacheEntries: 3 });
    mode = 'ok';
    for (let i = 0; i < 10; i++) await small.keys(`${origin}/jwks/${i}`, true);
    expect(small.cacheSize.entries).toBe(3);
  });

  it('does not cache a failure', async () => {
    mode = 'status401';
    const f = tpp(['https://127.0.0.1:*']);
    await expect(f.keys(`${origin}/jwks`, true)).rejects.toMatchObject({ kind: 'unreachable' });
    expect(f.cacheSize.entries).toBe(0);
    mode = 'ok';
    expect(await f.keys(`${origin}/jwks`, true)).toHaveLength(1);
  });
});
