import type { RegisteredClient } from '../../tpp-client/index.js';
import type { ScenarioContext } from '../context.js';
import { acceptableRedirects } from './acceptable-redirects.js';

/**
 * What is wrong with the redirect URIs a bank registered where the spec lets it choose them (an
 * omitted redirect_uris, or an unacceptable `asked` one it may replace, RFC 7591 §2): none, or one
 * that is not among the SSA's https URIs off localhost. Undefined: nothing.
 */
export function registeredRedirectProblem(
  client: RegisteredClient,
  t: ScenarioContext,
  asked?: string,
): string | undefined {
  const acceptable = acceptableRedirects(t);
  const got = Array.isArray(client.redirect_uris) ? client.redirect_uris.map(String) : [];
  if (!got.length) return 'the bank registered the client without redirect_uris';
  if (asked !== undefined && got.includes(asked))
    return `the bank registered the redirect URI asked for, ${asked}: it must refuse it (400 invalid_redirect_uri) or register an https URI of the SSA instead`;
  const bad = got.filter((u) => !acceptable.includes(u));
  return bad.length
    ? `the bank registered ${JSON.stringify(bad)} ${asked === undefined ? 'for the omitted redirect_uris' : `in place of ${asked}`}: each must be one of the SSA's https URIs, not localhost`
    : undefined;
}
