import type { Discovery } from '../types.js';

/** The URL each discovery document `fetchDiscovery` returned was fetched from. */
const sources = new WeakMap<Discovery, string>();

/** Remembers that `discovery` came from `url` (fetchDiscovery). */
export function noteDiscoverySource(discovery: Discovery, url: string): void {
  sources.set(discovery, url);
}

/**
 * The host the name rule measures a bank's URLs from: the host of the URL `discovery` was fetched
 * from (this very object, as `fetchDiscovery` returned it), else — a document built by hand or
 * copied — its `issuer`'s host; '' (no host: only `allowedHosts` pass) when that is no URL.
 */
export function discoveryHostOf(discovery: Discovery): string {
  try {
    return new URL(sources.get(discovery) ?? String(discovery.issuer)).hostname;
  } catch {
    return '';
  }
}
