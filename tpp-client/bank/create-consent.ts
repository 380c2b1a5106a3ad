import type { RetryOptions } from '../http/with-retry.js';
import type { BankConnection, ConsentResult } from '../types.js';
import { accountAccessConsentsUrl } from './account-access-consents-url.js';
import { bankRequest } from './bank-request.js';
import { consentResult } from './consent-response.js';
import { resourceHeaders } from './resource-headers.js';

export interface CreateConsentOptions {
  /** Default ['ReadAccountsBasic']. */
  permissions?: string[];
  /** Default 90 days from now. */
  expirationDateTime?: string;
  /** Default `{issuer}/open-banking/v3.1`. */
  resourceBaseUrl?: string;
  headers?: Record<string, string>;
  now?: Date;
  /** Retry policy instead of the connection's (false: one attempt). Retried only on 429/503. */
  retry?: RetryOptions | false;
}

/**
 * `POST {issuer}/open-banking/v3.1/aisp/account-access-consents` with
 * `{"Data":{"Permissions":[…],"ExpirationDateTime":…},"Risk":{}}` and the client-credentials token:
 * proves the registered client's credentials work end to end.
 */
export async function createConsent(
  bank: BankConnection,
  accessToken: string,
  opts: CreateConsentOptions = {},
): Promise<ConsentResult> {
  const now = opts.now ?? new Date();
  const expiry =
    opts.expirationDateTime ??
    new Date(now.getTime() + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const body = {
    Data: { Permissions: opts.permissions ?? ['ReadAccountsBasic'], ExpirationDateTime: expiry },
    Risk: {},
  };
  const res = await bankRequest(
    bank,
    'POST',
    accountAccessConsentsUrl(bank.discovery, opts.resourceBaseUrl),
    {
      headers: resourceHeaders(bank.discovery, accessToken, {
        'Content-Type': 'application/json',
        ...opts.headers,
      }),
      body: JSON.stringify(body),
    },
    opts.retry,
  );
  return { ...consentResult(res), attempts: res.attempts };
}
