import type { BankConnection, DeleteRegistrationResult } from '../types.js';
import { bankRequest } from './bank-request.js';
import { failureFrom, isSuccess } from './bank-response.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import type { ManagementCallOptions } from './get-registration.js';
import { managementHeaders } from './management-headers.js';

/** `DELETE {registration_endpoint}/{ClientId}`: any 2xx (spec: 204) → ok. */
export async function deleteRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  opts: ManagementCallOptions = {},
): Promise<DeleteRegistrationResult> {
  const res = await bankRequest(
    bank,
    'DELETE',
    opts.url ?? clientRegistrationUrl(bank.discovery, clientId),
    { headers: managementHeaders(accessToken, opts.headers) },
    opts.retry,
  );
  if (!isSuccess(res.status)) return { ...failureFrom(res), attempts: res.attempts };
  return { ok: true, status: res.status, headers: res.headers, raw: res.text, attempts: res.attempts };
}
