import type { BankConnection, RegistrationResult } from '../types.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import { managementHeaders } from './management-headers.js';
import { registrationResult } from './registration-response.js';

/** `PUT {registration_endpoint}/{ClientId}` with a full signed registration request as the body. */
export async function updateRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  jwt: string,
  opts: { mediaType?: string; headers?: Record<string, string> } = {},
): Promise<RegistrationResult> {
  const res = await bank.http.request('PUT', clientRegistrationUrl(bank.discovery, clientId), {
    headers: managementHeaders(accessToken, {
      'Content-Type': opts.mediaType ?? 'application/jose',
      ...opts.headers,
    }),
    body: jwt,
  });
  return registrationResult(res);
}
