import type { BankConnection, RegistrationResult } from '../types.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import { managementHeaders } from './management-headers.js';
import { registrationResult } from './registration-response.js';

/**
 * `GET {registration_endpoint}/{ClientId}` with `Authorization: Bearer <access token>` (OB: a
 * client-credentials token of that client; RFC 7592 banks: the registration access token).
 */
export async function getRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  opts: { headers?: Record<string, string> } = {},
): Promise<RegistrationResult> {
  const res = await bank.http.request('GET', clientRegistrationUrl(bank.discovery, clientId), {
    headers: managementHeaders(accessToken, opts.headers),
  });
  return registrationResult(res);
}
