import { BIDI_CONTROLS, CONTROL_CHARACTERS } from './free-text.js';
import { parseUrlRemembered } from './parsed-url.js';

/**
 * What makes a string unusable as an OAuth redirection endpoint, whoever
 * checks it (the directory before signing it into an SSA, the bank before
 * registering it): RFC 6749 §3.1.2 — an absolute URI that MUST NOT include a
 * fragment — read strictly on the raw string, before any URL parser quietly
 * drops tabs and newlines or percent-encodes what it does not like. Refused:
 * control characters (C0, DEL, C1), bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069: they make a signed URI display as another), any whitespace (including
 * U+2028/U+2029 and no-break spaces), userinfo, a fragment (even an empty one), a scheme other
 * than http(s), no host. Returns the reason, or undefined for an acceptable URI.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (CONTROL_CHARACTERS.test(uri)) return 'must not contain control characters';
  if (BIDI_CONTROLS.test(uri))
    return 'must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';
  if (/[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/u.test(uri))
    return 'must not contain whitespace';
  if (uri.includes('#')) return 'must not have a fragment (RFC 6749 §3.1.2)';
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?]*)/.exec(uri)?.[1];
  if (authority === undefined) return 'must be an absolute http(s) URL';
  if (authority.includes('@') || authority.includes('\\')) return 'must not carry userinfo';
  const url = parseUrlRemembered(uri);
  if (!url) return 'must be an absolute http(s) URL';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.username !== '' || url.password !== '') return 'must not carry userinfo';
  if (url.hostname === '') return 'must name a host';
  return undefined;
}
