import { BIDI_CONTROLS, CONTROL_CHARACTERS } from '../../lib/free-text.js';
import { DiscoveryError } from '../errors.js';
import type { Discovery } from '../types.js';

const REQUIRED_URLS = ['issuer', 'registration_endpoint', 'token_endpoint'] as const;
const OPTIONAL_URLS = ['jwks_uri', 'authorization_endpoint'] as const;
const STRING_LISTS = [
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'id_token_signing_alg_values_supported',
  'request_object_signing_alg_values_supported',
  'grant_types_supported',
  'response_types_supported',
  'scopes_supported',
  'ob_registration_media_types',
] as const;

/**
 * Checks an OIDC discovery document has what DCR needs: `issuer`, `registration_endpoint` and
 * `token_endpoint` as https URLs (no white space, control or bidi characters, no user information);
 * the optional lists as arrays of strings; `mtls_endpoint_aliases` as an object of such URLs. Throws DiscoveryError naming the field.
 */
export function validateDiscovery(doc: unknown, source = 'discovery document'): Discovery {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DiscoveryError(`${source} is not a JSON object`);
  }
  const d = doc as Record<string, unknown>;
  for (const field of REQUIRED_URLS) {
    if (d[field] === undefined) throw new DiscoveryError(`${source} has no ${field}`, { field });
    httpsUrl(d[field], field, source);
  }
  for (const field of OPTIONAL_URLS) {
    if (d[field] !== undefined) httpsUrl(d[field], field, source);
  }
  for (const field of STRING_LISTS) {
    const v = d[field];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      throw new DiscoveryError(`${source}: ${field} must be an array of strings`, { field });
    }
  }
  const aliases = d.mtls_endpoint_aliases;
  if (aliases !== undefined) {
    if (aliases === null || typeof aliases !== 'object' || Array.isArray(aliases)) {
      throw new DiscoveryError(`${source}: mtls_endpoint_aliases must be an object`, {
        field: 'mtls_endpoint_aliases',
      });
    }
    for (const [name, url] of Object.entries(aliases)) httpsUrl(url, `mtls_endpoint_aliases.${name}`, source);
  }
  if (d.ob_organisation_id !== undefined && typeof d.ob_organisation_id !== 'string') {
    throw new DiscoveryError(`${source}: ob_organisation_id must be a string`, {
      field: 'ob_organisation_id',
    });
  }
  return d as Discovery;
}

function httpsUrl(value: unknown, field: string, source: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new DiscoveryError(`${source}: ${field} must be a non-empty string`, { field });
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DiscoveryError(`${source}: ${field} is not an absolute URL: ${JSON.stringify(value)}`, {
      field,
    });
  }
  if (url.protocol !== 'https:') {
    throw new DiscoveryError(`${source}: ${field} must be an https URL, got ${JSON.stringify(value)}`, {
      field,
    });
  }
  // The URL parser drops or percent-encodes these; the string the bank sent is what is shown and compared.
  if (/\s/.test(value) || CONTROL_CHARACTERS.test(value) || BIDI_CONTROLS.test(value)) {
    throw new DiscoveryError(
      `${source}: ${field} holds white space, control or bidirectional-override characters`,
      { field },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new DiscoveryError(`${source}: ${field} carries credentials (user information)`, { field });
  }
}
