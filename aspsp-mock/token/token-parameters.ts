import type { Request } from 'express';
import { TokenError } from '../errors.js';

/** The parameters the token endpoint reads (RFC 6749 §4.4.2, §2.3.1; RFC 7521 §4.2). */
export const TOKEN_PARAMETERS = [
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

/**
 * Step: the token request's form (application/x-www-form-urlencoded, RFC 6749 §3.2) as the
 * parameters of {@link TOKEN_PARAMETERS}. Each is given at most once — RFC 6749 §3.1: "Request
 * and response parameters MUST NOT be included more than once" — or the request is 400
 * `invalid_request`; one sent without a value is left out ("MUST be treated as if they were
 * omitted from the request"); any other parameter is ignored ("The authorization server MUST
 * ignore unrecognized request parameters"), however often it is given.
 */
export function tokenParameters(req: Request): URLSearchParams {
  const sent = new URLSearchParams((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
  const form = new URLSearchParams();
  for (const name of TOKEN_PARAMETERS) {
    const values = sent.getAll(name);
    if (values.length > 1)
      throw new TokenError('invalid_request', `${name} must not be given more than once`);
    if (values.length === 1 && values[0] !== '') form.set(name, values[0]);
  }
  return form;
}
