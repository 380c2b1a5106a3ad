import { BadRequest } from '../../lib/errors.js';

/**
 * The discovery URL of `bank` as the registration API names it: one of the configured bank ids
 * (own names only: `constructor` is no bank), or an https URL without user information (a
 * password in it would be written to the service's log with an upstream failure). Anything
 * else is 400 invalid_request.
 */
export function bankDiscoveryUrl(banks: Readonly<Record<string, string>>, bank: string): string {
  if (Object.hasOwn(banks, bank)) return banks[bank];
  let url: URL | undefined;
  try {
    url = /^https:\/\//i.test(bank) ? new URL(bank) : undefined;
  } catch {
    url = undefined;
  }
  if (!url)
    throw new BadRequest(
      `unknown bank '${bank}': use a discovery URL or one of ${Object.keys(banks).join(', ') || '(none)'}`,
    );
  if (url.username !== '' || url.password !== '')
    throw new BadRequest('the bank URL must not carry user information (user:password@)');
  return bank;
}
