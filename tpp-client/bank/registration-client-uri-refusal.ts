import { discoveryHostOf } from '../discovery/discovery-source.js';
import { hostRefusal } from '../discovery/endpoint-hosts.js';
import type { BankFailure, Discovery, RegistrationResult } from '../types.js';

/** The https URL the TPP would manage a registration at, from the bank's `registration_client_uri`. */
export function registrationClientUri(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the TPP may not send GET/PUT/DELETE, with its registration access token and over mutual
 * TLS, to the `registration_client_uri` a bank returned (RFC 7592): the name rule of the
 * discovery document's endpoints (`hostRefusal`), measured from the host the bank's discovery
 * document was fetched from (`discoveryHostOf`), with `allowedHosts`. Undefined when it may, or
 * when the value is no https URL (management then goes to `{registration_endpoint}/{ClientId}`).
 */
export function registrationClientUriRefusal(
  value: unknown,
  discovery: Discovery,
  allowedHosts: readonly string[] = [],
): string | undefined {
  const uri = registrationClientUri(value);
  if (uri === undefined) return undefined;
  return hostRefusal('registration_client_uri', uri, discoveryHostOf(discovery), allowedHosts);
}

/**
 * A 2xx registration answer whose `registration_client_uri` the TPP may not call, as a failure
 * `invalid_response` naming the field, the host and the remedy (`allowedHosts`); `also` is added
 * to the description. Any other result is returned as it is.
 */
export function refuseRegistrationClientUri(
  result: RegistrationResult,
  discovery: Discovery,
  allowedHosts: readonly string[] = [],
  also = '',
): RegistrationResult {
  if (!result.ok) return result;
  const refusal = registrationClientUriRefusal(
    result.client.registration_client_uri,
    discovery,
    allowedHosts,
  );
  if (refusal === undefined) return result;
  const failure: BankFailure = {
    ok: false,
    status: result.status,
    error: 'invalid_response',
    error_description: `the registration answer's ${refusal}${also}`,
    headers: result.headers,
    raw: result.raw,
  };
  return result.attempts !== undefined ? { ...failure, attempts: result.attempts } : failure;
}
