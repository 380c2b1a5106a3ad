import { noteBankNamedHost, noteUserGivenHost } from '../http/named-hosts.js';
import type { Discovery } from '../types.js';

/** Every https URL of a discovery document, with its field: top-level values and `mtls_endpoint_aliases`. */
function urlFields(discovery: Discovery): [string, string][] {
  const out: [string, string][] = [];
  const add = (field: string, value: unknown) => {
    if (typeof value === 'string' && value.startsWith('https://')) out.push([field, value]);
  };
  for (const [field, value] of Object.entries(discovery)) add(field, value);
  for (const [field, value] of Object.entries(discovery.mtls_endpoint_aliases ?? {}))
    add(`mtls_endpoint_aliases.${field}`, value);
  return out;
}

/**
 * Tells the TPP's connections (`guardedLookup`) where a discovery document came from: the
 * discovery URL's host and `allowedHosts` are the user's (any address), every other host the
 * document names (issuer, endpoints, aliases) is the bank's, and must resolve to addresses of
 * the discovery host's class.
 */
export function noteDocumentHosts(
  discovery: Discovery,
  discoveryUrl: string,
  allowedHosts: readonly string[] = [],
): void {
  const from = new URL(discoveryUrl).hostname;
  noteUserGivenHost(from);
  for (const host of allowedHosts) noteUserGivenHost(host);
  for (const [field, value] of urlFields(discovery)) {
    let host: string;
    try {
      host = new URL(value).hostname;
    } catch {
      continue;
    }
    noteBankNamedHost(host, from, field, `the discovery document at ${discoveryUrl}`);
  }
}
