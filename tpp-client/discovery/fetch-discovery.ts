import { DiscoveryError, TppError } from '../errors.js';
import type { HttpClient } from '../http/create-http-client.js';
import { type RetryOptions, withRetry } from '../http/with-retry.js';
import type { Discovery } from '../types.js';
import { noteDiscoverySource } from './discovery-source.js';
import { checkEndpointHosts } from './endpoint-hosts.js';
import { noteDocumentHosts } from './note-document-hosts.js';
import { validateDiscovery } from './validate-discovery.js';

/**
 * Fetches and validates a bank's OIDC discovery document from `url` (normally
 * `<issuer>/.well-known/openid-configuration`; banks with a non-standard path give theirs).
 * A non-200 answer, a body that is not JSON, a missing field, or an issuer, registration or
 * token endpoint on a host that is neither `url`'s nor of its domain nor in `allowedHosts`
 * (checkEndpointHosts) → DiscoveryError. With `retry`, a 429/502/503/504 or a network failure
 * is retried (a GET is idempotent). The hosts the document names are noted as the bank's
 * (noteDocumentHosts): the TPP's connections to them must reach addresses of the discovery
 * host's class (guardedLookup).
 */
export async function fetchDiscovery(
  http: HttpClient,
  url: string,
  opts: { retry?: RetryOptions | false; allowedHosts?: readonly string[] } = {},
): Promise<Discovery> {
  const get = () => http.request('GET', url, { headers: { Accept: 'application/json' } });
  let res: Awaited<ReturnType<typeof get>>;
  try {
    res = opts.retry ? await withRetry(get, opts.retry) : await get();
  } catch (err) {
    if (err instanceof TppError && err.attempts === undefined) err.attempts = 1;
    throw err;
  }
  if (res.status !== 200) {
    throw new DiscoveryError(`GET ${url} answered ${res.status}, expected 200`, { status: res.status });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(res.text);
  } catch {
    throw new DiscoveryError(`GET ${url} answered with a body that is not JSON`, { status: res.status });
  }
  const discovery = validateDiscovery(doc, `discovery document at ${url}`);
  checkEndpointHosts(discovery, url, opts.allowedHosts);
  noteDocumentHosts(discovery, url, opts.allowedHosts);
  noteDiscoverySource(discovery, url);
  return discovery;
}
