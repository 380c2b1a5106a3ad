import type { RetryOptions } from '../http/with-retry.js';
import type { BankConnection, ConsentResult } from '../types.js';
import { accountAccessConsentsUrl } from './account-access-consents-url.js';
import { bankRequest } from './bank-request.js';
import { consentResult } from './consent-response.js';
import { resourceHeaders } from './resource-headers.js';

/** `GET {issuer}/open-banking/v3.1/aisp/account-access-consents/{ConsentId}`. */
export async function getConsent(
  bank: BankConnection,
  accessToken: string,
  consentId: string,
  opts: { resourceBaseUrl?: string; headers?: Record<string, string>; retry?: RetryOptions | false } = {},
): Promise<ConsentResult> {
  const url = `${accountAccessConsentsUrl(bank.discovery, opts.resourceBaseUrl)}/${encodeURIComponent(consentId)}`;
  const res = await bankRequest(
    bank,
    'GET',
    url,
    { headers: resourceHeaders(bank.discovery, accessToken, opts.headers) },
    opts.retry,
  );
  return { ...consentResult(res), attempts: res.attempts };
}
