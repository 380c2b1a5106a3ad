import type { BankConnection, DeleteRegistrationResult } from '../types.js';
import { failureFrom, isSuccess } from './bank-response.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import { managementHeaders } from './management-headers.js';

/** `DELETE {registration_endpoint}/{ClientId}`: any 2xx (spec: 204) → ok. */
export async function deleteRegistration(
  bank: BankConnection,
  clientId: string,
  accessToken: string | undefined,
  opts: { headers?: Record<string, string> } = {},
): Promise<DeleteRegistrationResult> {
  const res = await bank.http.request('DELETE', clientRegistrationUrl(bank.discovery, clientId), {
    headers: managementHeaders(accessToken, opts.headers),
  });
  if (!isSuccess(res.status)) return failureFrom(res);
  return { ok: true, status: res.status, headers: res.headers, raw: res.text };
}
