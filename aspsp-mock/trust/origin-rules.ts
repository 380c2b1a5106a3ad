import { isLoopbackHost } from '../../lib/loopback-host.js';
import type { UrlParts } from '../../lib/parsed-url.js';

/**
 * Origin allowlist entries for TPP-hosted (eIDAS) JWKS: `https://host:port`
 * (exactly that origin), `https://host` (port 443), `https://host:*` (any
 * port) and `https://*.example.org[:port|:*]` (any subdomain). Host names are
 * compared after URL normalisation (lower case, IP literals canonical), so
 * `https://0x7f000001` never matches `https://localhost:*`.
 */
export interface OriginRule {
  /** Lower-case host name, or the suffix after `*.`. */
  host: string;
  subdomains: boolean;
  /** Port as a string ('443' for the default), or '*' for any. */
  port: string;
}

export class OriginRuleError extends Error {}

export function parseOriginRule(entry: string): OriginRule {
  const m = /^https:\/\/(\*\.)?([^/:*?#@]+|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}|\*))?\/?$/.exec(entry.trim());
  if (!m) throw new OriginRuleError(`'${entry}' is not https://host[:port|:*] or https://*.domain[:port|:*]`);
  let url: URL;
  try {
    url = new URL(`https://${m[2]}`);
  } catch {
    throw new OriginRuleError(`'${entry}' has no valid host`);
  }
  const port = m[3] ?? '443';
  if (port !== '*' && (Number(port) < 1 || Number(port) > 65535))
    throw new OriginRuleError(`'${entry}' has no valid port`);
  return { host: url.hostname, subdomains: m[1] !== undefined, port };
}

const portOf = (url: UrlParts): string => url.port || '443';

export function originAllowed(url: UrlParts, rules: readonly OriginRule[]): boolean {
  const host = url.hostname;
  return rules.some(
    (r) =>
      (r.port === '*' || r.port === portOf(url)) &&
      (r.subdomains ? host.endsWith(`.${r.host}`) : host === r.host),
  );
}

/**
 * Whether `url` may reach one of the sandbox's own services (`own` are their
 * origins): the same host and port, or the same port on a loopback name or
 * address of this machine.
 */
export function isOwnService(url: UrlParts, own: readonly string[]): boolean {
  return own.some((o) => {
    const s = new URL(o);
    if (portOf(s) !== portOf(url)) return false;
    return s.hostname === url.hostname || (isLoopbackHost(url.hostname) && isLoopbackHost(s.hostname));
  });
}
