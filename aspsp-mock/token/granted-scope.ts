import { TokenError } from '../errors.js';
import type { ClientRecord } from '../model.js';
import { scopeList } from '../register/validate-claims.js';

/**
 * Longest `scope` parameter accepted at the token endpoint, in characters. RFC 6749 sets no
 * limit; the OB DCR swagger caps a client's registered `scope` at 256 characters
 * (OBRegistrationProperties1.scope maxLength), and a token may only ask for registered
 * scopes, so 1,024 leaves room for any honest request (repeated words included) while a
 * request can no longer make the bank keep and echo kilobytes per token.
 */
export const MAX_SCOPE_PARAMETER_LENGTH = 1024;

/**
 * Step: the scope the token gets. RFC 6749 §3.3: the scope is a list of space-delimited
 * strings — a set: a repeated word adds nothing, so the token holds each once, in the order
 * first asked. Each must have been registered for the client; none asked → all registered.
 * Too long, or a word not registered → 400 `invalid_scope` (§5.2: "The requested scope is
 * invalid, unknown, malformed, or exceeds the scope granted").
 */
export function grantedScope(client: ClientRecord, requested: string | null): string {
  const allowed = scopeList(client.metadata);
  if (requested === null || requested.trim() === '') return [...new Set(allowed)].join(' ');
  if (requested.length > MAX_SCOPE_PARAMETER_LENGTH)
    throw new TokenError('invalid_scope', `scope must be at most ${MAX_SCOPE_PARAMETER_LENGTH} characters`);
  const wanted = [...new Set(requested.split(' ').filter(Boolean))];
  const extra = wanted.filter((s) => !allowed.includes(s));
  if (extra.length > 0)
    throw new TokenError('invalid_scope', `scope ${extra.join(' ')} was not registered for this client`);
  return wanted.join(' ');
}
