import type { HttpResponse } from '../http/create-http-client.js';
import type { AccountAccessConsent, ConsentResult } from '../types.js';
import { failureFrom, invalidResponse, isSuccess, jsonObjectOf } from './bank-response.js';

/** An account-access-consent answer → `{ok: true, consent: Data}` or a failure. */
export function consentResult(res: HttpResponse): ConsentResult {
  if (!isSuccess(res.status)) return failureFrom(res);
  const body = jsonObjectOf(res.text);
  const data = body?.Data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || typeof data.ConsentId !== 'string') {
    return invalidResponse(res, 'the consent response has no Data.ConsentId');
  }
  return {
    ok: true,
    status: res.status,
    headers: res.headers,
    raw: res.text,
    consent: data as AccountAccessConsent,
    body,
  };
}
