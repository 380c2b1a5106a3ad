import { mtlsEndpoint } from '../discovery/mtls-endpoint.js';
import type { BankConnection, RegistrationResult } from '../types.js';
import { registrationResult } from './registration-response.js';

export interface RegisterOptions {
  /** Request media type: 'application/jose' (OB v3.2+, default) or 'application/jwt' (v3.1). */
  mediaType?: string;
  /** Extra request headers (e.g. x-fapi-interaction-id). */
  headers?: Record<string, string>;
  /** This call's deadline instead of the client's. */
  timeoutMs?: number;
}

/**
 * `POST {registration_endpoint}` with the signed registration request as the body, over mutual
 * TLS. Never throws for an HTTP answer: 2xx with a client_id → `{ok: true, status, client}`,
 * otherwise `{ok: false, status, error, error_description, raw}`.
 */
export async function register(
  bank: BankConnection,
  jwt: string,
  opts: RegisterOptions = {},
): Promise<RegistrationResult> {
  const res = await bank.http.request('POST', mtlsEndpoint(bank.discovery, 'registration_endpoint'), {
    headers: {
      'Content-Type': opts.mediaType ?? 'application/jose',
      Accept: 'application/json',
      ...opts.headers,
    },
    body: jwt,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return registrationResult(res);
}
