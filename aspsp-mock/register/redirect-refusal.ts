import { InvalidClientMetadata, InvalidRedirectUri, type RegistrationError } from '../errors.js';
import type { BankSettings } from '../settings.js';

/**
 * The error refusing a redirect URI: `invalid_redirect_uri`, the code RFC 7591 §3.2.2 defines for
 * it, or `invalid_client_metadata` where the profile says the bank answers every metadata refusal
 * with that (switch `redirectErrorCode`).
 */
export function redirectRefusal(settings: BankSettings, description: string): RegistrationError {
  return settings.redirectErrorCode === 'invalid_client_metadata'
    ? new InvalidClientMetadata(description)
    : new InvalidRedirectUri(description);
}
