import type { Discovery } from '../types.js';

/** `{base}/aisp/account-access-consents`; base defaults to `{issuer}/open-banking/v3.1`. */
export function accountAccessConsentsUrl(discovery: Discovery, resourceBaseUrl?: string): string {
  const base = resourceBaseUrl ?? `${discovery.issuer.replace(/\/+$/, '')}/open-banking/v3.1`;
  return `${base.replace(/\/+$/, '')}/aisp/account-access-consents`;
}
