import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { boundedGet } from '../../lib/http/index.js';
import type { Logger } from '../../lib/logger.js';
import { LruCache } from '../../lib/lru-cache.js';
import { parseUrlRemembered } from '../../lib/parsed-url.js';
import { isOwnService, type OriginRule, originAllowed } from './origin-rules.js';

/**
 * A JWKS that cannot be used. `message` is what the caller may be told: the URL
 * and a generic reason, never what answered there (status, TLS or socket
 * errors) — that is `detail`, which goes to the log only.
 */
export class JwksError extends Error {
  constructor(
    message: string,
    readonly kind: 'untrusted_host' | 'unreachable' | 'malformed' | 'unknown_kid',
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'JwksError';
  }
}

export interface JwksFetcherOptions {
  dispatcher: Dispatcher;
  /** Origins (https://host:port) JWKS may be fetched from; anything else is refused before any request. */
  trustedOrigins: () => string[];
  /**
   * Where TPP-hosted (eIDAS) JWKS may be fetched from (see origin-rules.ts);
   * default none. The sandbox's own services (`ownOrigins`) are never fetched as TPP-hosted JWKS.
   */
  tppOrigins?: () => readonly OriginRule[];
  /** Origins of the sandbox's own services (directory, banks). */
  ownOrigins?: () => readonly string[];
  timeoutMs: number;
  maxBytes: number;
  cacheSeconds: () => number;
  now: () => number;
  /** Cache bounds (defaults: 500 sets, 8 MiB of JWKS text). */
  cacheEntries?: number;
  cacheBytes?: number;
  /** Where the detail of a failed fetch goes. */
  logger?: Logger;
  /** Fault injection (mock-only): fetches of the URLs this names fail this way. */
  injectFault?: (url: string) => InjectedJwksFault | undefined;
}

/** How an injected fault makes a JWKS fetch fail: no answer, or an answer that is not a JWKS. */
export type InjectedJwksFault = 'unreachable' | 'garbage';
const GARBAGE = Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>\n');

interface Entry {
  keys: Record<string, unknown>[];
  fetchedAt: number;
  /** Size of the fetched document: what the cache counts. */
  bytes: number;
  /** Public KeyObjects made from this set's JWKs, by kid. */
  objects?: Map<string, KeyObject>;
}

/** The first key of `keys` with that `kid` (any when undefined) and, when given, that `use` (or none). */
function findKey(
  keys: Record<string, unknown>[],
  kid: string | undefined,
  use: string | undefined,
): Record<string, unknown> | undefined {
  for (const k of keys) {
    if ((kid === undefined || k.kid === kid) && (use === undefined || k.use === undefined || k.use === use))
      return k;
  }
  return undefined;
}

/** How a URL is shown to the caller: origin and path, never userinfo, query or more than 200 characters. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`.slice(0, 200);
  } catch {
    return `'${url.slice(0, 100)}'`;
  }
}

/**
 * Fetches JWKS only from allowed origins, with a deadline and a size cap, and
 * caches them (bounded in sets and bytes, least recently used out; failures are
 * never cached). A kid missing from a cached set triggers exactly one refetch
 * (key rotation) before it is reported unknown.
 */
export class JwksFetcher {
  private readonly cache: LruCache<string, Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(private readonly options: JwksFetcherOptions) {
    this.cache = new LruCache<string, Entry>({
      maxEntries: options.cacheEntries ?? 500,
      maxBytes: options.cacheBytes ?? 8 * 1024 * 1024,
      sizeOf: (e) => e.bytes,
    });
  }

