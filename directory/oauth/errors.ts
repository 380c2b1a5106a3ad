import { HttpError } from '../../lib/errors.js';

/** RFC 6749 §5.2 error of the directory's token endpoint. */
export class TokenEndpointError extends HttpError {
  constructor(
    code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope',
    description: string,
  ) {
    super(code === 'invalid_client' ? 401 : 400, code, description);
  }
}

/** RFC 6750 §3.1: the token lacks the scope an operation needs. */
export class InsufficientScope extends HttpError {
  constructor(needed: string[]) {
    super(403, 'insufficient_scope', `this operation needs a token with scope ${needed.join(' or ')}`, {
      'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${needed.join(' ')}"`,
    });
  }
}
