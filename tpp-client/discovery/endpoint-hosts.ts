import { getDomain } from 'tldts';
import { bareHost } from '../../lib/bare-host.js';
import { DiscoveryError } from '../errors.js';
import type { Discovery } from '../types.js';

/**
 * The URLs of a discovery document the TPP sends requests to, over mutual TLS with its transport
 * certificate: signed registration requests and client credentials (the registration and token
 * endpoints and their aliases); `GET {issuer}/profile` and, when no `resourceBaseUrl` is given,
 * the consents with an access token at `{issuer}/open-banking/v3.1`. The TPP never fetches
 * `jwks_uri` nor calls `authorization_endpoint` (a browser goes there, not the TPP).
 */
export const CALLED_ENDPOINTS: readonly ((d: Discovery) => [string, string | undefined])[] = [
  (d) => ['issuer', d.issuer],
  (d) => ['registration_endpoint', d.registration_endpoint],
  (d) => ['token_endpoint', d.token_endpoint],
  (d) => ['mtls_endpoint_aliases.registration_endpoint', d.mtls_endpoint_aliases?.registration_endpoint],
  (d) => ['mtls_endpoint_aliases.token_endpoint', d.mtls_endpoint_aliases?.token_endpoint],
];

const isIpLiteral = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

/**
 * The site of a host name: its registrable domain by the Public Suffix List, private suffixes
 * included (`auth.bank.co.uk` → `bank.co.uk`; `bank.github.io` → itself, not all of `github.io`),
 * or undefined for an IP address, `localhost` or a public suffix itself.
 */
function siteOf(host: string): string | undefined {
  if (isIpLiteral(host)) return undefined;
  return getDomain(host, { allowPrivateDomains: true }) ?? undefined;
}

/** Whether `host` (bare) is one the document fetched from `discoveryHost` may name. */
export function endpointHostAllowed(
  host: string,
  discoveryHost: string,
  allowedHosts: readonly string[] = [],
): boolean {
  const h = bareHost(host);
  const from = bareHost(discoveryHost);
  if (h === from || allowedHosts.some((a) => bareHost(a) === h)) return true;
  if (isIpLiteral(h)) return false;
  // the discovery host's own sub-domains; then any host of the same registrable domain
  if (!isIpLiteral(from) && h.endsWith(`.${from}`)) return true;
  const site = siteOf(from);
  return site !== undefined && siteOf(h) === site;
}

/**
 * Why the TPP may not call `url`, which a bank named in `field`, when its discovery document came
 * from `discoveryHost`: its host is not one `endpointHostAllowed` accepts (the message names the
 * field, the host and the remedy); undefined when it may.
 */
export function hostRefusal(
  field: string,
  url: string,
  discoveryHost: string,
  allowedHosts: readonly string[] = [],
): string | undefined {
  const host = new URL(url).hostname;
  if (endpointHostAllowed(host, discoveryHost, allowedHosts)) return undefined;
  return `${field} is on host ${bareHost(host)}, not ${bareHost(discoveryHost)} or a host of its domain; if the bank really serves it there, allow that host (allowedHosts)`;
}

/**
 * Refuses a discovery document fetched from `discoveryUrl` that sends the TPP elsewhere: every
 * URL the TPP calls (CALLED_ENDPOINTS) must be on a host `endpointHostAllowed` accepts — a
 * hostile or broken bank must not make the TPP post signed requests, with its client
 * certificate, to an internal service or a cloud metadata address. `allowedHosts` adds host
 * names (a bank whose mutual-TLS endpoints live under another domain). Throws DiscoveryError
 * naming the field.
 */
export function checkEndpointHosts(
  discovery: Discovery,
  discoveryUrl: string,
  allowedHosts: readonly string[] = [],
  source = `discovery document at ${discoveryUrl}`,
): void {
  const from = new URL(discoveryUrl).hostname;
  for (const pick of CALLED_ENDPOINTS) {
    const [field, value] = pick(discovery);
    if (value === undefined) continue;
    const refusal = hostRefusal(field, value, from, allowedHosts);
    if (refusal) throw new DiscoveryError(`${source}: ${refusal}`, { field });
  }
}