  /** Sets and bytes held by the cache. */
  get cacheSize(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes };
  }

  /** A fetcher with its own (empty) cache whose fetches of the URLs `injectFault` names fail: for one faulted request. */
  withInjectedFault(injectFault: (url: string) => InjectedJwksFault | undefined): JwksFetcher {
    return new JwksFetcher({ ...this.options, injectFault });
  }

  /**
   * Refuses a JWKS. For a TPP-hosted URL the caller learns the URL and a
   * generic reason only (`detail` is logged); for the operator-configured
   * origins (the directory) the message says what happened.
   */
  private fail(
    url: string,
    kind: JwksError['kind'],
    reason: string,
    detail: string,
    tppHosted: boolean,
  ): never {
    this.options.logger?.warn('JWKS refused', { url: shown(url), kind, detail });
    throw new JwksError(tppHosted ? `JWKS ${shown(url)} ${reason}` : detail, kind, detail);
  }

  private checkAllowed(url: string, tppHosted: boolean): void {
    // parsed once per exact URL (a pure function of the string); the rules below are applied on every call
    const parsed = parseUrlRemembered(url);
    if (!parsed) throw new JwksError(`JWKS URL '${url.slice(0, 100)}' is not a URL`, 'untrusted_host');
    if (parsed.protocol !== 'https:')
      throw new JwksError(`JWKS URL ${shown(url)} is not https`, 'untrusted_host');
    if (parsed.username !== '' || parsed.password !== '')
      throw new JwksError(`JWKS URL ${shown(url)} must not carry userinfo`, 'untrusted_host');
    if (!tppHosted) {
      if (!this.options.trustedOrigins().includes(parsed.origin))
        throw new JwksError(`JWKS URL host ${parsed.origin} is not trusted`, 'untrusted_host');
      return;
    }
    if (isOwnService(parsed, this.options.ownOrigins?.() ?? []))
      this.fail(
        url,
        'untrusted_host',
        'is not an allowed origin',
        'the URL names a service of this sandbox',
        true,
      );
    if (!originAllowed(parsed, this.options.tppOrigins?.() ?? []))
      this.fail(
        url,
        'untrusted_host',
        'is not an allowed origin',
        'origin not in the TPP JWKS allowlist',
        true,
      );
  }

  private async fetch(url: string, tppHosted: boolean): Promise<Entry> {
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
        const why = `could not fetch JWKS ${url}: ${(err as Error).message}`;
        return this.fail(url, 'unreachable', 'could not be fetched', why, tppHosted);
      }
      if (res.status !== 200)
        this.fail(
          url,
          'unreachable',
          'could not be fetched',
          `JWKS ${url} answered ${res.status}`,
          tppHosted,
        );
      let doc: unknown;
      try {
        doc = JSON.parse(res.body.toString('utf8'));
      } catch {
        this.fail(url, 'malformed', 'is not a JWKS', `JWKS ${url} is not JSON`, tppHosted);
      }
      const keys = (doc as { keys?: unknown })?.keys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null)) {
        this.fail(url, 'malformed', 'is not a JWKS', `JWKS ${url} has no "keys" array`, tppHosted);
      }
      const entry: Entry = {
        keys: keys as Record<string, unknown>[],
        fetchedAt: this.options.now(),
        bytes: res.body.length,
      };
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
   * All keys of a JWKS (cached). `tppHosted` is for eIDAS-style JWKS a TPP
   * hosts itself, whose trust comes from the TLS certificate (directory CA or
   * system roots) and the key's own x5c: those may be fetched only from the
   * TPP allowlist, never from the sandbox's own services.
   */
  async keys(url: string, tppHosted = false): Promise<Record<string, unknown>[]> {
    return this.cachedKeys(url, tppHosted) ?? (await this.fetch(url, tppHosted)).keys;
  }

  /** The keys of an allowed URL's cached set while it is fresh (no await on the cached path); undefined otherwise. */
  private cachedKeys(url: string, tppHosted: boolean): Record<string, unknown>[] | undefined {
    this.checkAllowed(url, tppHosted);
    const cached = this.cache.get(url);
    if (cached && this.options.now() - cached.fetchedAt < this.options.cacheSeconds() * 1000)
      return cached.keys;
    return undefined;
  }

  /** The public key `kid` (optionally restricted to `use`), refetching once if the cached set lacks it. */
  async key(
    url: string,
    kid: string | undefined,
    use?: string,
    tppHosted = false,
  ): Promise<{ jwk: Record<string, unknown>; key: KeyObject }> {
    let jwk = findKey(this.cachedKeys(url, tppHosted) ?? (await this.fetch(url, tppHosted)).keys, kid, use);
    if (!jwk) jwk = findKey((await this.fetch(url, tppHosted)).keys, kid, use);
    if (!jwk)
      throw new JwksError(`no key with kid '${String(kid).slice(0, 64)}' in ${shown(url)}`, 'unknown_kid');
    const entry = this.cache.peek(url);
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
      throw new JwksError(
        `key '${String(kid).slice(0, 64)}' in ${shown(url)} is not a usable public key`,
        'malformed',
      );
    }
    return { jwk, key };
  }
}
