import { TppError } from '../errors.js';
import { type Discovery, TOKEN_AUTH_METHODS, type TokenEndpointAuthMethod } from '../types.js';

/** Preferred order when a bank offers several methods. */
export const DEFAULT_AUTH_METHOD_PREFERENCE: readonly TokenEndpointAuthMethod[] = TOKEN_AUTH_METHODS;

/**
 * The first method of `preference` the bank lists in `token_endpoint_auth_methods_supported`
 * (absent: OIDC's default, client_secret_basic). Throws TppError `no_common_auth_method`.
 */
export function chooseAuthMethod(
  discovery: Pick<Discovery, 'token_endpoint_auth_methods_supported'>,
  preference: readonly TokenEndpointAuthMethod[] = DEFAULT_AUTH_METHOD_PREFERENCE,
): TokenEndpointAuthMethod {
  const supported = discovery.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const chosen = preference.find((m) => supported.includes(m));
  if (!chosen) {
    throw new TppError(
      'no_common_auth_method',
      `the bank supports ${supported.join(', ') || 'no method'}; none of ${preference.join(', ')}`,
    );
  }
  return chosen;
}
