import { TppError } from '../errors.js';
import type { HttpRequestOptions, HttpResponse } from '../http/create-http-client.js';
import { type RetryOptions, retryOnFor, withRetry } from '../http/with-retry.js';
import type { BankConnection } from '../types.js';

/**
 * One bank call over the connection's mTLS client, retried as `retry` (or else the
 * connection's `retry`) says; `retryOn` defaults by method (POST: 429/503 only). `init` may
 * be a function, called per attempt (e.g. a fresh client assertion each time).
 * Returns the last response with `attempts`.
 */
export async function bankRequest(
  bank: BankConnection,
  method: string,
  url: string,
  init: HttpRequestOptions | (() => Promise<HttpRequestOptions>),
  retry?: RetryOptions | false,
): Promise<HttpResponse & { attempts: number }> {
  const policy = retry ?? bank.retry;
  const send = async () => bank.http.request(method, url, typeof init === 'function' ? await init() : init);
  if (!policy) {
    try {
      return Object.assign(await send(), { attempts: 1 });
    } catch (err) {
      if (err instanceof TppError) err.attempts = 1;
      throw err;
    }
  }
  return withRetry(send, { ...policy, retryOn: policy.retryOn ?? retryOnFor(method) });
}

/** Options every bank call takes. */
export interface BankCallOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** This call's retry policy (false: one attempt) instead of the connection's. */
  retry?: RetryOptions | false;
}
