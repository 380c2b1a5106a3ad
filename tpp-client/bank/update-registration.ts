import type { BankConnection, RegistrationResult } from '../types.js';
import { bankRequest } from './bank-request.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import type { ManagementCallOptions } from './get-registration.js';
import { managementHeaders } from './management-headers.js';
import { noteRegistrationClientUri } from './note-registration-client-uri.js';
import { registrationResult } from './registration-response.js';

/**
 * `PUT {registration_endpoint}/{ClientId}` with a full registration request as the body (signed,
 * or RFC 7591 JSON with `mediaType` application/json).
 */
export async function updateRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  body: string,
  opts: ManagementCallOptions & { mediaType?: string } = {},
): Promise<RegistrationResult> {
  const url = opts.url ?? clientRegistrationUrl(bank.discovery, clientId);
  const res = await bankRequest(
    bank,
    'PUT',
    url,
    {
      headers: managementHeaders(accessToken, {
        'Content-Type': opts.mediaType ?? 'application/jose',
        ...opts.headers,
      }),
      body,
    },
    opts.retry,
  );
  return noteRegistrationClientUri({ ...registrationResult(res), attempts: res.attempts }, url);
}
