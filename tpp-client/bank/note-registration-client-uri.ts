import { noteBankNamedHost } from '../http/named-hosts.js';
import type { RegistrationResult } from '../types.js';

/**
 * Notes the host of a registration's `registration_client_uri` (RFC 7592: where the TPP reads,
 * updates and deletes it, with its registration access token) as named by the bank, with the
 * discovery host of `url` (the call that answered) as its anchor: the TPP's connections to it
 * meet the rule of a discovery document's hosts (guardedLookup). Returns `result`.
 */
export function noteRegistrationClientUri<R extends RegistrationResult>(result: R, url: string): R {
  const uri = result.ok ? result.client.registration_client_uri : undefined;
  if (typeof uri !== 'string') return result;
  let host: string;
  try {
    host = new URL(uri).hostname;
  } catch {
    return result;
  }
  noteBankNamedHost(
    host,
    new URL(url).hostname,
    'registration_client_uri',
    `the registration response of ${url}`,
  );
  return result;
}
