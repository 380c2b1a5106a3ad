import { LruCache } from './lru-cache.js';

/** The parts of a parsed URL the bank's checks read (a frozen copy: every caller shares it). */
export type UrlParts = Readonly<
  Pick<URL, 'href' | 'protocol' | 'username' | 'password' | 'hostname' | 'port' | 'origin' | 'hash'>
>;

/** URLs remembered, parsed. */
export const PARSED_URLS_KEPT = 256;
/** Longer strings are parsed every time, never kept (a JWKS endpoint or redirect URI is far shorter). */
export const PARSED_URL_MAX_LENGTH = 2048;

const parsed = new LruCache<string, UrlParts>({ maxEntries: PARSED_URLS_KEPT });

/**
 * `new URL(s)`, remembered per exact string: a TPP sends the same redirect
 * URIs and names the same JWKS endpoint on every registration, and parsing is
 * a pure function of the string. Only successful parses are kept (a string
 * that is not a URL is parsed, and refused, every time); undefined when `s`
 * is not a URL.
 */
export function parseUrlRemembered(s: string): UrlParts | undefined {
  const known = parsed.get(s);
  if (known) return known;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  const parts: UrlParts = Object.freeze({
    href: url.href,
    protocol: url.protocol,
    username: url.username,
    password: url.password,
    hostname: url.hostname,
    port: url.port,
    origin: url.origin,
    hash: url.hash,
  });
  if (s.length <= PARSED_URL_MAX_LENGTH) parsed.set(s, parts);
  return parts;
}

/** URLs remembered (tests: the cache stays bounded). */
export const parsedUrlCount = (): number => parsed.size;
