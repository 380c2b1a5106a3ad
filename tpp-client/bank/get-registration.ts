import type { BankConnection, RegistrationResult } from '../types.js';
import { type BankCallOptions, bankRequest } from './bank-request.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import { managementHeaders } from './management-headers.js';
import { noteRegistrationClientUri } from './note-registration-client-uri.js';
import { registrationResult } from './registration-response.js';

/** Options of GET/PUT/DELETE of a registration. */
export interface ManagementCallOptions extends BankCallOptions {
  /** Where the registration lives, e.g. RFC 7592 `registration_client_uri`; default `{registration_endpoint}/{ClientId}`. */
  url?: string;
}

/**
 * `GET {registration_endpoint}/{ClientId}` with `Authorization: Bearer <access token>` (OB: a
 * client-credentials token of that client; RFC 7592 banks: the registration access token).
 */
export async function getRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  opts: ManagementCallOptions = {},
): Promise<RegistrationResult> {
  const url = opts.url ?? clientRegistrationUrl(bank.discovery, clientId);
  const res = await bankRequest(
    bank,
    'GET',
    url,
    { headers: managementHeaders(accessToken, opts.headers) },
    opts.retry,
  );
  return noteRegistrationClientUri({ ...registrationResult(res), attempts: res.attempts }, url);
}
