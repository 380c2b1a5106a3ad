import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { boundedGet, type FetchError } from '../../lib/http/index.js';

export class JwksError extends Error {
  constructor(
    message: string,
    readonly kind: 'untrusted_host' | 'unreachable' | 'malformed' | 'unknown_kid',
  ) {
    super(message);
    this.name = 'JwksError';
  }
}

export interface JwksFetcherOptions {
  dispatcher: Dispatcher;
  /** Origins (https://host:port) JWKS may be fetched from; anything else is refused before any request. */
  trustedOrigins: () => string[];
  timeoutMs: number;
  maxBytes: number;
  cacheSeconds: () => number;
  now: () => number;
  /** Fault injection (mock-only): fetches of the URLs this names fail this way. */
  injectFault?: (url: string) => InjectedJwksFault | undefined;
}

/** How an injected fault makes a JWKS fetch fail: no answer, or an answer that is not a JWKS. */
export type InjectedJwksFault = 'unreachable' | 'garbage';
const GARBAGE = Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>\n');

interface Entry {
  keys: Record<string, unknown>[];
  fetchedAt: number;
  /** Public KeyObjects made from this set's JWKs, by kid. */
  objects?: Map<string, KeyObject>;
}

/**
 * Fetches JWKS only from trusted origins, with a deadline and a size cap, and
 * caches them. A kid missing from a cached set triggers exactly one refetch
 * (key rotation) before it is reported unknown.
 */
export class JwksFetcher {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(private readonly options: JwksFetcherOptions) {}

  /** A fetcher with its own (empty) cache whose fetches of the URLs `injectFault` names fail: for one faulted request. */
  withInjectedFault(injectFault: (url: string) => InjectedJwksFault | undefined): JwksFetcher {
    return new JwksFetcher({ ...this.options, injectFault });
  }

  private checkTrusted(url: string, anyHttpsOrigin = false): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new JwksError(`JWKS URL '${url.slice(0, 100)}' is not a URL`, 'untrusted_host');
    }
    if (parsed.protocol !== 'https:')
      throw new JwksError(`JWKS URL ${parsed.origin} is not https`, 'untrusted_host');
    if (!anyHttpsOrigin && !this.options.trustedOrigins().includes(parsed.origin)) {
      throw new JwksError(`JWKS URL host ${parsed.origin} is not trusted`, 'untrusted_host');
    }
  }

  private async fetch(url: string): Promise<Entry> {
    const running = this.inflight.get(url);
    if (running) return running;
    const p = (async () => {
      let res: { status: number; body: Buffer };
      const injected = this.options.injectFault?.(url);
      try {
        if (injected === 'unreachable') throw new Error('connection refused (injected fault)');
        res =
          injected === 'garbage'
            ? { status: 200, body: GARBAGE }
            : await boundedGet(url, {
                dispatcher: this.options.dispatcher,
                timeoutMs: this.options.timeoutMs,
                maxBytes: this.options.maxBytes,
                headers: { accept: 'application/json' },
              });
      } catch (err) {
        throw new JwksError(`could not fetch JWKS ${url}: ${(err as FetchError).message}`, 'unreachable');
      }
      if (res.status !== 200) throw new JwksError(`JWKS ${url} answered ${res.status}`, 'unreachable');
      let doc: unknown;
      try {
        doc = JSON.parse(res.body.toString('utf8'));
      } catch {
        throw new JwksError(`JWKS ${url} is not JSON`, 'malformed');
      }
      const keys = (doc as { keys?: unknown })?.keys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null)) {
        throw new JwksError(`JWKS ${url} has no "keys" array`, 'malformed');
      }
      const entry = { keys: keys as Record<string, unknown>[], fetchedAt: this.options.now() };
      this.cache.set(url, entry);
      return entry;
    })();
    this.inflight.set(url, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(url);
    }
  }

  /**
   * All keys of a JWKS (cached). `anyHttpsOrigin` lifts the origin list for
   * eIDAS-style TPP-hosted JWKS, whose trust comes from the TLS certificate
   * (directory CA or system roots) and the key's own x5c.
   */
  async keys(url: string, anyHttpsOrigin = false): Promise<Record<string, unknown>[]> {
    this.checkTrusted(url, anyHttpsOrigin);
    const cached = this.cache.get(url);
    if (cached && this.options.now() - cached.fetchedAt < this.options.cacheSeconds() * 1000)
      return cached.keys;
    return (await this.fetch(url)).keys;
  }

  /** The public key `kid` (optionally restricted to `use`), refetching once if the cached set lacks it. */
  async key(
    url: string,
    kid: string | undefined,
    use?: string,
    anyHttpsOrigin = false,
  ): Promise<{ jwk: Record<string, unknown>; key: KeyObject }> {
    const find = (keys: Record<string, unknown>[]) =>
      keys.find(
        (k) =>
          (kid === undefined ? true : k.kid === kid) &&
          (use === undefined || k.use === undefined || k.use === use),
      );
    let jwk = find(await this.keys(url, anyHttpsOrigin));
    if (!jwk) jwk = find((await this.fetch(url)).keys);
    if (!jwk) throw new JwksError(`no key with kid '${String(kid).slice(0, 64)}' in ${url}`, 'unknown_kid');
    const entry = this.cache.get(url);
    const cached = entry?.objects?.get(String(jwk.kid));
    if (cached && entry?.keys.includes(jwk)) return { jwk, key: cached };
    let key: KeyObject;
    try {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...pub } = jwk;
      key = createPublicKey({ key: pub as never, format: 'jwk' });
      if (entry?.keys.includes(jwk) && jwk.kid !== undefined) {
        entry.objects ??= new Map();
        entry.objects.set(String(jwk.kid), key);
      }
    } catch {
      throw new JwksError(`key '${String(kid)}' in ${url} is not a usable public key`, 'malformed');
    }
    return { jwk, key };
  }
}
