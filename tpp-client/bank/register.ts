import { mtlsEndpoint } from '../discovery/mtls-endpoint.js';
import type { RetryOptions } from '../http/with-retry.js';
import type { BankConnection, RegistrationResult } from '../types.js';
import { bankRequest } from './bank-request.js';
import { noteRegistrationClientUri } from './note-registration-client-uri.js';
import { registrationResult } from './registration-response.js';

export interface RegisterOptions {
  /**
   * Request media type: 'application/jose' (OB v3.2+, default), 'application/jwt' (v3.1) or
   * 'application/json' (an RFC 7591 JSON body).
   */
  mediaType?: string;
  /** Extra request headers (e.g. x-fapi-interaction-id). */
  headers?: Record<string, string>;
  /** This call's deadline instead of the client's. */
  timeoutMs?: number;
  /** Retry policy instead of the connection's (false: one attempt). Retried only on 429/503. */
  retry?: RetryOptions | false;
}

/**
 * `POST {registration_endpoint}` with the registration request as the body (a signed JWS, or
 * an RFC 7591 JSON object with `mediaType` application/json), over mutual TLS. Never throws
 * for an HTTP answer: 2xx with a client_id → `{ok: true, status, client, attempts}`, otherwise
 * `{ok: false, status, error, error_description, raw, attempts}`.
 */
export async function register(
  bank: BankConnection,
  body: string,
  opts: RegisterOptions = {},
): Promise<RegistrationResult> {
  const url = mtlsEndpoint(bank.discovery, 'registration_endpoint');
  const res = await bankRequest(
    bank,
    'POST',
    url,
    {
      headers: {
        'Content-Type': opts.mediaType ?? 'application/jose',
        Accept: 'application/json',
        ...opts.headers,
      },
      body,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    },
    opts.retry,
  );
  return noteRegistrationClientUri({ ...registrationResult(res), attempts: res.attempts }, url);
}
